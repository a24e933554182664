package net.gate64.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Loads one program's settings in three layers, later ones winning: the reference defaults ({@link ConfigSchema}),
 * the operator's file, then {@code -Dkey=value} overrides (HOCON values). Every key the operator wrote is checked
 * against the reference; all unknown keys are reported in one {@link ConfigError}, in file order, each with its line
 * and the nearest known key. The result is a {@link ConfigReader} whose typed getters turn values into settings.
 *
 * <p>One file may hold both programs' settings, each in its section: {@code recursor { ... }} and
 * {@code nat64 { ... }}. The whole file is resolved first, so one section can refer to the other (HOCON
 * substitution: {@code dns64-prefix = ${nat64.pool6}} makes the recursor's prefix the gateway's by construction);
 * then each program reads its own section. Such a file holds nothing else at its top level. A file without either
 * section is one program's settings, as before.
 */
public final class ConfigLoader {
    /** The sections a shared file may have: one per program. */
    public static final Set<String> SECTIONS = Set.of("recursor", "nat64");

    private ConfigLoader() {}

    /**
     * @param file      the operator's file, or null for defaults and overrides only
     * @param overrides "key=value" strings, HOCON value syntax; a bare word such as {@code 127.0.0.1:5300} that is
     *                  not valid HOCON is taken as a string
     */
    public static ConfigReader load(ConfigSchema schema, Path file, List<String> overrides) {
        Config reference = schema.reference();
        Set<String> known = reference.root().keySet();
        List<Unknown> unknown = new ArrayList<>();
        Config user = ConfigFactory.empty();
        Config whole = null;
        if (file != null) {
            Config fromFile = parseFile(file);
            if (schema.section() != null && sectioned(fromFile)) {
                whole = parse(fromFile::resolve);
                fromFile = section(whole, file, schema.section());
            }
            unknown.addAll(unknownKeys(fromFile, known));
            user = fromFile;
        }
        for (String o : overrides) {
            Config one = parseOverride(o);
            unknown.addAll(unknownKeys(one, known));
            user = one.withFallback(user);
        }
        if (!unknown.isEmpty()) {
            throw unknownError(unknown, known, schema.documentedIn());
        }
        Config layered = user;
        Config merged = parse(() -> layered.withFallback(reference).resolve());
        return new ConfigReader(merged, file, "", whole);
    }

    /** Whether the file is a shared one: a section at its top level. */
    private static boolean sectioned(Config file) {
        for (String s : SECTIONS) {
            ConfigValue v = file.root().get(s);
            if (v != null && v.valueType() == ConfigValueType.OBJECT) {
                return true;
            }
        }
        return false;
    }

    /** The program's section of a shared file; everything else at the top level is a mistake. */
    private static Config section(Config whole, Path file, String section) {
        for (Map.Entry<String, ConfigValue> e : whole.root().entrySet()) {
            if (!SECTIONS.contains(e.getKey()) || e.getValue().valueType() != ConfigValueType.OBJECT) {
                throw Position.of(e.getValue().origin()).error("'" + e.getKey() + "' at the top level of a file with "
                        + "sections: such a file holds only " + String.join(" { } and ", new java.util.TreeSet<>(SECTIONS))
                        + " { }, every setting inside its program's section");
            }
        }
        if (!whole.hasPath(section)) {
            throw new ConfigError(file.toString(), 0, "has sections but no '" + section + " { }' section for this program"
                    + " (it has " + String.join(", ", new java.util.TreeSet<>(whole.root().keySet())) + ")");
        }
        return whole.getConfig(section);
    }

    private static Config parseFile(Path file) {
        if (!Files.exists(file)) {
            throw new ConfigError(file.toString(), 0, "config file not found"
                    + (file.isAbsolute() ? "" : " (relative to " + Path.of("").toAbsolutePath() + ")"));
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigError(file.toString(), 0, "not a regular file (give the path of a .conf file)");
        }
        if (!Files.isReadable(file)) {
            throw new ConfigError(file.toString(), 0, "cannot read the config file (permission denied)");
        }
        return parse(() -> ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)));
    }

    /**
     * {@code key=value}: the value is HOCON ({@code 4}, {@code "a:b"}, {@code ["x", "y"]}, {@code { a = 1 }}). The
     * shell removes one level of quotes, so {@code -Dlocal-address=127.0.0.1:5300} arrives unquoted: a value without
     * spaces or brackets that does not parse is taken as that string.
     */
    static Config parseOverride(String override) {
        int eq = override.indexOf('=');
        String key = eq < 0 ? override.trim() : override.substring(0, eq).trim();
        if (eq <= 0 || key.isEmpty()) {
            throw new ConfigError(Position.OVERRIDE_PREFIX + override, 0,
                    "not key=value (write -Dkey=value, e.g. -Dthreads=2)");
        }
        String value = override.substring(eq + 1);
        String origin = Position.OVERRIDE_PREFIX + key;
        ConfigParseOptions options = ConfigParseOptions.defaults().setOriginDescription(origin);
        String quotedKey = quote(key);
        try {
            return ConfigFactory.parseString(quotedKey + " = " + value, options);
        } catch (ConfigException e) {
            String v = value.strip();
            boolean bareWord = !v.isEmpty() && v.chars().noneMatch(Character::isWhitespace)
                    && "[{\"".indexOf(v.charAt(0)) < 0;
            if (bareWord) {
                return ConfigFactory.parseString(quotedKey + " = " + quote(v), options);
            }
            throw new ConfigError(origin, 0, "the value " + value + " is not valid HOCON (" + problemOf(e)
                    + "); the shell removes one level of quotes, so put the whole value in single quotes and the"
                    + " strings inside it in double quotes: -D" + key + "='" + quoteWords(v) + "'");
        }
    }

    /** {@code {test=[127.0.0.1:5301]}} as {@code {"test"=["127.0.0.1:5301"]}}: the example of how to write it. */
    private static String quoteWords(String value) {
        return value.replaceAll("[^\\[\\]{},=\\s\"]+", "\"$0\"");
    }

    private record Unknown(String key, Position where) {}

    private static List<Unknown> unknownKeys(Config c, Set<String> known) {
        List<Unknown> out = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : c.root().entrySet()) {
            if (!known.contains(e.getKey())) {
                out.add(new Unknown(e.getKey(), Position.of(e.getValue().origin())));
            }
        }
        out.sort(Comparator.comparingInt((Unknown u) -> u.where().order()).thenComparing(Unknown::key));
        return out;
    }

    private static ConfigError unknownError(List<Unknown> unknown, Set<String> known, String documentedIn) {
        Unknown first = unknown.getFirst();
        if (unknown.size() == 1) {
            return first.where().error("unknown setting '" + first.key() + "'"
                    + Suggestions.didYouMean(first.key(), known) + " (every setting is listed in " + documentedIn + ")");
        }
        StringBuilder b = new StringBuilder(unknown.size() + " unknown settings (every setting is listed in "
                + documentedIn + "):");
        for (Unknown u : unknown) {
            b.append("\n  ");
            if (!u.where().source().equals(first.where().source())) {
                b.append(u.where().source()).append(": ");
            }
            if (u.where().line() > 0) {
                b.append("line ").append(u.where().line()).append(": ");
            }
            b.append('\'').append(u.key()).append('\'').append(Suggestions.didYouMean(u.key(), known));
        }
        return new ConfigError(first.where().source(), 0, b.toString());
    }

    static String quote(String s) {
        return com.typesafe.config.ConfigUtil.quoteString(s);
    }

    static Config parse(Supplier<Config> parser) {
        try {
            return parser.get();
        } catch (ConfigException e) {
            throw toError(e);
        }
    }

    /** A typesafe-config exception as a ConfigError at its position, without the library's own prefix. */
    static ConfigError toError(ConfigException e) {
        if (e.origin() == null) {
            return new ConfigError(e.getMessage());
        }
        Position p = Position.of(e.origin());
        return p.error(problemOf(e));
    }

    private static String problemOf(ConfigException e) {
        String m = e.getMessage();
        if (e.origin() != null) {
            String prefix = e.origin().description() + ": ";
            if (m.startsWith(prefix)) {
                m = m.substring(prefix.length());
            }
        }
        // typesafe's advice for ':' inside a value suggests renaming the file to .properties, which is never the fix
        int advice = m.indexOf(" (if you intended");
        if (advice > 0) {
            m = m.substring(0, advice) + " (put values that contain ':' or spaces in double quotes)";
        }
        return m;
    }
}
