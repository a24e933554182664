package net.gate64.nat64;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.function.LongSupplier;
import net.gate64.nat64.translate.Counters;
import net.gate64.nat64.translate.DropReason;
import net.gate64.nat64.translate.PacketHandler;
import net.gate64.nat64.tun.TunDevice;
import net.gate64.nat64.tun.VnetHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread's loop over its TUN queue: read a packet into a reused buffer, translate it, write the result
 * (several packets when the translator fragmented), with the virtio header around it when offloads are on. Beats
 * for {@link GatewayHealth} and publishes its own counts ({@link Stats}) every {@link GatewayHealth#BEAT_EVERY}
 * packets and whenever it waits, so the per-packet path writes no shared memory beyond the translator's counters.
 */
final class Worker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    static final int BUFFER = 65536;
    /** Room for a 64 KB packet split into 1280-byte IPv6 fragments (48 bytes of headers each). */
    static final int OUT_BUFFER = BUFFER + 8192;
    private static final int POLL_MILLIS = 200;

    /** What one worker did, published by the worker (racy snapshots are fine for metrics). */
    static final class Stats {
        volatile long packets;
        volatile long tcpSuperPackets;
        volatile long udpSuperPackets;
        volatile long waits;
    }

    private final int index;
    private final TunDevice.Queue queue;
    private final boolean vnet;
    private volatile PacketHandler current; // a config reload hands over another (new mapper, translator settings)
    private final Counters counters;
    private final LongSupplier clock;
    final GatewayHealth.Beat beat;
    final Stats stats = new Stats();
    private volatile boolean running = true;

    Worker(int index, TunDevice.Queue queue, boolean vnet, PacketHandler handler, Counters counters, LongSupplier clock) {
        this.index = index;
        this.queue = queue;
        this.vnet = vnet;
        this.current = handler;
        this.counters = counters;
        this.clock = clock;
        this.beat = new GatewayHealth.Beat(clock.getAsLong());
    }

    void stop() {
        running = false;
    }

    /** Translates with {@code next} from the next packet on (one volatile read per packet). */
    void use(PacketHandler next) {
        this.current = next;
    }

    @Override
    public void run() {
        try {
            loop();
            beat.stopped = "closed";
        } catch (IOException e) {
            beat.stopped = e.getMessage();
            if (running) {
                LOG.error("worker {} stopped: {}", index, e.getMessage());
            }
        } catch (RuntimeException | Error e) {
            beat.stopped = e.toString();
            throw e;
        }
    }

    private void loop() throws IOException {
        TunDevice.IoContext io = queue.io();
        int h = vnet ? VnetHeader.LENGTH : 0;
        byte[] raw = new byte[BUFFER + h];
        byte[] in = vnet ? new byte[BUFFER] : raw;
        byte[] out = new byte[OUT_BUFFER];
        byte[] framed = vnet ? new byte[OUT_BUFFER + h] : null;
        MemorySegment rawSeg = MemorySegment.ofArray(raw);
        MemorySegment outSeg = MemorySegment.ofArray(out);
        MemorySegment framedSeg = vnet ? MemorySegment.ofArray(framed) : null;
        byte[] otherArray = null;
        MemorySegment otherSeg = null;
        int sinceBeat = 0;
        long packets = 0;
        long tcpGso = 0;
        long udpGso = 0;
        long waits = 0;
        try {
            while (running) {
                PacketHandler handler = current;
                if (++sinceBeat >= GatewayHealth.BEAT_EVERY) {
                    sinceBeat = 0;
                    beat.at = clock.getAsLong();
                    publish(packets, tcpGso, udpGso, waits);
                    answerExpired(handler, io, out, framed, framedSeg, outSeg);
                }
                int n = io.read(rawSeg);
                if (n == TunDevice.IoContext.AGAIN) {
                    publish(packets, tcpGso, udpGso, ++waits);
                    io.awaitReadable(POLL_MILLIS);
                    beat.at = clock.getAsLong();
                    answerExpired(handler, io, out, framed, framedSeg, outSeg);
                    continue;
                }
                packets++;
                int len = n;
                boolean gso = false;
                boolean partial = false;
                int gsoSize = 0;
                if (vnet) {
                    if (n < h || !VnetHeader.supported(raw, 0)) {
                        counters.drop(DropReason.UNSUPPORTED_OFFLOAD);
                        continue;
                    }
                    gso = VnetHeader.gso(raw, 0);
                    if (gso) {
                        gsoSize = VnetHeader.gsoSize(raw, 0);
                        if (VnetHeader.udpGso(raw, 0)) {
                            udpGso++;
                        } else {
                            tcpGso++;
                        }
                    }
                    partial = VnetHeader.needsChecksum(raw, 0);
                    len = n - h;
                    System.arraycopy(raw, h, in, 0, len);
                }
                int m;
                try {
                    m = handler.handle(in, len, out, gso, partial, gsoSize);
                } catch (RuntimeException e) {
                    // A translator bug must cost one packet, never the worker: counted and logged.
                    counters.handlerFailures.increment();
                    LOG.warn("packet handling failed ({} bytes)", len, e);
                    continue;
                }
                if (m <= 0) {
                    continue;
                }
                byte[] o = handler.output();
                int count = handler.packetCount();
                for (int i = 0; i < count; i++) {
                    int off = handler.packetOffset(i);
                    int plen = handler.packetLength(i, m);
                    boolean written;
                    if (vnet) {
                        if (handler.translated() && count == 1) {
                            VnetHeader.writeTranslated(raw, 0, o, framed, 0);
                        } else {
                            VnetHeader.writePlain(framed, 0); // our ICMP errors and fragments: complete checksums
                        }
                        System.arraycopy(o, off, framed, h, plen);
                        written = io.write(framedSeg, plen + h);
                    } else if (count > 1) {
                        written = io.write(MemorySegment.ofArray(o).asSlice(off, plen), plen);
                    } else {
                        MemorySegment seg = outSeg;
                        if (o != out) {
                            if (o != otherArray) {
                                otherArray = o;
                                otherSeg = MemorySegment.ofArray(o);
                            }
                            seg = otherSeg;
                        }
                        written = io.write(seg, plen);
                    }
                    if (!written) {
                        counters.writeErrors.increment();
                    }
                }
            }
        } finally {
            publish(packets, tcpGso, udpGso, waits);
            io.close();
        }
    }

    /**
     * Writes the answers to held packets whose time ran out (RFC 6146 §3.5.2.2: Port Unreachable for unsolicited
     * SYNs nobody opened): checked when idle and every {@link GatewayHealth#BEAT_EVERY} packets, not per packet.
     */
    private void answerExpired(PacketHandler handler, TunDevice.IoContext io, byte[] out, byte[] framed, MemorySegment framedSeg,
                               MemorySegment outSeg) {
        int m;
        while ((m = handler.expired(out)) > 0) {
            boolean written;
            if (framed != null) {
                VnetHeader.writePlain(framed, 0);
                System.arraycopy(out, 0, framed, VnetHeader.LENGTH, m);
                written = io.write(framedSeg, m + VnetHeader.LENGTH);
            } else {
                written = io.write(outSeg, m);
            }
            if (!written) {
                counters.writeErrors.increment();
            }
        }
    }

    private void publish(long packets, long tcpGso, long udpGso, long waits) {
        stats.packets = packets;
        stats.tcpSuperPackets = tcpGso;
        stats.udpSuperPackets = udpGso;
        stats.waits = waits;
    }
}
