package net.gate64.nat64;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongSupplier;
import net.gate64.nat64.translate.Counters;
import net.gate64.nat64.translate.DropReason;
import net.gate64.nat64.translate.PacketHandler;
import net.gate64.nat64.tun.TunDevice;
import net.gate64.nat64.tun.UringIo;
import net.gate64.nat64.tun.VnetHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread's loop over its TUN queue: take a packet into a reused buffer, translate it, send the result
 * (several packets when the translator fragmented), with the virtio header around it when offloads are on. Two
 * ways to move the packets, chosen at start: io_uring ({@link UringIo}: one system call per burst of packets,
 * reads and writes together), or, where the kernel has no usable io_uring, one {@code read} and one {@code write}
 * per packet on a non-blocking descriptor with {@code poll} when the queue is empty. Beats for
 * {@link GatewayHealth} and publishes its own counts ({@link Stats}) every {@link GatewayHealth#BEAT_EVERY} packets
 * and whenever it waits, so the per-packet path writes no shared memory beyond the translator's counters.
 */
final class Worker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    static final int BUFFER = 65536;
    /** Room for a 64 KB packet split into 1280-byte IPv6 fragments (48 bytes of headers each). */
    static final int OUT_BUFFER = BUFFER + 8192;
    private static final int POLL_MILLIS = 200;
    /**
     * io_uring read and write buffers per worker, each OUT_BUFFER + header bytes (2 × 2.3 MB of native memory per
     * worker); also the most packets one wake-up takes from the queue.
     */
    private static final int RING_BUFFERS = 32;

    /** What one worker did, published by the worker (racy snapshots are fine for metrics). */
    static final class Stats {
        volatile long packets;
        volatile long tcpSuperPackets;
        volatile long udpSuperPackets;
        volatile long waits;
        volatile boolean uring;
    }

    private final int index;
    private final TunDevice.Queue queue;
    private final boolean vnet;
    private final boolean useUring;
    private volatile PacketHandler current; // a config reload hands over another (use)
    private PacketHandler handler; // current, as read for the packet being handled (worker thread only)
    private final Counters counters;
    private final LongSupplier clock;
    final GatewayHealth.Beat beat;
    final Stats stats = new Stats();
    private volatile boolean running = true;

    // per-worker buffers (allocated on the worker thread) and counts
    private final int h;
    private byte[] raw;
    private byte[] in;
    private byte[] out;
    private byte[] framed;
    private int sinceBeat;
    private Emitter emitter;
    /** io_uring loop: the clock was read for the burst being handled. */
    private boolean awake;
    /** The emitter takes the virtio header and the packet apart ({@link Emitter#send(byte[], int, byte[], int, int)}). */
    private boolean gather;
    private long packets;
    private long tcpGso;
    private long udpGso;
    private long waits;

    Worker(int index, TunDevice.Queue queue, boolean vnet, boolean useUring, PacketHandler handler, Counters counters,
           LongSupplier clock) {
        this.index = index;
        this.queue = queue;
        this.vnet = vnet;
        this.useUring = useUring;
        this.current = handler;
        this.handler = handler;
        this.counters = counters;
        this.clock = clock;
        this.h = vnet ? VnetHeader.LENGTH : 0;
        this.beat = new GatewayHealth.Beat(clock.getAsLong());
    }

    /**
     * Translates with {@code next} from the next packet on (a config reload: new mapper, translator settings). Read
     * once per packet, so one packet's translation and its output come from the same handler.
     */
    void use(PacketHandler next) {
        this.current = next;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        raw = new byte[BUFFER + h];
        in = vnet ? new byte[BUFFER] : raw;
        out = new byte[OUT_BUFFER];
        framed = vnet ? new byte[OUT_BUFFER + h] : null;
        try {
            UringIo ring = null;
            if (useUring) {
                try {
                    ring = UringIo.open(queue, RING_BUFFERS, OUT_BUFFER + h);
                } catch (IOException e) {
                    if (index == 0) {
                        LOG.info("io_uring not used, one read and one write per packet instead: {}", e.getMessage());
                    }
                }
            }
            if (ring != null) {
                stats.uring = true;
                try (UringIo r = ring) {
                    ringLoop(r);
                }
            } else {
                syscallLoop();
            }
            beat.stopped = "closed";
        } catch (IOException e) {
            beat.stopped = e.getMessage();
            if (running) {
                LOG.error("worker {} stopped: {}", index, e.getMessage());
            }
        } catch (RuntimeException | Error e) {
            beat.stopped = e.toString();
            throw e;
        } finally {
            publish();
        }
    }

    private void ringLoop(UringIo ring) throws IOException {
        Emitter toRing = new Emitter() {
            @Override
            public boolean send(byte[] a, int off, int len) throws IOException {
                return ring.write(a, off, len);
            }

            @Override
            public boolean send(byte[] head, int headLength, byte[] a, int off, int len) throws IOException {
                return ring.write(head, headLength, a, off, len); // straight into the ring's buffer, no framing copy
            }
        };
        emitter = toRing;
        gather = true;
        UringIo.PacketSink sink = (memory, offset, n) -> {
            if (!awake) { // the first packet after a wait: the clock (and the session table's) read once per burst
                awake = true;
                beat.at = clock.getAsLong();
            }
            // the virtio header to raw, the packet straight to the translator's input (one copy, not two)
            int head = Math.min(h, n);
            MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, offset, raw, 0, head);
            if (n > head) {
                MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, offset + head, in, 0, n - head);
            }
            int m = translate(n, true);
            if (m > 0) {
                emit(m, toRing);
            }
        };
        while (running) {
            awake = false;
            int got = ring.poll(POLL_MILLIS, sink);
            beat.at = clock.getAsLong();
            if (got == 0) {
                waits++;
                answerExpired();
            }
            publish();
        }
        counters.writeErrors.add(ring.writeErrors());
    }

    private void syscallLoop() throws IOException {
        TunDevice.IoContext io = queue.io();
        MemorySegment rawSeg = MemorySegment.ofArray(raw);
        Segments segments = new Segments();
        Emitter toTun = (a, off, len) -> io.write(segments.of(a, off, len), len);
        emitter = toTun;
        try {
            while (running) {
                int n = io.read(rawSeg);
                if (n == TunDevice.IoContext.AGAIN) {
                    waits++;
                    publish();
                    io.awaitReadable(POLL_MILLIS);
                    beat.at = clock.getAsLong();
                    answerExpired();
                    continue;
                }
                int m = translate(n, false);
                if (m > 0) {
                    emit(m, toTun);
                }
            }
        } finally {
            io.close();
        }
    }

    /** Heap segments over the worker's arrays, made once per array (writes of fragments take slices). */
    private static final class Segments {
        private byte[] array;
        private MemorySegment segment;

        MemorySegment of(byte[] a, int off, int len) {
            if (a != array) {
                array = a;
                segment = MemorySegment.ofArray(a);
            }
            return off == 0 ? segment : segment.asSlice(off, len);
        }
    }

    /** Where translated packets go: the TUN, by whichever I/O the worker uses; false when it refused one. */
    private interface Emitter {
        boolean send(byte[] a, int off, int len) throws IOException;

        /** {@code head[0..headLength)} then {@code a[off..off+len)} as one packet. */
        default boolean send(byte[] head, int headLength, byte[] a, int off, int len) throws IOException {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * The packet {@code raw[0..n)} (with its virtio header when offloads are on) through the handler; the bytes to
     * send, 0 for none. {@code split}: the header is in {@code raw} and the packet already in {@code in}.
     */
    private int translate(int n, boolean split) throws IOException {
        handler = current;
        if (++sinceBeat >= GatewayHealth.BEAT_EVERY) {
            sinceBeat = 0;
            beat.at = clock.getAsLong();
            publish();
            answerExpired();
        }
        packets++;
        int len = n;
        boolean gso = false;
        boolean partial = false;
        int gsoSize = 0;
        if (vnet) {
            if (n < h || !VnetHeader.supported(raw, 0)) {
                counters.drop(DropReason.UNSUPPORTED_OFFLOAD);
                return 0;
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
            if (!split) {
                System.arraycopy(raw, h, in, 0, len);
            }
        }
        try {
            return handler.handle(in, len, out, gso, partial, gsoSize);
        } catch (RuntimeException e) {
            // A translator bug must cost one packet, never the worker: counted and logged.
            counters.handlerFailures.increment();
            LOG.warn("packet handling failed ({} bytes)", len, e);
            return 0;
        }
    }

    /** Sends the {@code m} bytes the handler produced (one packet, or the fragments it cut). */
    private void emit(int m, Emitter to) throws IOException {
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
                if (gather) {
                    written = to.send(framed, h, o, off, plen);
                } else {
                    System.arraycopy(o, off, framed, h, plen);
                    written = to.send(framed, 0, plen + h);
                }
            } else {
                written = to.send(o, off, plen);
            }
            if (!written) {
                counters.writeErrors.increment();
            }
        }
    }

    /**
     * Writes the answers to held packets whose time ran out (RFC 6146 §3.5.2.2: Port Unreachable for unsolicited
     * SYNs nobody opened): checked when idle and every {@link GatewayHealth#BEAT_EVERY} packets, not per packet.
     */
    private void answerExpired() throws IOException {
        handler = current;
        int m;
        while ((m = handler.expired(out)) > 0) {
            boolean written;
            if (vnet) {
                VnetHeader.writePlain(framed, 0);
                System.arraycopy(out, 0, framed, h, m);
                written = emitter.send(framed, 0, m + h);
            } else {
                written = emitter.send(out, 0, m);
            }
            if (!written) {
                counters.writeErrors.increment();
            }
        }
    }

    private void publish() {
        stats.packets = packets;
        stats.tcpSuperPackets = tcpGso;
        stats.udpSuperPackets = udpGso;
        stats.waits = waits;
    }
}
