package net.gate64.nat64.log;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesWriterTest {
    private static final List<Nat64Prefix> POOL6 = List.of(Nat64Prefix.parse("2001:db8:64::/96"),
            Nat64Prefix.parse("64:ff9b::/96"));

    @Test
    void sessionLineNamesBothSidesWithTheIpfixElementNames() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonLinesWriter w = JsonLinesWriter.toStream(out, POOL6)) {
            w.write(IpfixEncoderTest.session(NatEvent.Type.SESSION_CREATE, 1_796_133_723_123L, 40000));
            w.flush();
        }
        assertEquals("""
                {"timestamp":"2026-12-01T14:02:03.123Z","event":"session-create","natEvent":6,"protocolIdentifier":17,\
                "sourceIPv6Address":"2001:db8:1::2","sourceTransportPort":40000,"postNATSourceIPv4Address":"203.0.113.1",\
                "postNAPTSourceTransportPort":1024,"destinationIPv6Address":"64:ff9b::c633:6402",\
                "postNATDestinationIPv4Address":"198.51.100.2","destinationTransportPort":7007,\
                "postNAPTDestinationTransportPort":7007}
                """, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void bindingLineHasNoDestination() throws Exception {
        StringBuilder sb = new StringBuilder();
        JsonLinesWriter.format(IpfixEncoderTest.bib(NatEvent.Type.BIB_DELETE, 0), POOL6, sb);
        assertEquals("{\"timestamp\":\"1970-01-01T00:00:00Z\",\"event\":\"bib-delete\",\"natEvent\":11,"
                + "\"protocolIdentifier\":58,\"sourceIPv6Address\":\"2001:db8:1::2\",\"sourceTransportPort\":77,"
                + "\"postNATSourceIPv4Address\":\"203.0.113.1\",\"postNAPTSourceTransportPort\":1030}", sb.toString());
    }

    @Test
    void aRotatedFileIsReplacedByAFreshOneUnderTheSameName(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("sessions.jsonl");
        Path rotated = dir.resolve("sessions.jsonl.1");
        try (JsonLinesWriter w = JsonLinesWriter.toFile(log, POOL6)) {
            w.write(IpfixEncoderTest.bib(NatEvent.Type.BIB_CREATE, 1000));
            w.flush();
            Files.move(log, rotated);
            w.tick(2000);
            w.write(IpfixEncoderTest.bib(NatEvent.Type.BIB_DELETE, 3000));
            w.flush();
        }
        assertTrue(Files.readString(rotated).contains("bib-create"));
        List<String> fresh = Files.readAllLines(log);
        assertEquals(1, fresh.size());
        assertTrue(fresh.getFirst().contains("bib-delete"), fresh.toString());
    }

    @Test
    void appendsToAnExistingFile(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("sessions.jsonl");
        Files.writeString(log, "earlier\n");
        try (JsonLinesWriter w = JsonLinesWriter.toFile(log, POOL6)) {
            w.write(IpfixEncoderTest.bib(NatEvent.Type.BIB_CREATE, 1000));
        }
        List<String> lines = Files.readAllLines(log);
        assertEquals("earlier", lines.getFirst());
        assertEquals(2, lines.size());
    }

    @Test
    void portBlockLineNamesTheRange() {
        StringBuilder sb = new StringBuilder();
        JsonLinesWriter.format(IpfixEncoderTest.block(NatEvent.Type.PORT_BLOCK_CREATE, 1_796_133_723_123L), POOL6, sb);
        assertEquals("{\"timestamp\":\"2026-12-01T14:02:03.123Z\",\"event\":\"port-block-create\",\"natEvent\":16,"
                + "\"sourceIPv6Address\":\"2001:db8:1::\",\"sourceIPv6PrefixLength\":64,"
                + "\"postNATSourceIPv4Address\":\"203.0.113.1\",\"portRangeStart\":2048,\"portRangeEnd\":2111,"
                + "\"portRangeStepSize\":1,\"portRangeNumPorts\":64}", sb.toString());
    }
}
