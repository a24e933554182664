package net.gate64.resolver.dnssec;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.gate64.resolver.config.ConfigError;
import net.gate64.resolver.config.SettingsLoader;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DNSSEC settings: the mode (PowerDNS Recursor's names and meanings), trust anchors, negative trust anchors and the
 * limits that bound validation work (KeyTrap, CVE-2023-50387; NSEC3 hashing, CVE-2023-50868).
 *
 * @param anchors DS or DNSKEY records, one RRset per zone; the IANA root anchors unless the operator gave "."
 */
public record DnssecSettings(Mode mode, List<Record> anchors, Map<Name, String> negativeAnchors,
                             int maxRrsigsPerRecord, int maxDsMatchFailures, int nsec3MaxIterations,
                             int maxSubqueries, long maxValidationMillis) {

    /** PowerDNS Recursor's {@code dnssec} setting. */
    public enum Mode {
        /** No DO bit upstream, no validation, no DNSSEC records to clients. */
        OFF,
        /** DO upstream, DNSSEC records to clients that set DO, never validates, never AD. */
        PROCESS_NO_VALIDATE,
        /** As above, and validates when the client set DO or AD: AD on Secure, SERVFAIL on Bogus for that client. */
        PROCESS,
        /** Validates every answer and logs Bogus ones, but answers as if validation were off (AD only when asked). */
        LOG_FAIL,
        /** Validates every answer: Bogus is SERVFAIL for every client (unless CD), AD on Secure when asked. */
        VALIDATE;

        public boolean requestsDnssecRecords() {
            return this != OFF;
        }

        public static Mode parse(String s) {
            return switch (s) {
                case "off" -> OFF;
                case "process-no-validate" -> PROCESS_NO_VALIDATE;
                case "process" -> PROCESS;
                case "log-fail" -> LOG_FAIL;
                case "validate" -> VALIDATE;
                default -> throw new IllegalArgumentException(
                        "must be one of off, process-no-validate, process, log-fail, validate");
            };
        }
    }

    /** The root's key-signing keys as IANA publishes them (root-anchors.xml): KSK-2017 and KSK-2024. */
    static final String IANA_ROOT_ANCHORS = """
            . 172800 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D
            . 172800 IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16
            """;

    public DnssecSettings {
        anchors = List.copyOf(anchors);
        negativeAnchors = Map.copyOf(negativeAnchors);
    }

    public static DnssecSettings from(SettingsLoader loader) {
        Mode mode = loader.value("dnssec", Mode::parse);
        List<Record> configured = new ArrayList<>();
        Config c = loader.config();
        for (Map.Entry<String, ConfigValue> e : object(c, "trust-anchors").entrySet()) {
            Name zone = zone(loader, "trust-anchors", e.getKey());
            List<String> texts = strings(e.getValue());
            for (String ds : texts) {
                configured.add(parseRecord(loader, "trust-anchors", zone + " 3600 IN DS " + ds, e.getValue()));
            }
        }
        String file = loader.string("trust-anchor-file");
        if (!file.isBlank()) {
            configured.addAll(readAnchorFile(loader, Path.of(file)));
        }
        boolean rootGiven = configured.stream().anyMatch(r -> r.getName().equals(Name.root));
        List<Record> anchors = new ArrayList<>(configured);
        if (!rootGiven) {
            anchors.addAll(parse(IANA_ROOT_ANCHORS));
        }
        Map<Name, String> ntas = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : object(c, "negative-trust-anchors").entrySet()) {
            if (e.getValue().valueType() != ConfigValueType.STRING) {
                throw new ConfigError(SettingsLoader.where(e.getValue())
                        + "invalid value for 'negative-trust-anchors': the value of \"" + e.getKey() + "\" must be a reason string");
            }
            ntas.put(zone(loader, "negative-trust-anchors", e.getKey()), (String) e.getValue().unwrapped());
        }
        return new DnssecSettings(mode, anchors, ntas,
                (int) loader.longIn("max-rrsigs-per-record", 1, 64),
                (int) loader.longIn("max-ds-match-failures", 1, 64),
                (int) loader.longIn("nsec3-max-iterations", 0, 2500),
                (int) loader.longIn("dnssec-max-subqueries", 1, 1000),
                loader.longIn("dnssec-max-msec", 1, 600_000));
    }

    /** The settings of a recursor that does not validate (tests of other parts). */
    public static DnssecSettings off() {
        return new DnssecSettings(Mode.OFF, parse(IANA_ROOT_ANCHORS), Map.of(), 2, 4, 150, 20, 2000);
    }

    private static Map<String, ConfigValue> object(Config c, String key) {
        try {
            return c.getObject(key);
        } catch (ConfigException e) {
            throw new ConfigError(e.getMessage());
        }
    }

    private static Name zone(SettingsLoader loader, String key, String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw loader.invalid(key, "\"" + text + "\" is not a domain name");
        }
    }

    private static List<String> strings(ConfigValue v) {
        if (v.valueType() == ConfigValueType.STRING) {
            return List.of((String) v.unwrapped());
        }
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) v.unwrapped()) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    private static Record parseRecord(SettingsLoader loader, String key, String text, ConfigValue where) {
        try {
            List<Record> rs = parse(text + "\n");
            if (rs.size() != 1) {
                throw new IOException("expected one DS record");
            }
            return rs.get(0);
        } catch (IOException | RuntimeException e) {
            throw new ConfigError(SettingsLoader.where(where) + "invalid value for '" + key + "': \"" + text
                    + "\" is not a DS record (expected \"keytag algorithm digesttype digest\"): " + e.getMessage());
        }
    }

    private static List<Record> readAnchorFile(SettingsLoader loader, Path file) {
        try {
            List<Record> out = new ArrayList<>();
            for (Record r : parse(Files.readString(file))) {
                if (r.getType() == Type.DS || r.getType() == Type.DNSKEY) {
                    out.add(r);
                }
            }
            if (out.isEmpty()) {
                throw loader.invalid("trust-anchor-file", file + " holds no DS or DNSKEY record");
            }
            return out;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConfigError ce) {
                throw ce;
            }
            throw loader.invalid("trust-anchor-file", file + ": " + e.getMessage());
        }
    }

    static List<Record> parse(String zoneText) {
        List<Record> out = new ArrayList<>();
        try (Master m = new Master(new java.io.ByteArrayInputStream(zoneText.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Name.root, 3600)) {
            Record r;
            while ((r = m.nextRecord()) != null) {
                if (r.getDClass() == DClass.IN) {
                    out.add(r);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return out;
    }
}
