package net.gate64.resolver.dnssec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * DNSSEC settings: the mode (PowerDNS Recursor's names and meanings), trust anchors, negative trust anchors and the
 * limits that bound validation work (KeyTrap, CVE-2023-50387; NSEC3 hashing, CVE-2023-50868). A plain value, read
 * and validated by the config package.
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

    /** The IANA root anchors (KSK-2017 and KSK-2024), used unless the operator gives anchors for ".". */
    public static List<Record> ianaRootAnchors() {
        return records(IANA_ROOT_ANCHORS);
    }

    /** The settings of a recursor that does not validate (tests of other parts). */
    public static DnssecSettings off() {
        return new DnssecSettings(Mode.OFF, records(IANA_ROOT_ANCHORS), Map.of(), 2, 4, 150, 20, 2000);
    }

    /** The IN-class records of a zone-format text (origin ".", default TTL 3600). */
    public static List<Record> records(String zoneText) {
        List<Record> out = new ArrayList<>();
        try (Master m = new Master(new java.io.ByteArrayInputStream(zoneText.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Name.root, 3600)) {
            Record r;
            while ((r = m.nextRecord()) != null) {
                if (r.getDClass() == DClass.IN) {
                    out.add(r);
                }
            }
        } catch (IOException | RuntimeException e) { // dnsjava's parser slips on some inputs (see RootHints.next)
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return out;
    }
}
