package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Machine;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import net.gate64.resolver.Recursor;
import net.gate64.resolver.config.SettingsLoader;
import net.gate64.resolver.lab.LabHierarchy;
import net.gate64.resolver.lab.LabServer;
import net.gate64.tests.ControlPlaneTest.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * /ready and /health through their transitions, on the real recursor over HTTP: not ready until a forwarder of "."
 * answers, or until the root is primed from the hints; unhealthy while the only event loop is held by a spinning
 * hook, and while every query slot stays taken; each back to 200 when the cause is gone. Waits are for the state
 * itself (polled), with generous deadlines as a safety net only.
 */
class HealthEndToEndTest {
    private static final long DEADLINE_SECONDS = 60;

    static Response get(InetSocketAddress web, String path) throws Exception {
        return ControlPlaneTest.http(web, "GET", path, ControlPlaneTest.headers(web));
    }

    /** Polls {@code path} until it answers {@code status}; returns that response. */
    static Response await(InetSocketAddress web, String path, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        Response r;
        while ((r = get(web, path)).status() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " never answered " + status + "; last: " + r.status() + " " + r.body());
            }
            Thread.sleep(20); // polling interval, not a wait for something to happen
        }
        return r;
    }

    static Recursor recursor(String... settings) throws Exception {
        List<String> o = new ArrayList<>(List.of("local-address=[\"127.0.0.1:0\"]", "webserver=true",
                "webserver-address=\"127.0.0.1:0\"", "dnssec=off", "threads=1"));
        o.addAll(List.of(settings));
        return Recursor.start(SettingsLoader.load(null, o));
    }

    /** A UDP server that says nothing until told to answer every question with the root's NS set. */
    static final class SilentForwarder implements AutoCloseable {
        final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        private Thread answering;

        SilentForwarder() throws SocketException {}

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        void startAnswering() {
            answering = Thread.ofPlatform().daemon().start(() -> {
                byte[] buf = new byte[4096];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                        Message r = new Message(q.getHeader().getID());
                        r.getHeader().setFlag(Flags.QR);
                        r.getHeader().setFlag(Flags.RA);
                        r.addRecord(q.getQuestion(), Section.QUESTION);
                        r.addRecord(new NSRecord(Name.root, DClass.IN, 3600, Name.fromConstantString("a.root.lab.test.")),
                                Section.ANSWER);
                        byte[] w = r.toWire();
                        socket.send(new DatagramPacket(w, w.length, p.getSocketAddress()));
                    } catch (java.io.IOException e) {
                        // closed, or a packet we cannot parse: keep going until closed
                    }
                }
            });
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    @Test
    void notReadyUntilAForwarderOfTheRootAnswers() throws Exception {
        try (SilentForwarder fwd = new SilentForwarder();
             Recursor r = recursor("forward-zones-recurse={\".\"=[\"" + fwd.address() + "\"]}", "network-timeout=300")) {
            InetSocketAddress web = r.webAddress();
            Response notReady = get(web, "/ready");
            assertEquals(503, notReady.status(), notReady.body());
            assertTrue(notReady.body().startsWith("not ready: waiting for a forwarder of \".\" to answer \". NS\""),
                    notReady.body());
            assertEquals(200, get(web, "/health").status(), "alive, just not ready");
            assertEquals(0, r.metrics().value("gate64_ready"));
            fwd.startAnswering();
            assertEquals("ready\n", await(web, "/ready", 200).body());
            assertEquals(1, r.metrics().value("gate64_ready"));
        }
    }

    @Test
    void iteratingItIsReadyOnceTheRootIsPrimedFromTheHints(@TempDir Path dir) throws Exception {
        Machine.require(Machine.port53(), "the root server of this test must listen on port 53 (root or "
                + "CAP_NET_BIND_SERVICE)");
        ThreadLocalRandom rnd = ThreadLocalRandom.current(); // an address no other lab on this machine uses
        String root = "127." + rnd.nextInt(100, 250) + "." + rnd.nextInt(1, 250) + "." + rnd.nextInt(1, 250);
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Files.writeString(zones.resolve("root.zone"), """
                $ORIGIN .
                $TTL 3600
                @              SOA a.root.ready. hostmaster.ready. 1 1800 900 604800 60
                @              NS  a.root.ready.
                a.root.ready.  A   %s
                """.formatted(root));
        Path hints = Files.writeString(dir.resolve("hints"), ". 3600000 NS a.root.ready.\na.root.ready. 3600000 A " + root + "\n");
        try (Recursor r = recursor("hint-file=\"" + hints + "\"", "dont-query=[]", "network-timeout=300")) {
            InetSocketAddress web = r.webAddress();
            Response notReady = get(web, "/ready");
            assertEquals(503, notReady.status(), notReady.body());
            assertTrue(notReady.body().startsWith("not ready: waiting for the root to be primed from the hints"),
                    notReady.body());
            try (LabServer rootServer = LabServer.start(new InetSocketAddress(root, 53), LabServer.loadZones(zones))) {
                await(web, "/ready", 200);
                assertTrue(rootServer.received().stream().anyMatch(q -> q.getName().equals(Name.root)
                        && q.getType() == Type.NS), "the priming query (RFC 8109)");
            }
        }
    }

    @Test
    void unhealthyWhileTheOnlyEventLoopIsHeldBySpinningHook(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("spin.lua");
        Files.writeString(script, """
                function preresolve(dq)
                  if dq.qname:equal("spin.demo.test") then
                    while true do end
                  end
                  return false
                end
                """);
        try (LabFixture f = LabFixture.start("webserver=true", "webserver-address=\"127.0.0.1:0\"",
                "lua-dns-script=\"" + script + "\"", "lua-hook-timeout-msec=4000", "health-loop-stall-msec=300")) {
            InetSocketAddress web = f.recursor.webAddress();
            await(web, "/ready", 200);
            Thread.ofVirtual().start(() -> { // answered once the hook is stopped; the answer does not matter here
                try {
                    SimpleResolver c = f.client(false);
                    c.setTimeout(Duration.ofSeconds(20));
                    c.send(LabFixture.question("spin.demo.test.", Type.A, true));
                } catch (Exception ignored) {
                    // a timeout is fine too
                }
            });
            Response stalled = await(web, "/health", 503);
            assertTrue(stalled.body().startsWith("not ok: event loop 0 has not run a task for"), stalled.body());
            Response ready = get(web, "/ready");
            assertTrue(ready.status() == 503 || ready.status() == 200, ready.body()); // 200 once the hook was stopped
            await(web, "/health", 200);
            assertEquals("v4only.demo.test.", f.ask("v4only.demo.test.", Type.A).getQuestion().getName().toString());
        }
    }

    @Test
    void unhealthyWhileEveryQuerySlotStaysTaken() throws Exception {
        try (SilentForwarder fwd = new SilentForwarder();
             Recursor r = recursor("forward-zones-recurse={\".\"=[\"" + fwd.address() + "\"]}", "network-timeout=4000",
                     "max-mthreads=4", "health-backlog-percent=100", "health-backlog-msec=200")) {
            InetSocketAddress web = r.webAddress();
            assertEquals(200, get(web, "/health").status());
            try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                InetSocketAddress dns = r.dnsAddresses().get(0);
                for (int i = 0; i < 4; i++) { // four different names: no coalescing, four slots
                    byte[] q = LabFixture.question("n" + i + ".example.", Type.A, true).toWire();
                    client.send(new DatagramPacket(q, q.length, dns));
                }
                Response saturated = await(web, "/health", 503);
                assertTrue(saturated.body().startsWith("not ok: query backlog saturated: 4 of 4 (max-mthreads) in flight"),
                        saturated.body());
                assertEquals(0, r.metrics().value("gate64_healthy"));
                await(web, "/health", 200); // the forwarder's timeout frees the slots
            }
        }
    }
}
