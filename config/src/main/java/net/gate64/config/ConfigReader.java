package net.gate64.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Typed getters over loaded settings. Each turns one key's value into a Java value or throws a {@link ConfigError}
 * that names the key, the value as written, what was expected (with the unit for numbers and durations) and the
 * position: the operator's file and line, {@code command line -Dkey}, or, for a default the operator did not
 * change, the operator's file with "is not set". Settings classes are built from these by each program's config
 * package; nothing else reads HOCON.
 */
public final class ConfigReader {
    private final Config config;
    private final Path file;
    private final String context;
    /** The whole resolved file when it has sections (both programs' settings), else null. */
    private final Config whole;

    ConfigReader(Config config, Path file, String context) {
        this(config, file, context, null);
    }

    ConfigReader(Config config, Path file, String context, Config whole) {
        this.config = config;
        this.file = file;
        this.context = context;
        this.whole = whole;
    }

    /**
     * A setting of the other program in the same shared file ({@link ConfigLoader}), as strings (a single value
     * counts as a one-element list); null when the file has no such section or the section does not set the key.
     * The recursor uses it to compare its DNS64 prefixes with the gateway's {@code pool6}.
     */
    public List<String> otherSection(String section, String key) {
        if (whole == null || !whole.hasPath(section) || !whole.getConfig(section).hasPath(key)) {
            return null;
        }
        ConfigValue v = whole.getConfig(section).getValue(key);
        return strings(v, why -> Position.of(v.origin()).error("'" + section + "." + key + "': " + why));
    }

    /** The operator's file, or null when only defaults and overrides were read. */
    public Path file() {
        return file;
    }

    public boolean bool(String key) {
        ConfigValue v = raw(key);
        if (v.valueType() == ConfigValueType.BOOLEAN) {
            return (Boolean) v.unwrapped();
        }
        if (v.valueType() == ConfigValueType.STRING) {
            switch (((String) v.unwrapped()).trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> {
                    return true;
                }
                case "false", "no", "off" -> {
                    return false;
                }
                default -> { }
            }
        }
        throw invalid(key, show(v) + " is not true or false");
    }

    /** A single value as text (numbers and booleans are accepted as their text). */
    public String string(String key) {
        ConfigValue v = raw(key);
        return switch (v.valueType()) {
            case STRING -> (String) v.unwrapped();
            case NUMBER, BOOLEAN -> String.valueOf(v.unwrapped());
            default -> throw invalid(key, "must be a single value in quotes, not " + kind(v) + " " + show(v));
        };
    }

    /** A whole number in {@code min..max}. */
    public long number(String key, long min, long max) {
        return number(key, min, max, "");
    }

    /** A whole number of seconds in {@code min..max}. */
    public long seconds(String key, long min, long max) {
        return number(key, min, max, "seconds");
    }

    /** A whole number of milliseconds in {@code min..max}, as a Duration. */
    public Duration millis(String key, long min, long max) {
        return Duration.ofMillis(number(key, min, max, "milliseconds"));
    }

    /**
     * A whole number in {@code min..max}; {@code unit} ("seconds", "milliseconds", "bytes", "" for none) appears in
     * every error, and a duration such as "1.5s" given for a seconds or milliseconds key is answered with the
     * number to write instead.
     */
    public long number(String key, long min, long max, String unit) {
        ConfigValue v = raw(key);
        String of = unit.isEmpty() ? "" : " of " + unit;
        Long n = switch (v.valueType()) {
            case NUMBER -> {
                Number x = (Number) v.unwrapped();
                yield (x instanceof Integer || x instanceof Long) ? Long.valueOf(x.longValue()) : null;
            }
            case STRING -> parseLong(((String) v.unwrapped()).trim());
            default -> null;
        };
        if (n == null) {
            throw invalid(key, show(v) + " is not a whole number" + of + hint(v, unit));
        }
        if (n < min || n > max) {
            throw invalid(key, n + " is outside " + min + ".." + max + (unit.isEmpty() ? "" : " " + unit));
        }
        return n;
    }

    /**
     * A HOCON duration with its unit ("300s", "5m", "2h", "250ms") in {@code min..max}. A bare number is refused:
     * HOCON would read it as milliseconds, which is rarely what was meant.
     */
    public Duration duration(String key, Duration min, Duration max) {
        ConfigValue v = raw(key);
        if (v.valueType() == ConfigValueType.NUMBER) {
            throw invalid(key, show(v) + " has no unit: write it with one, e.g. \"" + show(v) + "s\" (units: ms, s, m, h, d)");
        }
        Duration d = v.valueType() == ConfigValueType.STRING ? parseDuration((String) v.unwrapped()) : null;
        if (d == null) {
            throw invalid(key, show(v) + " is not a duration: write a number with a unit, e.g. \"300s\", \"5m\", \"2h\"");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw invalid(key, show(v) + " is outside " + human(min) + ".." + human(max));
        }
        return d;
    }

    /** A single value parsed by {@code parser}, whose IllegalArgumentException message becomes the error. */
    public <T> T value(String key, Function<String, T> parser) {
        String s = string(key).trim();
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    /** A list of values, each parsed; a single value counts as a one-element list and "" as none. */
    public <T> List<T> list(String key, Function<String, T> parser) {
        List<T> out = new ArrayList<>();
        for (String t : strings(key)) {
            try {
                out.add(parser.apply(t.trim()));
            } catch (IllegalArgumentException e) {
                throw invalid(key, e.getMessage());
            }
        }
        return out;
    }

    /** The value of a key that takes a whole list, parsed at once (e.g. a network set). */
    public <T> T all(String key, Function<List<String>, T> parser) {
        List<String> texts = strings(key);
        try {
            return parser.apply(texts);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    /** A list of strings; a single string counts as a one-element list and "" as an empty one. */
    public List<String> strings(String key) {
        return strings(raw(key), k -> invalid(key, k));
    }

    /** The entries of an object setting such as {@code forward-zones = { "example.org" = [...] }}, in file order. */
    public List<Member> members(String key) {
        ConfigValue v = raw(key);
        if (v.valueType() != ConfigValueType.OBJECT) {
            throw invalid(key, "must be an object { name = value, ... }, not " + kind(v) + " " + show(v));
        }
        List<Member> out = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : ((ConfigObject) v).entrySet()) {
            out.add(new Member(name(key), e.getKey(), e.getValue()));
        }
        out.sort(Comparator.comparingInt((Member m) -> m.position().order()).thenComparing(Member::name));
        return out;
    }

    /**
     * The entries of a list of objects such as {@code dns64-clients = [ { networks = [...], prefix = "..." } ]}, each
     * read by a reader of its own whose errors say which entry. Keys outside {@code allowed} are refused, all of
     * them in one error.
     */
    public List<ConfigReader> objects(String key, Set<String> allowed) {
        ConfigValue v = raw(key);
        if (v.valueType() != ConfigValueType.LIST) {
            throw invalid(key, "must be a list of objects [ { ... }, ... ], not " + kind(v) + " " + show(v));
        }
        List<ConfigReader> out = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        Position first = null;
        int i = 0;
        for (ConfigValue e : (ConfigList) v) {
            i++;
            String entry = name(key) + " entry " + i;
            if (e.valueType() != ConfigValueType.OBJECT) {
                throw at(e).error(entry + " must be an object { ... }, not " + kind(e) + " " + show(e));
            }
            ConfigObject obj = (ConfigObject) e;
            List<String> keys = new ArrayList<>(obj.keySet());
            keys.sort(Comparator.comparingInt(k -> at(obj.get(k)).line()));
            for (String k : keys) {
                if (!allowed.contains(k)) {
                    Position p = at(obj.get(k));
                    first = first == null ? p : first;
                    unknown.add((p.line() > 0 ? "line " + p.line() + ": " : "") + "'" + k + "' in " + entry
                            + Suggestions.didYouMean(k, allowed));
                }
            }
            out.add(new ConfigReader(obj.toConfig(), file, entry));
        }
        if (!unknown.isEmpty()) {
            String expected = " (expected " + String.join(", ", allowed.stream().sorted().toList()) + ")";
            if (unknown.size() == 1) {
                throw new ConfigError(first.source(), first.line(), "unknown key "
                        + unknown.getFirst().replaceFirst("^line \\d+: ", "") + expected);
            }
            throw new ConfigError(first.source(), 0, unknown.size() + " unknown keys" + expected + ":\n  "
                    + String.join("\n  ", unknown));
        }
        return out;
    }

    /**
     * The value of a top-level key as compact HOCON/JSON text (null when absent): what a reload compares to tell
     * which settings changed, and what {@code get-config} style output shows.
     */
    public String rendered(String key) {
        ConfigValue v = config.root().get(key);
        return v == null ? null : v.render(ConfigRenderOptions.concise());
    }

    /** Whether the key is present (always, at the top level: the defaults hold every key). */
    public boolean has(String key) {
        return config.root().containsKey(key);
    }

    /** Whether the operator set the key (in the file or with -D) rather than leaving the default. */
    public boolean isSet(String key) {
        ConfigValue v = config.root().get(key);
        return v != null && !at(v).builtIn();
    }

    /**
     * An error about the value of {@code key}: at its position, or, when the value is the built-in default, at the
     * operator's file with "is not set", so that nobody is sent to read the defaults inside the program.
     */
    public ConfigError invalid(String key, String why) {
        ConfigValue v = config.root().get(key);
        Position p = v == null ? null : at(v);
        if (p == null || p.builtIn()) {
            String problem = name(key) + " is not set" + (v == null ? "" : " (default " + show(v) + ")") + ": " + why;
            return file == null
                    ? new ConfigError(null, 0, problem + " (no --config file was given: add it to one, or use -D"
                            + key + "=...)")
                    : new ConfigError(file.toString(), 0, problem);
        }
        return p.error("invalid value for " + name(key) + ": " + why);
    }

    /** "'key'" at the top level, "'key' in dns64-clients entry 2" inside a list entry. */
    private String name(String key) {
        return context.isEmpty() ? "'" + key + "'" : "'" + key + "' in " + context;
    }

    private ConfigValue raw(String key) {
        ConfigValue v = config.root().get(key);
        if (v == null) {
            // only inside list entries: the top level always has every key from the defaults
            Position p = Position.of(config.root().origin());
            throw p.error(context + " needs '" + key + "'");
        }
        if (v.valueType() == ConfigValueType.NULL) {
            throw invalid(key, "is null; remove the line to keep the default, or give a value");
        }
        return v;
    }

    private static Position at(ConfigValue v) {
        return Position.of(v.origin());
    }

    private static List<String> strings(ConfigValue v, Function<String, ConfigError> invalid) {
        switch (v.valueType()) {
            case STRING -> {
                String s = (String) v.unwrapped();
                return s.isBlank() ? List.of() : List.of(s);
            }
            case NUMBER, BOOLEAN -> {
                return List.of(String.valueOf(v.unwrapped()));
            }
            case LIST -> {
                List<String> out = new ArrayList<>();
                int i = 0;
                for (Object o : (List<?>) v.unwrapped()) {
                    i++;
                    if (o instanceof List<?> || o instanceof Map<?, ?> || o == null) {
                        throw invalid.apply("element " + i + " must be a single value, not " + o);
                    }
                    out.add(String.valueOf(o));
                }
                return out;
            }
            default -> throw invalid.apply("must be a value or a list of values, not " + kind(v) + " " + show(v));
        }
    }

    /** The value as the operator wrote it, for messages: strings in quotes, the rest in HOCON. */
    static String show(ConfigValue v) {
        if (v.valueType() == ConfigValueType.STRING) {
            return ConfigLoader.quote((String) v.unwrapped());
        }
        String s = v.render(ConfigRenderOptions.concise());
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String kind(ConfigValue v) {
        return switch (v.valueType()) {
            case OBJECT -> "an object";
            case LIST -> "a list";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case STRING -> "a string";
        };
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** For a duration written where seconds or milliseconds are expected: the number to write instead. */
    private static String hint(ConfigValue v, String unit) {
        if (v.valueType() != ConfigValueType.STRING || !(unit.equals("seconds") || unit.equals("milliseconds"))) {
            return "";
        }
        Duration d = parseDuration((String) v.unwrapped());
        if (d == null) {
            return "";
        }
        long n = unit.equals("seconds") ? d.toSeconds() : d.toMillis();
        boolean exact = unit.equals("seconds") ? d.toSeconds() * 1000 == d.toMillis() : true;
        return exact ? " (write " + n + ")" : "";
    }

    private static Duration parseDuration(String text) {
        if (text.isBlank() || text.trim().chars().allMatch(Character::isDigit)) {
            return null; // no unit
        }
        try {
            return ConfigFactory.parseString("d = " + ConfigLoader.quote(text.trim())).getDuration("d");
        } catch (ConfigException e) {
            return null;
        }
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** One entry of an object setting: its name, its value, and errors at its position. */
    public static final class Member {
        private final String setting;
        private final String name;
        private final ConfigValue value;

        Member(String setting, String name, ConfigValue value) {
            this.setting = setting;
            this.name = name;
            this.value = value;
        }

        public String name() {
            return name;
        }

        Position position() {
            return at(value);
        }

        /** The value as a list of strings (a single string counts as one). */
        public List<String> strings() {
            return ConfigReader.strings(value, this::error);
        }

        /** The value as one string; anything else is an error saying so. */
        public String string() {
            if (value.valueType() != ConfigValueType.STRING) {
                throw error("must be a string in quotes, not " + kind(value) + " " + show(value));
            }
            return (String) value.unwrapped();
        }

        /** An error about this entry, at its position. */
        public ConfigError error(String why) {
            return position().error("invalid value for " + setting + ", entry " + ConfigLoader.quote(name) + ": " + why);
        }
    }
}
