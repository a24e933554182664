package net.gate64.common.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogLineTest {
    private static final long T = 1_796_113_901_123L; // 2026-12-01T08:31:41.123Z

    private static List<Map.Entry<String, Object>> kv(Object... kv) {
        List<Map.Entry<String, Object>> out = new java.util.ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.add(new SimpleImmutableEntry<>((String) kv[i], kv[i + 1]));
        }
        return out;
    }

    @Test
    void textIsLogfmtWithTheDocumentedKeys() {
        String line = LogLine.format(LogFormat.TEXT, T, LogLevel.INFO, "net.gate64.resolver.server.DnsServer",
                "main", "listening on 127.0.0.1:53", kv("address", "127.0.0.1:53", "udp", 2), null);
        assertEquals("ts=2026-12-01T08:31:41.123Z level=info logger=DnsServer thread=main "
                + "msg=\"listening on 127.0.0.1:53\" address=127.0.0.1:53 udp=2", line);
    }

    @Test
    void jsonHasTheSameKeysAndTypedNumbers() {
        String line = LogLine.format(LogFormat.JSON, T, LogLevel.WARN, "net.gate64.X", "gate64-loop-1", "a \"b\"\n",
                kv("qname", "example.org.", "count", 3L, "ok", true, "nan", Double.NaN), null);
        assertEquals("{\"ts\":\"2026-12-01T08:31:41.123Z\",\"level\":\"warn\",\"logger\":\"net.gate64.X\","
                + "\"thread\":\"gate64-loop-1\",\"msg\":\"a \\\"b\\\"\\n\",\"qname\":\"example.org.\",\"count\":3,"
                + "\"ok\":true,\"nan\":\"NaN\"}", line);
    }

    @Test
    void valuesThatNeedQuotingAreQuotedAndEscaped() {
        String[][] table = {
            {"plain", "plain"},
            {"", "\"\""},
            {"a b", "\"a b\""},
            {"k=v", "\"k=v\""},
            {"say \"hi\"", "\"say \\\"hi\\\"\""},
            {"back\\slash", "\"back\\\\slash\""},
            {"line\nbreak", "\"line\\nbreak\""},
            {"bell\u0007", "\"bell\\u0007\""},
            {"ünïcode", "ünïcode"},
        };
        for (String[] row : table) {
            StringBuilder sb = new StringBuilder();
            LogLine.logfmtValue(sb, row[0]);
            assertEquals(row[1], sb.toString(), row[0]);
        }
    }

    @Test
    void pairsCannotOverwriteTheFixedFields() {
        String line = LogLine.format(LogFormat.JSON, T, LogLevel.INFO, "L", "t", "m", kv("msg", "x", "level", "y"), null);
        assertTrue(line.contains("\"msg\":\"m\""), line);
        assertTrue(line.contains("\"_msg\":\"x\",\"_level\":\"y\""), line);
    }

    @Test
    void anErrorIsOneJsonLineWithItsStackAndIndentedLinesInText() {
        Exception e = new IllegalStateException("broken");
        String json = LogLine.format(LogFormat.JSON, T, LogLevel.ERROR, "L", "t", "failed", List.of(), e);
        assertEquals(1, json.lines().count(), json);
        assertTrue(json.contains("\"error\":\"java.lang.IllegalStateException: broken\",\"stack\":\"java.lang."), json);
        String text = LogLine.format(LogFormat.TEXT, T, LogLevel.ERROR, "L", "t", "failed", List.of(), e);
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).endsWith("error=\"java.lang.IllegalStateException: broken\""), lines.get(0));
        assertTrue(lines.get(1).startsWith("\tat net.gate64.common.log.LogLineTest"), lines.get(1));
    }
}
