package net.gate64.nat64.state;

import static net.gate64.nat64.state.StatefulBed.*;
import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import net.gate64.common.IpNetwork;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.translate.Counters;
import net.gate64.nat64.translate.IcmpRateLimiter;
import net.gate64.nat64.translate.PacketHandler;
import net.gate64.nat64.translate.Pool6;
import net.gate64.nat64.translate.TranslatorConfig;
import org.junit.jupiter.api.Test;

/**
 * The two races SessionTable used to document, now closed: a refresh and the sweep decide a session's fate by
 * compare-and-set on its deadline, and per-client counts live in a client object that its bindings keep alive.
 */
class SessionRaceTest {
    @Test
    void aRefreshBeforeTheSweepsDecisionKeepsTheSession() {
        StatefulBed bed = new StatefulBed("198.51.100.7/32", 1024, 65535, PortPlan.DEFAULT);
        bed.send(udp6(CLIENT, 40000, SERVER6, 53));
        Session s = bed.sessions.list().getFirst();
        long seen = s.deadline(); // what a sweep reads just before a packet refreshes the session
        bed.advance(Duration.ofMinutes(4));
        bed.send(udp6(CLIENT, 40000, SERVER6, 53));
        assertFalse(s.kill(seen), "the sweep's compare-and-set fails: the packet came first");
        assertFalse(s.isDead());
        bed.advance(Duration.ofMinutes(2));
        assertEquals(0, bed.sessions.sweep(), "refreshed 2 minutes ago: alive");
    }

    @Test
    void aPacketThatFindsItsSessionJustEndedStartsOverWithFreshState() {
        StatefulBed bed = new StatefulBed("198.51.100.7/32", 1024, 65535, PortPlan.DEFAULT);
        bed.send(udp6(CLIENT, 40000, SERVER6, 53));
        bed.send(udp6(CLIENT, 40000, "2001:db8:64::cb00:7106", 53)); // a second session keeps the binding
        Session s = bed.sessions.list().stream().filter(x -> x.remote4() == v4(SERVER)).findFirst().orElseThrow();
        bed.advance(Duration.ofMinutes(6));
        assertTrue(s.kill(s.deadline()), "the sweep ended it; it is still in the table");
        byte[] v4 = bed.send(udp6(CLIENT, 40000, SERVER6, 53));
        assertEquals(40000, u16(v4, 20), "translated, on the same binding");
        Session fresh = bed.sessions.list().stream().filter(x -> x.remote4() == v4(SERVER)).findFirst().orElseThrow();
        assertNotSame(s, fresh, "through a new session, not the dead one");
        assertFalse(fresh.isDead());
    }

    @Test
    void countsStayExactWhileWorkersAndTheSweepRace() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        Bib bib = new Bib(new Pool4(IpNetwork.parse("198.51.100.0/29"), 1024, 65535), NatEventSink.NONE,
                new PortPlan(64, true, 0, 0, null));
        SessionTable sessions = new SessionTable(bib, new Limits(0, 50), Timeouts.RFC6146, now::get);
        Pool6 pool6 = new Pool6(List.of(Nat64Prefix.parse("2001:db8:64::/96")), false);
        TranslatorConfig config = TranslatorConfig.of(1500, true, v4("192.0.2.1"), addr("2001:db8:64::c000:201"));
        int workers = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < workers; w++) {
            int id = w;
            PacketHandler h = new PacketHandler(new StatefulMapper(pool6, bib, sessions, new FragmentMemory(10, now::get),
                    v4("192.0.2.1")), config, new IcmpRateLimiter(0, 0, now::get), new Counters(), 70000);
            threads.add(Thread.ofPlatform().start(() -> {
                byte[] out = new byte[70000];
                try {
                    start.await();
                    for (int i = 0; i < 3000; i++) {
                        // four clients (one /64 each), shared between workers; ports rotate so bindings come and go
                        byte[] p = udp6("2001:db8:" + (i % 4) + "::" + Integer.toHexString(id + 1), 10000 + i % 97,
                                SERVER6, 53);
                        h.handle(p, p.length, out);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        Thread sweeper = Thread.ofPlatform().start(() -> {
            try {
                start.await();
                for (int i = 0; i < 2000; i++) {
                    now.addAndGet(Duration.ofMinutes(6).toNanos()); // everything expires as soon as it is made
                    sessions.sweep();
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        });
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        sweeper.join();
        assertEquals(List.of(), failures);
        now.addAndGet(Duration.ofHours(3).toNanos());
        sessions.sweep();
        assertEquals(0, sessions.size(), "no session counted that is not in the table");
        assertEquals(0, sessions.list().size());
        assertEquals(0, bib.size(), "every binding went with its last session");
        assertEquals(0, bib.clients(), "no client left behind, none counted twice");
    }
}
