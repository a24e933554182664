package net.gate64.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import net.gate64.resolver.cli.Main;
import org.junit.jupiter.api.Test;

/**
 * {@code gate64 demo} and {@code gate64 lab} as the operator meets them once the demo module is on the class path:
 * found by the recursor's command line through ServiceLoader, with their own help and usage errors.
 */
class DemoCommandLineTest {
    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void refused(int status, String expected, String... args) {
        Run r = run(args);
        assertEquals(status, r.status(), String.join(" ", args) + " → " + r);
        assertTrue(r.err().contains(expected), String.join(" ", args) + " → " + r.err());
    }

    @Test
    void helpListsTheDemoAndTheLabWithTheirOwnDescriptions() {
        Run r = run("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("\n  demo ") && r.out().contains("\n  lab "), r.out());
        assertTrue(!r.out().contains("not part of this installation"), r.out());
    }

    @Test
    void eachHasItsOwnHelpFromItsOptions() {
        String[][] cases = {{"demo", "--lab=ADDRESS:PORT"}, {"lab", "--zones=DIR"}};
        for (String[] c : cases) {
            Run r = run(c[0], "--help");
            assertEquals(0, r.status(), c[0]);
            assertTrue(r.out().startsWith("Usage: gate64 " + c[0]) && r.out().contains(c[1]), c[0] + ":\n" + r.out());
        }
    }

    @Test
    void wrongOptionsAreUsageErrors() {
        refused(2, "unknown option '--bogus'", "demo", "--bogus");
        refused(2, "give --zones=DIR (zone files to serve) or --signed", "lab");
        refused(2, "--base, --out, --many and --write-only go with --signed", "lab", "--zones=x", "--many=3");
        refused(2, "--listen: ", "lab", "--zones=x", "--listen=nonsense:99999");
    }
}
