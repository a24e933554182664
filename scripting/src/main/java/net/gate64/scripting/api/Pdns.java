package net.gate64.scripting.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xbill.DNS.Type;

/**
 * The constants of the {@code pdns} table, as PowerDNS Recursor defines them: every record type by name
 * ({@code pdns.AAAA} = 28), the rcodes, and the groups {@code place}, {@code validationstates}, {@code loglevels},
 * {@code policykinds} and {@code policytypes}. Each engine turns this tree into its own table or object.
 */
public final class Pdns {
    /** pdns.validationstates.Bogus: PowerDNS reports every Bogus sub-state as 255 in dq.validationState. */
    public static final int BOGUS = 255;
    public static final int PLACE_ANSWER = 1;
    public static final int PLACE_AUTHORITY = 2;
    public static final int PLACE_ADDITIONAL = 3;

    private static final Map<String, Object> TABLE = build();

    private Pdns() {}

    /** Name to Integer, or name to a nested map of the same shape. */
    public static Map<String, Object> table() {
        return TABLE;
    }

    private static Map<String, Object> build() {
        Map<String, Object> t = new LinkedHashMap<>();
        for (int type = 1; type < 65536; type++) {
            String name = Type.string(type);
            if (!name.startsWith("TYPE")) {
                t.put(name.replace('-', '_'), type);
            }
        }
        t.put("SPF", 99);
        t.put("ADDR", 65400);
        t.put("ALIAS", 65401);
        t.put("LUA", 65402);
        String[] rcodes = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
            "NXRRSET", "NOTAUTH", "NOTZONE"};
        for (int i = 0; i < rcodes.length; i++) {
            t.put(rcodes[i], i);
        }
        t.put("DROP", -2);
        t.put("place", group("QUESTION", 0, "ANSWER", 1, "AUTHORITY", 2, "ADDITIONAL", 3));
        t.put("loglevels", group("Emergency", 0, "Alert", 1, "Critical", 2, "Error", 3, "Warning", 4, "Notice", 5,
                "Info", 6, "Debug", 7));
        t.put("policykinds", group("NoAction", 0, "Drop", 1, "NXDOMAIN", 2, "NODATA", 3, "Truncate", 4, "Custom", 5));
        t.put("policytypes", group("None", 0, "QName", 1, "ClientIP", 2, "ResponseIP", 3, "NSDName", 4, "NSIP", 5));
        t.put("validationstates", group("Indeterminate", 0, "Insecure", 1, "Secure", 2, "BogusNoValidDNSKEY", 5,
                "BogusInvalidDenial", 6, "BogusUnableToGetDSs", 7, "BogusUnableToGetDNSKEYs", 8, "BogusSelfSignedDS", 9,
                "BogusNoRRSIG", 10, "BogusNoValidRRSIG", 11, "BogusMissingNegativeIndication", 12,
                "BogusSignatureNotYetValid", 13, "BogusSignatureExpired", 14, "BogusUnsupportedDNSKEYAlgo", 15,
                "BogusUnsupportedDSDigestType", 16, "BogusNoZoneKeyBitSet", 17, "BogusRevokedDNSKEY", 18,
                "BogusInvalidDNSKEYProtocol", 19, "Bogus", BOGUS));
        return Collections.unmodifiableMap(t);
    }

    private static Map<String, Object> group(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
