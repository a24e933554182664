package net.gate64.resolver.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResponseBuilderTest {
    @Test
    void extendedErrorTextIsKeptShort() {
        assertNull(ResponseBuilder.shortText(null));
        assertEquals("short", ResponseBuilder.shortText("short"));
        String dnsjava = "Positive response has failed ANSWER rrset: { example. 3600 IN DNSKEY [" + "A".repeat(3000) + "] }";
        assertEquals("Positive response has failed ANSWER rrset:", ResponseBuilder.shortText(dnsjava));
        String plain = "x".repeat(500);
        String cut = ResponseBuilder.shortText(plain);
        assertTrue(cut.length() <= 160 && cut.endsWith("..."), cut);
    }
}
