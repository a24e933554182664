package net.gate64.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload: the new script is checked completely before it replaces the old; a failure leaves the old in service. */
class ReloadableScriptTest {
    static final ScriptOptions OPTIONS = new ScriptOptions(Duration.ofSeconds(3), 2);

    @Test
    void reloadSwapsAndAFailedReloadKeepsTheOldScript(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hooks.lua");
        Files.writeString(file, "function preresolve(dq) dq.rcode = 1 return true end\n");
        try (ReloadableScript s = new ReloadableScript(file, OPTIONS, ScriptEvents.NONE)) {
            assertEquals(1, rcode(s));
            Files.writeString(file, "function preresolve(dq) dq.rcode = 2 return true end\n");
            s.reload(null);
            assertEquals(2, rcode(s));
            Files.writeString(file, "function preresolve(dq)\n  dq.rcode = 3 return true\n");
            ScriptLoadError e = assertThrows(ScriptLoadError.class, () -> s.reload(null));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertEquals(2, rcode(s), "the old script still answers");
            Path js = dir.resolve("hooks.js");
            Files.writeString(js, "function preresolve(dq) { dq.rcode = 4; return true; }\n");
            assertTrue(s.reload(js).contains("JavaScript"));
            assertEquals(4, rcode(s));
            assertEquals(js, s.file());
        }
    }

    @Test
    void missingFileIsALoadError(@TempDir Path dir) {
        ScriptLoadError e = assertThrows(ScriptLoadError.class,
                () -> new ReloadableScript(dir.resolve("nope.lua"), OPTIONS, ScriptEvents.NONE));
        assertTrue(e.getMessage().contains("nope.lua"), e.getMessage());
    }

    @Test
    void noScriptMeansNoHooks() {
        try (ReloadableScript s = new ReloadableScript(null, OPTIONS, ScriptEvents.NONE)) {
            assertFalse(s.defines(Hook.PRERESOLVE));
            assertFalse(s.call(Hook.PRERESOLVE, DnsQuestionTest.dq()));
            assertThrows(ScriptLoadError.class, () -> s.reload(null));
        }
    }

    @Test
    void callsKeepSucceedingWhileReloadsHappen(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hooks.lua");
        Files.writeString(file, "function preresolve(dq) return true end\n");
        try (ReloadableScript s = new ReloadableScript(file, OPTIONS, ScriptEvents.NONE);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger calls = new AtomicInteger();
            Future<?> load = pool.submit(() -> {
                while (!stop.get()) {
                    if (!s.call(Hook.PRERESOLVE, DnsQuestionTest.dq())) {
                        failures.incrementAndGet();
                    }
                    calls.incrementAndGet();
                }
            });
            for (int i = 0; i < 20; i++) {
                s.reload(null);
            }
            stop.set(true);
            load.get();
            assertEquals(0, failures.get(), "no call was lost across " + calls.get() + " calls and 20 reloads");
        }
    }

    private static int rcode(ScriptHooks s) {
        DnsQuestion dq = DnsQuestionTest.dq();
        assertTrue(s.call(Hook.PRERESOLVE, dq));
        return dq.rcode;
    }
}
