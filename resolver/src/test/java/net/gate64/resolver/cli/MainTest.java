package net.gate64.resolver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as an operator meets it: what each wrong input prints, and the exit status. */
class MainTest {
    @TempDir
    Path dir;

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
    void helpListsEveryCommandIncludingTheLaunchersOwn() {
        Run r = run("--help");
        assertEquals(0, r.status());
        for (String command : new String[] {"recursor", "demo", "control", "lab", "nat64", "ra", "test", "fuzz"}) {
            assertTrue(r.out().contains("\n  " + command + " "), command + " missing from:\n" + r.out());
        }
    }

    @Test
    void everySubcommandHasItsOwnHelpFromItsOptions() {
        String[][] cases = {
            {"recursor", "--config=FILE"}, {"control", "wipe-cache"}, {"control wipe-cache", "NAME"},
        };
        for (String[] c : cases) {
            String[] args = (c[0] + " --help").split(" ");
            Run r = run(args);
            assertEquals(0, r.status(), c[0]);
            assertTrue(r.out().startsWith("Usage: gate64 " + c[0]) && r.out().contains(c[1]), c[0] + ":\n" + r.out());
        }
    }

    @Test
    void strayArgumentsAndUnknownOptionsAreUsageErrors() {
        refused(2, "unexpected argument 'conf/x.conf' (to read a settings file, write --config conf/x.conf)",
                "recursor", "conf/x.conf");
        refused(2, "unknown option '--threads=4': settings are given as -Dthreads=4", "recursor", "--threads=4");
        refused(2, "unknown option '--foo'", "recursor", "--foo");
        Run conf = run("recursor", "--conf", "conf/recursor.conf");
        assertEquals(2, conf.status(), conf.toString());
        assertTrue(conf.err().startsWith("gate64 recursor: unknown option '--conf' (did you mean '--config'?)\n"), conf.err());
        refused(2, "unknown option '--conf=x.conf' (did you mean '--config'?)", "recursor", "--conf=x.conf");
        refused(2, "unknown option '--confg' (did you mean '--config'?)", "recursor", "--confg", "x.conf");
        refused(2, "unknown command 'bogus'", "bogus");
        Run file = run("conf/x.conf");
        assertEquals(2, file.status(), file.toString());
        assertTrue(file.err().startsWith("gate64: unexpected argument 'conf/x.conf' (a settings file goes after its "
                + "command: gate64 recursor --config conf/x.conf)\n"), file.err());
        refused(2, "usage: gate64 recursor", "recursor", "--foo");
        refused(2, "missing required parameter for option '--config' (FILE)", "recursor", "--config");
        refused(2, "unknown command 'wipe-cach'", "control", "wipe-cach");
        refused(2, "did you mean 'wipe-cache'", "control", "wipe-cach");
        refused(2, "which command? (commands: add-nta, add-ta, clear-nta, clear-ta, current-queries, dump-cache, get, "
                + "get-all, get-ntas, get-tas, hash-password, metrics, ping, quit-nicely, reload-config, reload-lua-script, "
                + "set-loglevel, stats, top-queries, top-remotes, top-servfail-queries, trace-regex, wipe-cache)", "control");
        refused(2, "missing required parameter: 'NAME'", "control", "wipe-cache");
        for (String address : new String[] {"bogus", "127.0.0.1:99999", "127.0.0.1:", ":8082", "[::1:8082"}) {
            refused(2, "--address: '" + address + "' is not HOST:PORT with a port 1..65535", "control",
                    "--address=" + address, "ping");
        }
        for (String launchers : new String[] {"test", "fuzz", "ra"}) {
            refused(2, "gate64 " + launchers + ": run it as ./gate64 " + launchers, launchers, "--help");
        }
    }

    /** The demo and the lab live in the demo module (its own tests cover them); without it they say so. */
    @Test
    void demoAndLabSayTheyAreNotPartOfAnInstallationWithoutTheDemoModule() {
        for (String command : new String[] {"demo", "lab"}) {
            refused(1, "gate64 " + command + ": the demo and the lab are not part of this installation", command, "--zones=x");
        }
    }

    @Test
    void configurationErrorsNameFileAndLine() throws Exception {
        Path f = dir.resolve("r.conf");
        Files.writeString(f, "zzz = 1\nthreads = 2\nmax-cache-tl = 5\n");
        refused(1, f + ": 2 unknown settings", "recursor", "--config", f.toString());
        refused(1, "line 3: 'max-cache-tl' (did you mean 'max-cache-ttl'?)", "recursor", "--config", f.toString());
        refused(1, "config file not found", "recursor", "--config", dir.resolve("absent.conf").toString());
        refused(1, "\"1.5s\" is not a whole number of milliseconds (write 1500)", "recursor", "-Dnetwork-timeout=\"1.5s\"");
        refused(1, "'lua-dns-script': file not found: " + dir.resolve("none.lua"), "recursor",
                "-Dlua-dns-script=" + dir.resolve("none.lua"));
    }

    @Test
    void aPortInUseIsNamedWithItsSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            refused(1, "cannot listen on 127.0.0.1:" + port + " (local-address): the address is already in use",
                    "recursor", "-Dlocal-address=127.0.0.1:" + port, "-Dwebserver=false", "-Ddnssec=off");
            refused(1, "cannot listen on 127.0.0.1:" + port + " (webserver-address)", "recursor",
                    "-Dlocal-address=127.0.0.1:0", "-Dwebserver-address=127.0.0.1:" + port, "-Ddnssec=off");
        }
    }

    @Test
    void controlSaysWhetherNobodyListensOrTheServerRefused() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        refused(1, "no server at 127.0.0.1:" + free, "control", "--address=127.0.0.1:" + free, "ping");
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        http.createContext("/control/reload-lua-script", ex -> {
            byte[] body = "/etc/gate64/x.lua:4: '<eos>' expected\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(500, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        try {
            String at = "127.0.0.1:" + http.getAddress().getPort();
            refused(1, "the server at " + at + " refused: /etc/gate64/x.lua:4: '<eos>' expected (HTTP 500)",
                    "control", "--address=" + at, "--api-key=k", "reload-lua-script");
        } finally {
            http.stop(0);
        }
    }
}
