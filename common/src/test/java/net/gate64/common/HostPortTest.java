package net.gate64.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Settings' socket addresses: parsed without lookups, formatted as operators write them. */
class HostPortTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "192.0.2.1          | 53 | 192.0.2.1:53",
            "192.0.2.1:5353     | 53 | 192.0.2.1:5353",
            "' 127.0.0.1:0 '    | 53 | 127.0.0.1:0",
            "[2001:db8::1]:853  | 53 | [2001:db8::1]:853",
            "[2001:db8::1]      | 53 | [2001:db8::1]:53",
            "2001:db8::1        | 53 | [2001:db8::1]:53",
            "::1                | 8082 | [::1]:8082",
            "2001:DB8:0:0:0:0:0:1 | 53 | [2001:db8::1]:53",
    })
    void parsesAndFormats(String text, int defaultPort, String formatted) {
        InetSocketAddress a = HostPort.parse(text, defaultPort);
        assertTrue(!a.isUnresolved());
        assertEquals(formatted, HostPort.format(a));
        assertEquals(a, HostPort.parse(formatted, 1), "format reads back");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[2001:db8::1:53     | no closing ]",
            "[2001:db8::1]53     | is not address:port",
            "192.0.2.1:http      | unreadable port",
            "192.0.2.1:65536     | port must be 0..65535",
            "dns.example:53      | dns.example",
    })
    void refusesWithTheReason(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text, 53));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
