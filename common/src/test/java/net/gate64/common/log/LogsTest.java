package net.gate64.common.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The backend as slf4j users see it: levels that change while loggers exist, both formats, key/value pairs. */
class LogsTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream previous;

    @BeforeEach
    void capture() {
        previous = Logs.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        Logs.redirect(previous);
        Logs.configure(LogLevel.INFO, LogFormat.TEXT);
    }

    private List<String> lines() {
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void slf4jFindsThisBackend() {
        assertEquals(GateLogger.class, LoggerFactory.getLogger("x").getClass());
    }

    @Test
    void theLevelChangesForLoggersThatAlreadyExist() {
        Logger log = LoggerFactory.getLogger("net.gate64.test.Levels");
        Logs.configure(LogLevel.INFO, LogFormat.TEXT);
        log.debug("hidden");
        log.info("shown {}", 1);
        Logs.setLevel(LogLevel.DEBUG);
        log.debug("now shown");
        Logs.setLevel(LogLevel.ERROR);
        log.warn("hidden again");
        log.error("an error");
        List<String> l = lines();
        assertEquals(3, l.size(), l.toString());
        assertTrue(l.get(0).contains("level=info") && l.get(0).contains("msg=\"shown 1\""), l.get(0));
        assertTrue(l.get(1).contains("level=debug"), l.get(1));
        assertTrue(l.get(2).contains("level=error"), l.get(2));
    }

    @Test
    void nettyStaysAtWarnAndDnsjavasValidatorIsSilentBelowDebug() {
        Logs.configure(LogLevel.INFO, LogFormat.TEXT);
        assertFalse(LoggerFactory.getLogger("io.netty.channel.X").isInfoEnabled());
        assertTrue(LoggerFactory.getLogger("io.netty.channel.X").isWarnEnabled());
        assertFalse(LoggerFactory.getLogger("org.xbill.DNS.dnssec.ValUtils").isErrorEnabled());
        assertTrue(LoggerFactory.getLogger("org.xbill.DNS.Lookup").isInfoEnabled());
        Logs.configure(LogLevel.DEBUG, LogFormat.TEXT);
        assertTrue(LoggerFactory.getLogger("org.xbill.DNS.dnssec.ValUtils").isDebugEnabled());
        assertFalse(LoggerFactory.getLogger("io.netty.channel.X").isDebugEnabled());
        Logs.configure(LogLevel.ERROR, LogFormat.TEXT);
        assertFalse(LoggerFactory.getLogger("io.netty.channel.X").isWarnEnabled(), "error is quieter than the rule");
    }

    @Test
    void aLoggerLevelWinsOverTheGeneralOne() {
        Logs.setLevel("net.gate64.test.quiet", LogLevel.OFF);
        try {
            assertFalse(LoggerFactory.getLogger("net.gate64.test.quiet.A").isErrorEnabled());
            assertTrue(LoggerFactory.getLogger("net.gate64.test.quieter").isInfoEnabled(), "a prefix ends at a dot");
        } finally {
            Logs.setLevel("net.gate64.test.quiet", null);
        }
        assertTrue(LoggerFactory.getLogger("net.gate64.test.quiet.A").isInfoEnabled());
    }

    @Test
    void jsonLinesCarryFluentKeyValuesAndTheThrowable() {
        Logs.configure(LogLevel.INFO, LogFormat.JSON);
        Logger log = LoggerFactory.getLogger("net.gate64.test.Json");
        log.atInfo().addKeyValue("qname", "example.org.").addKeyValue("reason", "bogus").log("dnssec {}", "verdict");
        log.warn("failed {}", "here", new RuntimeException("boom"));
        log.atDebug().addKeyValue("x", 1).log("not at info");
        List<String> l = lines();
        assertEquals(2, l.size(), l.toString());
        assertTrue(l.get(0).startsWith("{\"ts\":\""), l.get(0));
        assertTrue(l.get(0).contains("\"logger\":\"net.gate64.test.Json\",\"thread\":\""), l.get(0));
        assertTrue(l.get(0).endsWith("\"msg\":\"dnssec verdict\",\"qname\":\"example.org.\",\"reason\":\"bogus\"}"), l.get(0));
        assertTrue(l.get(1).contains("\"msg\":\"failed here\",\"error\":\"java.lang.RuntimeException: boom\",\"stack\":"),
                l.get(1));
    }

    @Test
    void settingsAreParsedWithTheChoicesNamed() {
        assertEquals(LogLevel.WARN, LogLevel.parse("Warn"));
        assertEquals(LogFormat.JSON, LogFormat.parse("json"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogLevel.parse("verbose")).getMessage()
                .contains("error, warn, info, debug or trace"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogFormat.parse("xml")).getMessage()
                .contains("\"text\" or \"json\""));
    }
}
