package net.gate64.nat64.state;

import static net.gate64.nat64.state.StatefulBed.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * STYLE.md: the translator hot path allocates nothing per packet. Packets of existing flows (both directions, TCP
 * and UDP, with port blocks and address-dependent filtering on) go through the whole packet path and the thread's
 * allocation counter must not move. Counts bytes, not time.
 */
class HotPathAllocationTest {
    @Test
    void establishedFlowsAllocateNothing() {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        var threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "per-thread allocation counting not supported");
        threads.setThreadAllocatedMemoryEnabled(true);
        StatefulBed bed = new StatefulBed("198.51.100.7/32", 1024, 65535, new PortPlan(128, true, 64, 2, null),
                NatEventSink.NONE, new Limits(1000, 100), true, 64);
        byte[] udpOut = udp6(CLIENT, 40000, SERVER6, 53);
        byte[] udpIn = udp4(SERVER, 53, "198.51.100.7", 40000);
        byte[] tcpSyn = tcp6(CLIENT, 40002, SERVER6, 80, 0x02);
        byte[] tcpSynAck = tcp4(SERVER, 80, "198.51.100.7", 40002, 0x12);
        byte[] tcpOut = tcp6(CLIENT, 40002, SERVER6, 80, 0x10);
        byte[] tcpIn = tcp4(SERVER, 80, "198.51.100.7", 40002, 0x10);
        bed.send(tcpSyn);
        bed.send(tcpSynAck);
        byte[] out = bed.out;
        byte[][] flow = {udpOut, udpIn, tcpOut, tcpIn};
        for (int i = 0; i < 20_000; i++) { // warm up: class loading, JIT, lambda and enum-switch bootstraps
            byte[] p = flow[i & 3];
            assertTrue(bed.handler.handle(p, p.length, out) > 0);
        }
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            byte[] p = flow[i & 3];
            bed.handler.handle(p, p.length, out);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 4096, "100 000 packets allocated " + allocated + " bytes");
    }
}
