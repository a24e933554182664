package net.gate64.nat64.tun;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Linux TUN interface opened through FFM: {@code /dev/net/tun} once per queue, {@code TUNSETIFF} with
 * IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE, so that each worker thread owns one queue and the kernel spreads flows
 * across them. The interface lives while at least one queue is open (a non-persistent TUN disappears on close).
 */
public final class TunDevice implements AutoCloseable {
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_MULTI_QUEUE = 0x0100;
    private static final short IFF_VNET_HDR = 0x4000;
    /** TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN: partial checksums and TCP segmentation offload. */
    private static final long OFFLOADS = 0x01 | 0x02 | 0x04 | 0x08;
    /** TUN_F_USO4 | TUN_F_USO6: UDP segmentation offload (kernel 6.2 and later; EINVAL before). */
    private static final long UDP_OFFLOADS = 0x20 | 0x40;
    /** Size of struct virtio_net_hdr, which precedes every packet when offloads are on. */
    public static final int VNET_HDR_LEN = 10;
    private static final int IFNAMSIZ = 16;

    private final String name;
    private final List<Queue> queues;
    private final boolean offload;
    private final boolean udpOffload;

    private TunDevice(String name, List<Queue> queues, boolean offload, boolean udpOffload) {
        this.name = name;
        this.queues = queues;
        this.offload = offload;
        this.udpOffload = udpOffload;
    }

    /**
     * Opens (creating if needed) interface {@code name} with {@code count} queues. With {@code offload}, IFF_VNET_HDR
     * and TUNSETOFFLOAD let the kernel hand over TCP super-packets of up to 64 KB with partial checksums (and
     * accept them back), so one header translation covers dozens of wire packets; on kernels that have it (6.2 and
     * later) UDP super-packets from senders using UDP GSO too (TUN_F_USO4/6). Every packet then starts with a
     * {@link #VNET_HDR_LEN}-byte virtio_net_hdr.
     */
    public static TunDevice open(String name, int count, boolean offload) throws IOException {
        if (name.getBytes(StandardCharsets.US_ASCII).length >= IFNAMSIZ) {
            throw new IOException("interface name '" + name + "' is longer than " + (IFNAMSIZ - 1) + " characters");
        }
        List<Queue> queues = new ArrayList<>();
        boolean uso = offload;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoBuffer(arena);
            MemorySegment path = arena.allocateFrom("/dev/net/tun");
            for (int i = 0; i < count; i++) {
                int fd = Libc.open(errno, path, Libc.O_RDWR | Libc.O_NONBLOCK);
                if (fd < 0) {
                    int e = Libc.errno(errno);
                    closeAll(queues);
                    throw new IOException("open /dev/net/tun: " + Libc.strerror(e));
                }
                MemorySegment ifr = arena.allocate(40);
                byte[] n = name.getBytes(StandardCharsets.US_ASCII);
                MemorySegment.copy(n, 0, ifr, ValueLayout.JAVA_BYTE, 0, n.length);
                short flags = (short) (IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE | (offload ? IFF_VNET_HDR : 0));
                ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, flags);
                if (Libc.ioctl(errno, fd, Libc.TUNSETIFF, ifr) < 0) {
                    int e = Libc.errno(errno);
                    Libc.close(fd);
                    closeAll(queues);
                    throw new IOException("TUNSETIFF " + name + " (queue " + i + "): " + Libc.strerror(e));
                }
                if (offload) {
                    // UDP segmentation offload when the kernel has it (the same answer for every queue)
                    if (uso && Libc.ioctlValue(errno, fd, Libc.TUNSETOFFLOAD, OFFLOADS | UDP_OFFLOADS) < 0) {
                        uso = false;
                    }
                    if (!uso && Libc.ioctlValue(errno, fd, Libc.TUNSETOFFLOAD, OFFLOADS) < 0) {
                        int e = Libc.errno(errno);
                        Libc.close(fd);
                        closeAll(queues);
                        throw new IOException("TUNSETOFFLOAD " + name + ": " + Libc.strerror(e));
                    }
                }
                queues.add(new Queue(fd));
            }
        }
        return new TunDevice(name, List.copyOf(queues), offload, uso);
    }

    private static void closeAll(List<Queue> queues) {
        for (Queue q : queues) {
            q.close();
        }
    }

    public String name() {
        return name;
    }

    public boolean offload() {
        return offload;
    }

    /** Whether the kernel also hands over (and takes back) UDP super-packets (TUN_F_USO4/6). */
    public boolean udpOffload() {
        return udpOffload;
    }

    public List<Queue> queues() {
        return queues;
    }

    /** IFF_UP: administratively up. */
    public static final int IFF_UP = 0x1;
    /** IFF_RUNNING: the link has carrier (a TUN has it while a queue is attached). */
    public static final int IFF_RUNNING = 0x40;

    /**
     * The interface flags (SIOCGIFFLAGS) of this device as the kernel sees it now, in the calling thread's network
     * namespace; -1 when the interface no longer exists. Unlike {@link java.net.NetworkInterface}, this also finds
     * an interface that is down and has no addresses.
     */
    public int linkFlags() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoBuffer(arena);
            int fd = Libc.socket(errno, Libc.AF_INET, Libc.SOCK_DGRAM, 0);
            if (fd < 0) {
                throw new IOException("socket: " + Libc.strerror(Libc.errno(errno)));
            }
            try {
                MemorySegment ifr = arena.allocate(40);
                byte[] n = name.getBytes(StandardCharsets.US_ASCII);
                MemorySegment.copy(n, 0, ifr, ValueLayout.JAVA_BYTE, 0, n.length);
                if (Libc.ioctl(errno, fd, Libc.SIOCGIFFLAGS, ifr) < 0) {
                    int e = Libc.errno(errno);
                    if (e == Libc.ENODEV) {
                        return -1;
                    }
                    throw new IOException("SIOCGIFFLAGS " + name + ": " + Libc.strerror(e));
                }
                return ifr.get(ValueLayout.JAVA_SHORT, IFNAMSIZ) & 0xffff;
            } finally {
                Libc.close(fd);
            }
        }
    }

    @Override
    public void close() {
        closeAll(queues);
    }

    /**
     * One queue's file descriptor. Its methods are used by a single worker thread; each thread gets its own errno
     * and poll buffers through {@link #io()}.
     */
    public static final class Queue {
        private final int fd;
        private volatile boolean closed;

        Queue(int fd) {
            this.fd = fd;
        }

        public IoContext io() {
            return new IoContext(fd);
        }

        int fd() {
            return fd;
        }

        void close() {
            if (!closed) {
                closed = true;
                Libc.close(fd);
            }
        }
    }

    /** Per-thread I/O state: errno capture and pollfd in native memory, heap segments for the worker's arrays. */
    public static final class IoContext {
        /** {@link #read} result when no packet is waiting. */
        public static final int AGAIN = -1;
        private final int fd;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment errno = Libc.errnoBuffer(arena);
        private final MemorySegment pollfd = arena.allocate(Libc.POLLFD);

        IoContext(int fd) {
            this.fd = fd;
            pollfd.set(ValueLayout.JAVA_INT, 0, fd);
            pollfd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
        }

        /** Reads one packet into {@code buf}: its length, {@link #AGAIN} when none is queued. */
        public int read(MemorySegment buf) throws IOException {
            long n = Libc.read(errno, fd, buf, buf.byteSize());
            if (n >= 0) {
                return (int) n;
            }
            int e = Libc.errno(errno);
            if (e == Libc.EAGAIN || e == Libc.EINTR) {
                return AGAIN;
            }
            throw new IOException("read tun: " + Libc.strerror(e));
        }

        /** Writes one packet; false when the kernel refused it (counted by the caller, never fatal). */
        public boolean write(MemorySegment buf, int len) {
            return Libc.write(errno, fd, buf, len) == len;
        }

        /** Waits up to {@code millis} for a packet. */
        public void awaitReadable(int millis) {
            pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            Libc.poll(errno, pollfd, 1, millis);
        }

        public void close() {
            arena.close();
        }
    }
}
