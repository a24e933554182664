package net.gate64.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The gateway's command line as an operator meets it: what each wrong input prints, and the exit status. */
class Nat64MainTest {
    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Nat64Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void wrongInputsGetTheirMessage() {
        Object[][] cases = { // exit status, what stderr must say, the arguments
            {2, "gate64 nat64: unknown option '--foo'\nusage: gate64 nat64 ", new String[] {"--foo"}},
            {2, "unexpected argument 'conf/nat64.conf' (to read a settings file, write --config conf/nat64.conf)",
                new String[] {"conf/nat64.conf"}},
            {2, "unknown option '--threads=4': settings are given as -Dthreads=4 or in the --config file",
                new String[] {"--threads=4"}},
            {2, "gate64 nat64: unknown option '--conf' (did you mean '--config'?)\n", new String[] {"--conf", "x.conf"}},
            {2, "gate64 ra: unknown option '--bogus'\nusage: gate64 ra ", new String[] {"--ra-only", "--bogus"}},
            {1, "'pool4' is not set (default \"\"): stateful mode needs an IPv4 pool, e.g. pool4 = \"192.0.2.0/24\" "
                + "(no --config file was given", new String[] {"--check"}},
            {1, "command line -Dudp-timeout: invalid value for 'udp-timeout': 300 has no unit",
                new String[] {"--check", "-Dpool4=\"192.0.2.0/24\"", "-Dudp-timeout=300"}},
            {1, "../conf/absent.conf: config file not found", new String[] {"--check", "--config", "../conf/absent.conf"}},
        };
        for (Object[] c : cases) {
            String[] args = (String[]) c[2];
            Run r = run(args);
            assertEquals(c[0], r.status(), String.join(" ", args) + " → " + r);
            assertTrue(r.err().contains((String) c[1]), String.join(" ", args) + " → " + r.err());
        }
    }

    @Test
    void checkValidatesTheShippedFileAndPrintsTheInterfaceCommands() {
        Run r = run("--check", "--config", "../conf/nat64.conf");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().startsWith("configuration OK; interface commands:\n  ip "), r.out());
        assertTrue(r.out().contains("64:ff9b::/96"), r.out());
    }

    @Test
    void helpComesFromTheOptions() {
        Run r = run("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("Usage: gate64 nat64 ") && r.out().contains("--config=FILE")
                && r.out().contains("--check") && r.out().contains("--ra-only"), r.out());
        assertTrue(run("--ra-only", "--help").out().startsWith("Usage: gate64 ra "));
    }
}
