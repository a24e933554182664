package net.gate64.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Machine#exclusive}: a lock another process sees (as another build's test JVM would), released on close. The
 * other process is a child JVM that tries the same lock file once without waiting and says whether it got it.
 */
class ExclusiveBlockTest {
    private static final String BLOCK = "127.0.251";

    /** The child: prints "free" or "held" for the lock file of block args[0]. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "gate64-tests-" + args[0] + ".lock");
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock l = c.tryLock()) {
            System.out.println(l == null ? "held" : "free");
        }
    }

    private static String otherProcess() throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ExclusiveBlockTest.class.getName(), BLOCK))
                .redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) { // a safety net: the child never waits
            p.destroyForcibly();
            throw new AssertionError("the child JVM did not end");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void anotherProcessSeesTheBlockHeldUntilItIsReleased() throws Exception {
        assertEquals("free", otherProcess());
        try (AutoCloseable held = Machine.exclusive(BLOCK)) {
            assertEquals("held", otherProcess());
        }
        assertEquals("free", otherProcess());
    }

    @Test
    void onlyLoopbackBlocks() {
        assertThrows(IllegalArgumentException.class, () -> Machine.exclusive("10.0.0"));
        assertThrows(IllegalArgumentException.class, () -> Machine.exclusive("127.0.56.1"));
    }
}
