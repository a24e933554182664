package net.gate64.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code gate64 nat64 control}'s own errors, before anything is sent: an unknown verb lists the valid ones, a state
 * change without the api-key says how to give it, a missing argument names it. (Each verb against the running
 * gateway: tests/.../nat64/ControlNamespaceTest.)
 */
class Nat64ControlCommandTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Nat64Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownVerbListsTheValidOnes() {
        Run r = run("control", "--address=127.0.0.1:1", "frobnicate");
        assertEquals(2, r.code(), r.err());
        for (String verb : new String[] {"stats", "sessions", "bib", "bib-add", "bib-remove", "flush", "reload-config"}) {
            assertTrue(r.err().contains(verb), verb + " listed: " + r.err());
        }
        Run none = run("control", "--address=127.0.0.1:1");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("which command?"), none.err());
    }

    @Test
    void stateChangesNeedTheApiKeyAndNothingIsSentWithoutIt() {
        for (String[] verb : new String[][] {{"flush"}, {"reload-config"}, {"bib-remove", "tcp", "[2001:db8::1]:80"},
                {"bib-add", "tcp", "[2001:db8::1]:80", "192.0.2.1:80"}}) {
            String[] args = new String[verb.length + 2];
            args[0] = "control";
            args[1] = "--address=127.0.0.1:1";
            System.arraycopy(verb, 0, args, 2, verb.length);
            Run r = run(args);
            assertEquals(2, r.code(), verb[0] + ": " + r.err());
            assertTrue(r.err().contains("needs the gateway's api-key"), verb[0] + ": " + r.err());
        }
        Run missing = run("control", "--address=127.0.0.1:1", "--api-key=k", "bib-add", "tcp");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("IPV6"), missing.err());
    }
}
