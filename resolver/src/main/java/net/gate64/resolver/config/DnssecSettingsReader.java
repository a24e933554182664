package net.gate64.resolver.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.gate64.config.ConfigReader;
import net.gate64.resolver.dnssec.DnssecSettings;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Reads {@code dnssec}, the trust anchors, the negative trust anchors and the validation limits. */
final class DnssecSettingsReader {
    private DnssecSettingsReader() {}

    static DnssecSettings read(ConfigReader c) {
        DnssecSettings.Mode mode = c.value("dnssec", DnssecSettings.Mode::parse);
        List<Record> configured = new ArrayList<>();
        for (ConfigReader.Member m : c.members("trust-anchors")) {
            Name zone = zone(m);
            for (String ds : m.strings()) {
                configured.add(dsRecord(m, zone + " 3600 IN DS " + ds));
            }
        }
        String file = c.string("trust-anchor-file").trim();
        if (!file.isEmpty()) {
            configured.addAll(readAnchorFile(c, Path.of(file)));
        }
        boolean rootGiven = configured.stream().anyMatch(r -> r.getName().equals(Name.root));
        List<Record> anchors = new ArrayList<>(configured);
        if (!rootGiven) {
            anchors.addAll(DnssecSettings.ianaRootAnchors());
        }
        Map<Name, String> ntas = new LinkedHashMap<>();
        for (ConfigReader.Member m : c.members("negative-trust-anchors")) {
            String reason = m.string();
            ntas.put(zone(m), reason);
        }
        return new DnssecSettings(mode, anchors, ntas,
                (int) c.number("max-rrsigs-per-record", 1, 64),
                (int) c.number("max-ds-match-failures", 1, 64),
                (int) c.number("nsec3-max-iterations", 0, 2500),
                (int) c.number("dnssec-max-subqueries", 1, 1000),
                c.millis("dnssec-max-msec", 1, 600_000).toMillis());
    }

    private static Name zone(ConfigReader.Member m) {
        String text = m.name();
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw m.error("\"" + text + "\" is not a domain name");
        }
    }

    private static Record dsRecord(ConfigReader.Member m, String text) {
        try {
            List<Record> rs = DnssecSettings.records(text + "\n");
            if (rs.size() != 1) {
                throw new IllegalArgumentException("expected one DS record");
            }
            return rs.getFirst();
        } catch (RuntimeException e) {
            throw m.error("\"" + text + "\" is not a DS record (expected \"keytag algorithm digesttype digest\"): "
                    + e.getMessage());
        }
    }

    private static List<Record> readAnchorFile(ConfigReader c, Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw c.invalid("trust-anchor-file", file + ": file not found");
        } catch (IOException e) {
            throw c.invalid("trust-anchor-file", file + ": cannot read it: " + e.getMessage());
        }
        List<Record> out = new ArrayList<>();
        try {
            for (Record r : DnssecSettings.records(text)) {
                if (r.getType() == Type.DS || r.getType() == Type.DNSKEY) {
                    out.add(r);
                }
            }
        } catch (IllegalArgumentException e) {
            throw c.invalid("trust-anchor-file", file + ": " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw c.invalid("trust-anchor-file", file + " holds no DS or DNSKEY record");
        }
        return out;
    }
}
