package net.gate64.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProcessLog#await} against real child processes (sh) writing to a file. */
class ProcessLogTest {
    @TempDir
    Path dir;

    private Process sh(String script, Path log) throws Exception {
        return new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void returnsTheLineOnceWrittenWhileTheProgramRuns() throws Exception {
        Path log = dir.resolve("a.log");
        Process p = sh("echo starting; read never; echo never", log); // stays alive on stdin
        try {
            Process writer = sh("sleep 0.3; echo 'listening on 127.0.0.1:5301 (udp)' >> " + log, dir.resolve("w.log"));
            var m = ProcessLog.await(p, log, Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) "), Duration.ofSeconds(30));
            assertEquals("5301", m.group(1));
            assertTrue(p.isAlive());
            writer.waitFor();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void failsAtOnceWithTheOutputWhenTheProgramExitsFirst() throws Exception {
        Path log = dir.resolve("b.log");
        Process p = sh("echo 'cannot listen on 127.0.0.1:53 (local-address)'; exit 1", log);
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ProcessLog.await(p, log, Pattern.compile("listening on"), Duration.ofSeconds(60)));
        assertTrue(e.getMessage().contains("exited with 1") && e.getMessage().contains("cannot listen on 127.0.0.1:53"),
                e.getMessage());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(50).toNanos(), "waited for the whole limit");
    }

    @Test
    void aLineWrittenJustBeforeTheExitCounts() throws Exception {
        Path log = dir.resolve("c.log");
        Process p = sh("echo 'listening on 127.0.0.1:5302 (udp)'; exit 0", log);
        p.waitFor();
        assertEquals("5302", ProcessLog.await(p, log, Pattern.compile("127\\.0\\.0\\.1:(\\d+) "), Duration.ofSeconds(5)).group(1));
    }

    @Test
    void theLimitEndsTheWaitWithTheOutput() throws Exception {
        Path log = dir.resolve("d.log");
        Process p = sh("echo still starting; read never", log);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ProcessLog.await(p, log, Pattern.compile("listening on"), Duration.ofMillis(300)));
            assertTrue(e.getMessage().contains("within 0.3 s") && e.getMessage().contains("still starting"), e.getMessage());
        } finally {
            p.destroyForcibly();
        }
    }
}
