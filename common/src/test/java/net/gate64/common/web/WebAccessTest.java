package net.gate64.common.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import net.gate64.common.NetworkSet;
import net.gate64.common.web.WebAccess.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The request rules of the control and metrics endpoints (issue 10: the control-plane hole). */
class WebAccessTest {
    static final WebAccess ACCESS = new WebAccess(NetworkSet.of(List.of("127.0.0.0/8", "::1")),
            Secret.parse("s3cret-key"), Secret.parse("pw"), List.of("Resolver.Example.NET."));
    static final WebAccess NO_KEY = new WebAccess(NetworkSet.of(List.of("127.0.0.0/8")), Secret.NONE, Secret.NONE,
            List.of());

    static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> requests() {
        String k = "s3cret-key";
        return Stream.of(
                // kind, remote, method, Host, Origin, X-API-Key, Authorization, expected status (0 = allowed)
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", "127.0.0.1:8082", null, k, null, 0),
                Arguments.of(Kind.CONTROL, "::1", "POST", "[::1]:8082", null, k, null, 0),
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", "localhost:8082", null, k, null, 0),
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", "resolver.example.net:8082", null, k, null, 0),
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", "127.0.0.1:8082", "http://127.0.0.1:8082", k, null, 0),
                Arguments.of(Kind.CONTROL, "192.0.2.1", "POST", "127.0.0.1:8082", null, k, null, 403),   // not allowed
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", "127.0.0.1:8082", null, null, null, 401), // no key
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", "127.0.0.1:8082", null, "guess", null, 401),
                Arguments.of(Kind.CONTROL, "127.0.0.1", "GET", "127.0.0.1:8082", null, k, null, 405),    // not POST
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", "evil.example:8082", null, k, null, 403), // rebinding
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", "127.0.0.1.evil.example", null, k, null, 403),
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", null, null, k, null, 400),
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", "127.0.0.1:8082", "http://evil.example", k, null, 403),
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", "127.0.0.1:8082", "http://127.0.0.1:9999", k, null, 403),
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", "127.0.0.1:8082", "null", k, null, 403),
                Arguments.of(Kind.CONTROL, "127.0.0.1", "POST", "127.0.0.1:8082", null, null, basic("x:pw"), 401),
                Arguments.of(Kind.READ, "127.0.0.1", "GET", "127.0.0.1:8082", null, null, basic("any:pw"), 0),
                Arguments.of(Kind.READ, "127.0.0.1", "GET", "127.0.0.1:8082", null, k, null, 0),
                Arguments.of(Kind.READ, "127.0.0.1", "GET", "127.0.0.1:8082", null, null, null, 401),
                Arguments.of(Kind.READ, "127.0.0.1", "GET", "127.0.0.1:8082", null, null, basic("any:wrong"), 401),
                Arguments.of(Kind.READ, "127.0.0.1", "GET", "127.0.0.1:8082", null, null, "Basic !!!", 401),
                Arguments.of(Kind.READ, "127.0.0.1", "POST", "127.0.0.1:8082", null, k, null, 405),
                Arguments.of(Kind.PROBE, "127.0.0.1", "GET", "127.0.0.1:8082", null, null, null, 0),
                Arguments.of(Kind.PROBE, "127.0.0.1", "GET", "evil.example", null, null, null, 403),
                Arguments.of(Kind.PROBE, "198.51.100.7", "GET", "127.0.0.1:8082", null, null, null, 403));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void decides(Kind kind, String remote, String method, String host, String origin, String key, String auth,
                 int status) throws Exception {
        WebAccess.Refusal r = ACCESS.check(kind, new WebAccess.Request(InetAddress.getByName(remote), method, host,
                origin, key, auth));
        assertEquals(status, r == null ? 0 : r.status(), r == null ? "allowed" : r.message());
    }

    @Test
    void controlIsDisabledWithoutAKeyAndReadsAreOpenWithoutAPassword() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        WebAccess.Refusal r = NO_KEY.check(Kind.CONTROL, new WebAccess.Request(lo, "POST", "127.0.0.1", null, "", null));
        assertEquals(403, r.status());
        assertTrue(r.message().contains("api-key"), r.message());
        assertNull(NO_KEY.check(Kind.READ, new WebAccess.Request(lo, "GET", "127.0.0.1", null, null, null)));
    }

    @Test
    void hashedSecretsMatchOnlyTheirKey() {
        String hashed = Secret.hash("correct horse");
        Secret s = Secret.parse(hashed);
        assertTrue(s.isHashed());
        assertTrue(s.matches("correct horse"));
        assertTrue(s.matches("correct horse"), "the second time from the remembered digest");
        assertFalse(s.matches("correct horsE"));
        assertFalse(s.matches(""));
        assertFalse(Secret.NONE.matches(""));
        assertFalse(Secret.parse("plain").matches("plai"));
        assertTrue(Secret.parse("plain").matches("plain"));
        assertFalse(Secret.parse(hashed).toString().contains("horse"));
    }

    @Test
    void aMangledHashIsAnErrorNotAPlainKey() {
        assertThrows(IllegalArgumentException.class, () -> Secret.parse("$pbkdf2-sha256$i=600000$abc"));
        assertThrows(IllegalArgumentException.class, () -> Secret.parse("$scrypt$ln=10,p=1,r=8$c2FsdA==$aGFzaA=="));
        assertThrows(IllegalArgumentException.class, () -> Secret.parse("$pbkdf2-sha256$i=10$AAAAAAAAAAA$"
                + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    }
}
