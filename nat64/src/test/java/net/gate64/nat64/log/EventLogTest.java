package net.gate64.nat64.log;

import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.gate64.common.IpNetwork;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.state.Bib;
import net.gate64.nat64.state.FragmentMemory;
import net.gate64.nat64.state.Limits;
import net.gate64.nat64.state.Pool4;
import net.gate64.nat64.state.SessionTable;
import net.gate64.nat64.state.StatefulMapper;
import net.gate64.nat64.state.Timeouts;
import net.gate64.nat64.translate.Counters;
import net.gate64.nat64.translate.IcmpRateLimiter;
import net.gate64.nat64.translate.PacketHandler;
import net.gate64.nat64.translate.Pool6;
import net.gate64.nat64.translate.TranslatorConfig;
import org.junit.jupiter.api.Test;

/** The bounded, non-blocking hand-over from the stateful tables to the writers. */
class EventLogTest {
    private final AtomicLong wall = new AtomicLong(1_796_133_723_000L);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    /** Records what it is given; optionally blocks in write until released (a stuck disk or socket). */
    static final class RecordingWriter implements EventWriter {
        final List<NatEvent> events = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release;
        final CountDownLatch closed = new CountDownLatch(1);
        volatile boolean fail;

        RecordingWriter(boolean block) {
            release = new CountDownLatch(block ? 1 : 0);
        }

        @Override
        public String name() {
            return "test";
        }

        @Override
        public void write(NatEvent e) throws IOException {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            if (fail) {
                throw new IOException("disk full");
            }
            events.add(e);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void bindingAndSessionLifecycleIsLoggedWithTheTranslatedAddresses() throws Exception {
        RecordingWriter w = new RecordingWriter(false);
        EventLog log = new EventLog(List.of(w), 100, wall::get);
        log.start();
        Bib bib = new Bib(new Pool4(IpNetwork.parse("198.51.100.0/30"), 2000, 2003), log);
        Timeouts t = new Timeouts(Duration.ofMinutes(124), Duration.ofMinutes(4), Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofSeconds(6));
        SessionTable sessions = new SessionTable(bib, Limits.DEFAULT, t, nanos::get);
        Pool6 pool6 = new Pool6(List.of(Nat64Prefix.parse("2001:db8:64::/96")), false);
        PacketHandler handler = new PacketHandler(new StatefulMapper(pool6, bib, sessions,
                new FragmentMemory(100, nanos::get), v4("192.0.2.1")),
                TranslatorConfig.of(1500, true, v4("192.0.2.1"), addr("2001:db8:64::c000:201")),
                new IcmpRateLimiter(100, 100, nanos::get), new Counters(), 70000);
        byte[] out = new byte[70000];
        byte[] packet = ipv6("2001:db8:1::10", "2001:db8:64::cb00:7105", 17, 64, 0, udp(5555, 53, bytes(20, 1)));
        assertTrue(handler.handle(packet, packet.length, out) > 0);
        int pool4Addr = (int) u32(out, 12);
        int pool4Port = u16(out, 20);
        handler.handle(packet, packet.length, out); // same session: no new event
        wall.addAndGet(31_000);
        nanos.addAndGet(31_000_000_000L);
        assertEquals(1, sessions.sweep());
        log.close();
        assertTrue(w.closed.await(10, TimeUnit.SECONDS));

        assertEquals(List.of(NatEvent.Type.BIB_CREATE, NatEvent.Type.SESSION_CREATE, NatEvent.Type.SESSION_DELETE,
                NatEvent.Type.BIB_DELETE), w.events.stream().map(NatEvent::type).toList());
        NatEvent created = w.events.get(1);
        assertEquals(1_796_133_723_000L, created.timeMillis());
        assertEquals(1_796_133_754_000L, w.events.get(2).timeMillis());
        assertEquals(17, created.protocol());
        assertArrayEquals(addr("2001:db8:1::10"), created.source6());
        assertEquals(5555, created.srcPort());
        assertEquals(pool4Addr, created.nat4());
        assertEquals(pool4Port, created.natPort());
        assertEquals(v4("203.0.113.5"), created.remote4());
        assertEquals(53, created.remotePort());
        assertArrayEquals(addr("2001:db8:64::cb00:7105"), created.destination6(pool6.prefixes()));
        assertEquals(pool4Port, w.events.get(0).natPort());
        assertEquals(-1, w.events.get(0).prefixIndex());
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() throws Exception {
        RecordingWriter w = new RecordingWriter(true);
        EventLog log = new EventLog(List.of(w), 4, wall::get);
        log.start();
        log.publish(IpfixEncoderTest.bib(NatEvent.Type.BIB_CREATE, 0));
        assertTrue(w.entered.await(10, TimeUnit.SECONDS), "the writer took the first event and is stuck with it");
        for (int i = 0; i < 9; i++) {
            log.publish(IpfixEncoderTest.bib(NatEvent.Type.BIB_CREATE, i + 1)); // returns at once: never blocks
        }
        EventLog.Stats stuck = log.stats().getFirst();
        assertEquals(4, stuck.queued());
        assertEquals(5, stuck.dropped());
        w.release.countDown();
        log.close();
        EventLog.Stats done = log.stats().getFirst();
        assertEquals(5, done.written());
        assertEquals(5, done.dropped());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), w.events.stream().map(NatEvent::timeMillis).toList());
    }

    @Test
    void failedWritesAreCountedAndLaterEventsStillGo() throws Exception {
        RecordingWriter w = new RecordingWriter(false);
        w.fail = true;
        EventLog log = new EventLog(List.of(w), 16, wall::get);
        log.start();
        log.publish(IpfixEncoderTest.bib(NatEvent.Type.BIB_CREATE, 1));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (log.stats().getFirst().errors() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        w.fail = false;
        log.publish(IpfixEncoderTest.bib(NatEvent.Type.BIB_DELETE, 2));
        log.close();
        EventLog.Stats s = log.stats().getFirst();
        assertEquals(1, s.errors());
        assertEquals(1, s.written());
        assertEquals(NatEvent.Type.BIB_DELETE, w.events.getFirst().type());
    }

    @Test
    void eventsAfterCloseAreDroppedAndCounted() {
        RecordingWriter w = new RecordingWriter(false);
        EventLog log = new EventLog(List.of(w), 16, wall::get);
        log.close(); // never started: closes the writer itself
        assertEquals(0, w.closed.getCount());
        log.publish(IpfixEncoderTest.bib(NatEvent.Type.BIB_CREATE, 1));
        assertEquals(1, log.stats().getFirst().dropped());
    }

    @Test
    void portBlocksAreLoggedWhenTakenAndWhenTheirLastBindingGoes() throws Exception {
        RecordingWriter w = new RecordingWriter(false);
        EventLog log = new EventLog(List.of(w), 100, wall::get);
        log.start();
        Pool4 pool4 = new Pool4(IpNetwork.parse("198.51.100.0/30"), 1024, 65535);
        Bib bib = new Bib(pool4, log, new net.gate64.nat64.state.PortPlan(128, false, 64, 4, null));
        Timeouts t = new Timeouts(Duration.ofMinutes(124), Duration.ofMinutes(4), Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofSeconds(6));
        SessionTable sessions = new SessionTable(bib, Limits.DEFAULT, t, nanos::get);
        Pool6 pool6 = new Pool6(List.of(Nat64Prefix.parse("2001:db8:64::/96")), false);
        PacketHandler handler = new PacketHandler(new StatefulMapper(pool6, bib, sessions,
                new FragmentMemory(100, nanos::get), v4("192.0.2.1")),
                TranslatorConfig.of(1500, true, v4("192.0.2.1"), addr("2001:db8:64::c000:201")),
                new IcmpRateLimiter(100, 100, nanos::get), new Counters(), 70000);
        byte[] out = new byte[70000];
        for (int port : new int[] {5555, 5556}) {
            byte[] packet = ipv6("2001:db8:1::10", "2001:db8:64::cb00:7105", 17, 64, 0, udp(port, 53, bytes(20, 1)));
            assertTrue(handler.handle(packet, packet.length, out) > 0);
        }
        nanos.addAndGet(31_000_000_000L);
        sessions.sweep();
        log.close();
        List<NatEvent.Type> types = w.events.stream().map(NatEvent::type).toList();
        assertEquals(1, types.stream().filter(x -> x == NatEvent.Type.PORT_BLOCK_CREATE).count(), types.toString());
        assertEquals(NatEvent.Type.PORT_BLOCK_CREATE, types.getFirst(), "the block before the binding that uses it");
        assertEquals(NatEvent.Type.PORT_BLOCK_DELETE, types.getLast(), "the block after its last binding");
        NatEvent block = w.events.getFirst();
        assertEquals(63, block.portEnd() - block.portStart());
        assertArrayEquals(addr("2001:db8:1::10"), block.source6());
        assertEquals(128, block.prefixLength());
    }
}
