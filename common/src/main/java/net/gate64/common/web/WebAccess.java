package net.gate64.common.web;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import net.gate64.common.NetworkSet;

/**
 * Who may use a web/control endpoint, checked in this order for every request:
 * <ol>
 *   <li>the client address is in the allow-list (403 otherwise);</li>
 *   <li>the {@code Host} header names this server: an IP literal, {@code localhost}, or one of the configured host
 *       names (403 otherwise) — a DNS-rebinding page reaches us under its own name and is refused here;</li>
 *   <li>an {@code Origin} header, when present, is this same origin (403 otherwise) — a cross-site request from a
 *       page open in a browser on an allowed machine is refused here;</li>
 *   <li>by kind of endpoint: {@link Kind#PROBE} (health, readiness) needs nothing more; {@link Kind#READ} (metrics,
 *       listings) needs the password when one is set (HTTP basic, any user name) or the API key;
 *       {@link Kind#CONTROL} (anything that changes state) needs {@code POST} and the API key in an
 *       {@code X-API-Key} header, and is disabled while no key is set.</li>
 * </ol>
 * The key is never taken from the URL (it would end up in logs and browser history), and a cross-site form cannot
 * set the header without a CORS preflight, which is never granted.
 */
public record WebAccess(NetworkSet allowFrom, Secret apiKey, Secret password, List<String> hostnames) {
    public static final String KEY_HEADER = "X-API-Key";

    public enum Kind { PROBE, READ, CONTROL }

    /** Why a request is refused; {@code challenge} asks the client for the password (401 with WWW-Authenticate). */
    public record Refusal(int status, String message, boolean challenge) {}

    public WebAccess {
        hostnames = hostnames.stream().map(WebAccess::canonicalHost).toList();
    }

    /** The parts of a request that decide; any header may be null when absent. */
    public record Request(InetAddress remote, String method, String host, String origin, String apiKey,
                          String authorization) {}

    /** Null when the request may go on. */
    public Refusal check(Kind kind, Request r) {
        if (!allowFrom.contains(r.remote())) {
            return new Refusal(403, "forbidden: " + r.remote().getHostAddress() + " is not in the allow-from list", false);
        }
        if (r.host() == null || r.host().isBlank()) {
            return new Refusal(400, "a Host header is required", false);
        }
        String host = hostOf(r.host());
        if (!isIpLiteral(host) && !host.equals("localhost") && !hostnames.contains(host)) {
            return new Refusal(403, "forbidden: Host '" + r.host() + "' is not this server's address (add it to the "
                    + "hostnames setting if it is)", false);
        }
        if (r.origin() != null && !sameOrigin(r.origin(), r.host())) {
            return new Refusal(403, "forbidden: cross-origin request from " + r.origin(), false);
        }
        switch (kind) {
            case PROBE -> {
                return readOnly(r) ? null : new Refusal(405, "use GET", false);
            }
            case READ -> {
                if (!readOnly(r)) {
                    return new Refusal(405, "use GET", false);
                }
                if (!password.isSet() || password.matches(basicPassword(r.authorization())) || apiKey.matches(r.apiKey())) {
                    return null;
                }
                return new Refusal(401, "a password is required (webserver-password)", true);
            }
            default -> {
                if (!"POST".equals(r.method())) {
                    return new Refusal(405, "state changes need POST", false);
                }
                if (!apiKey.isSet()) {
                    return new Refusal(403, "control is disabled: no api-key is configured", false);
                }
                if (r.apiKey() == null) {
                    return new Refusal(401, "the API key is required (" + KEY_HEADER + " header)", false);
                }
                return apiKey.matches(r.apiKey()) ? null : new Refusal(401, "wrong API key", false);
            }
        }
    }

    private static boolean readOnly(Request r) {
        return "GET".equals(r.method()) || "HEAD".equals(r.method());
    }

    /** "host" of "host", "host:port", "[v6]", "[v6]:port"; lower case, no trailing dot. */
    static String hostOf(String authority) {
        String a = authority.trim();
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end < 0 ? a : a.substring(0, end + 1);
        }
        int colon = a.indexOf(':');
        if (colon >= 0 && colon == a.lastIndexOf(':')) {
            a = a.substring(0, colon);
        }
        return canonicalHost(a);
    }

    private static String canonicalHost(String h) {
        String s = h.toLowerCase(Locale.ROOT);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    static boolean isIpLiteral(String host) {
        if (host.startsWith("[") && host.endsWith("]")) {
            String inner = host.substring(1, host.length() - 1);
            return !inner.isEmpty() && inner.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameOrigin(String origin, String host) {
        try {
            URI u = new URI(origin.trim());
            if (u.getScheme() == null || u.getRawAuthority() == null) {
                return false; // "null" (sandboxed frames, file: pages) and anything unparsable
            }
            int originPort = u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            return hostOf(u.getRawAuthority()).equals(hostOf(host)) && originPort == portOf(host, 80);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static int portOf(String authority, int fallback) {
        String a = authority.trim();
        int from = a.startsWith("[") ? a.indexOf("]:") + 1 : a.indexOf(':') == a.lastIndexOf(':') ? a.indexOf(':') : -1;
        if (from <= 0) {
            return fallback;
        }
        try {
            return Integer.parseInt(a.substring(from + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String basicPassword(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String userPass = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = userPass.indexOf(':');
            return colon < 0 ? null : userPass.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
