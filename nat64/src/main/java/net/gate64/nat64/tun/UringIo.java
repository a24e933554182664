package net.gate64.nat64.tun;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * One TUN queue driven through io_uring instead of one {@code read} and one {@code write} system call per packet:
 * a single multishot read (IORING_OP_READ_MULTISHOT, kernel 6.7) delivers every packet of the queue, in order,
 * into buffers of a provided-buffer ring, and the translated packets go out as write requests that are submitted
 * together, with the wait for the next packets, in one {@code io_uring_enter}. The ring is set up single-issuer
 * with deferred task work, so the kernel does the reads' work only when the worker asks for completions: a burst
 * of packets costs one system call, not two per packet.
 *
 * <p>Not thread-safe: one worker owns it. {@link #open} fails (and the worker falls back to plain system calls)
 * when the kernel has no io_uring, or forbids it ({@code kernel.io_uring_disabled}, a seccomp filter).
 */
public final class UringIo implements AutoCloseable {
    private static final long SYS_IO_URING_SETUP = 425;
    private static final long SYS_IO_URING_ENTER = 426;
    private static final long SYS_IO_URING_REGISTER = 427;
    private static final int SETUP_SINGLE_ISSUER = 1 << 12;
    private static final int SETUP_DEFER_TASKRUN = 1 << 13;
    private static final int FEAT_SINGLE_MMAP = 1;
    private static final int ENTER_GETEVENTS = 1;
    private static final int ENTER_EXT_ARG = 1 << 3;
    private static final int REGISTER_PBUF_RING = 22;
    private static final byte OP_WRITE = 23;
    private static final byte OP_READ_MULTISHOT = 49;
    private static final byte SQE_BUFFER_SELECT = 1 << 5;
    private static final int CQE_F_BUFFER = 1;
    private static final int CQE_F_MORE = 2;
    private static final long OFF_SQ_RING = 0;
    private static final long OFF_CQ_RING = 0x8000000L;
    private static final long OFF_SQES = 0x10000000L;
    private static final int PROT_READ_WRITE = 3;
    private static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;
    private static final int ETIME = 62;
    private static final int EINTR = 4;
    private static final int EBUSY = 16;
    private static final int ENOBUFS = 105;
    private static final int SQE = 64;
    private static final int CQE = 16;
    private static final long READ_TAG = -1L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final MethodHandle SYSCALL4 = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL6 = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO_OPTION);
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle SHORT = JAVA_SHORT.varHandle();

    /** What the worker does with each packet read: its bytes are {@code memory[offset..offset+length)} until it returns. */
    public interface PacketSink {
        void packet(MemorySegment memory, long offset, int length) throws IOException;
    }

    private final int tunFd;
    private final int ringFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = arena.allocate(CAPTURE);
    private final MemorySegment getEventsArg = arena.allocate(24, 8);
    private final MemorySegment timeout = arena.allocate(16, 8);
    private MemorySegment sqRing;
    private MemorySegment cqRing;
    private MemorySegment sqes;
    private long sqRingSize;
    private long cqRingSize;
    private long sqesSize;
    private int sqHead;
    private int sqTail;
    private int sqMask;
    private int sqEntries;
    private int sqArray;
    private int cqHead;
    private int cqTail;
    private int cqMask;
    private int cqes;
    private int localSqTail;
    private int pending;
    // provided-buffer ring for the reads
    private final int readBuffers;
    private final int bufferSize;
    private MemorySegment bufRing;
    private MemorySegment readArea;
    private int bufTail;
    // write buffers, a free list of indices
    private final int writeBuffers;
    private final MemorySegment writeArea;
    private final long writeAddress;
    private final int[] freeWrites;
    private int freeCount;
    private final int[] writeLength;
    private boolean reading;
    private int readError;
    private long writeErrors;
    // packets read and not yet handed to the sink, in order (at most one per read buffer)
    private final int[] readyBid;
    private final int[] readyLen;
    private int readyHead;
    private int readyTail;

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name)), fd, options);
    }

    private UringIo(int tunFd, int ringFd, int readBuffers, int writeBuffers, int bufferSize) {
        this.tunFd = tunFd;
        this.ringFd = ringFd;
        this.readBuffers = readBuffers;
        this.writeBuffers = writeBuffers;
        this.bufferSize = bufferSize;
        this.writeArea = arena.allocate((long) writeBuffers * bufferSize, 4096);
        this.writeAddress = writeArea.address();
        this.freeWrites = new int[writeBuffers];
        this.writeLength = new int[writeBuffers];
        this.readyBid = new int[readBuffers];
        this.readyLen = new int[readBuffers];
        for (int i = 0; i < writeBuffers; i++) {
            freeWrites[freeCount++] = i;
        }
    }

    /**
     * A ring for TUN queue {@code queue} with {@code buffers} read and write buffers of {@code bufferSize} bytes
     * each (a power of two of them); fails with an IOException saying why when io_uring cannot be used here.
     */
    public static UringIo open(TunDevice.Queue queue, int buffers, int bufferSize) throws IOException {
        if (Integer.bitCount(buffers) != 1) {
            throw new IllegalArgumentException("buffers must be a power of two");
        }
        int entries = buffers * 2;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(CAPTURE);
            MemorySegment params = a.allocate(120, 8);
            params.set(JAVA_INT, 8, SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN);
            long fd = (long) SYSCALL4.invokeExact(err, SYS_IO_URING_SETUP, (long) entries, params.address(), 0L, 0L);
            if (fd < 0) {
                throw new IOException("io_uring_setup: " + Libc.strerror((int) ERRNO.get(err, 0L))
                        + " (needs Linux 6.1; kernel.io_uring_disabled or a seccomp filter may forbid it)");
            }
            UringIo u = new UringIo(queue.fd(), (int) fd, buffers, buffers, bufferSize);
            try {
                u.map(params);
                u.registerBuffers();
                u.armRead();
                u.enter(u.pending, 0, false); // submit the read now: a kernel without multishot reads fails here
                u.reap();
                if (u.readError != 0) {
                    throw new IOException("io_uring multishot read: " + Libc.strerror(u.readError) + " (needs Linux 6.7)");
                }
            } catch (IOException | RuntimeException e) {
                u.close();
                throw e;
            }
            return u;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private void map(MemorySegment params) throws IOException {
        int sqEntriesP = params.get(JAVA_INT, 0);
        int cqEntriesP = params.get(JAVA_INT, 4);
        int features = params.get(JAVA_INT, 20);
        if ((features & FEAT_SINGLE_MMAP) == 0) {
            throw new IOException("io_uring without IORING_FEAT_SINGLE_MMAP (kernel older than 5.4)");
        }
        sqHead = params.get(JAVA_INT, 40);
        sqTail = params.get(JAVA_INT, 44);
        sqMask = params.get(JAVA_INT, 48);
        sqEntries = sqEntriesP;
        sqArray = params.get(JAVA_INT, 64);
        cqHead = params.get(JAVA_INT, 80);
        cqTail = params.get(JAVA_INT, 84);
        cqMask = params.get(JAVA_INT, 88);
        cqes = params.get(JAVA_INT, 100);
        sqRingSize = Math.max(sqArray + 4L * sqEntriesP, cqes + (long) CQE * cqEntriesP);
        cqRingSize = sqRingSize;
        sqRing = mmap(sqRingSize, OFF_SQ_RING);
        cqRing = sqRing;
        sqesSize = (long) SQE * sqEntriesP;
        sqes = mmap(sqesSize, OFF_SQES);
        sqMask = sqRing.get(JAVA_INT, sqMask);
        cqMask = cqRing.get(JAVA_INT, cqMask);
        localSqTail = (int) INT.getAcquire(sqRing, (long) sqTail);
    }

    private MemorySegment mmap(long size, long offset) throws IOException {
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(errno, MemorySegment.NULL, size, PROT_READ_WRITE,
                    MAP_SHARED_POPULATE, ringFd, offset);
            if (p.address() == -1L) {
                throw new IOException("mmap io_uring: " + Libc.strerror((int) ERRNO.get(errno, 0L)));
            }
            return p.reinterpret(size);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The provided-buffer ring (group 0) the multishot read takes its buffers from. */
    private void registerBuffers() throws IOException {
        bufRing = arena.allocate(16L * readBuffers, 4096);
        readArea = arena.allocate((long) readBuffers * bufferSize, 4096);
        MemorySegment reg = arena.allocate(40, 8);
        reg.set(JAVA_LONG, 0, bufRing.address());
        reg.set(JAVA_INT, 8, readBuffers);
        reg.set(JAVA_SHORT, 12, (short) 0); // bgid
        long r = syscall4(SYS_IO_URING_REGISTER, ringFd, REGISTER_PBUF_RING, reg.address(), 1);
        if (r < 0) {
            throw new IOException("io_uring provided buffer ring: " + Libc.strerror((int) -r)
                    + " (needs Linux 5.19)");
        }
        for (int i = 0; i < readBuffers; i++) {
            returnBuffer(i);
        }
        publishBuffers();
    }

    private void returnBuffer(int bid) {
        long e = 16L * (bufTail & (readBuffers - 1));
        bufRing.set(JAVA_LONG, e, readArea.address() + (long) bid * bufferSize);
        bufRing.set(JAVA_INT, e + 8, bufferSize);
        bufRing.set(JAVA_SHORT, e + 12, (short) bid);
        bufTail++;
    }

    private void publishBuffers() {
        SHORT.setRelease(bufRing, 14L, (short) bufTail); // the ring's tail overlays the first entry's last field
    }

    private long syscall4(long nr, long a, long b, long c, long d) {
        try {
            long r = (long) SYSCALL4.invokeExact(errno, nr, a, b, c, d);
            return r < 0 ? -(int) ERRNO.get(errno, 0L) : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The offset in {@link #sqes} of the next free submission entry, cleared; -1 when the ring is full. */
    private long nextSqe() {
        int head = (int) INT.getAcquire(sqRing, (long) sqHead);
        if (localSqTail - head >= sqEntries) {
            return -1;
        }
        int index = localSqTail & sqMask;
        long sqe = (long) index * SQE;
        for (int i = 0; i < SQE; i += 8) {
            sqes.set(JAVA_LONG, sqe + i, 0L);
        }
        sqRing.set(JAVA_INT, sqArray + 4L * index, index);
        localSqTail++;
        pending++;
        return sqe;
    }

    private void armRead() throws IOException {
        long sqe = nextSqe();
        if (sqe < 0) {
            enter(pending, 0, false);
            reap();
            sqe = nextSqe();
        }
        sqes.set(JAVA_BYTE, sqe, OP_READ_MULTISHOT);
        sqes.set(JAVA_BYTE, sqe + 1, SQE_BUFFER_SELECT);
        sqes.set(JAVA_INT, sqe + 4, tunFd);
        sqes.set(JAVA_LONG, sqe + 8, -1L);
        sqes.set(JAVA_SHORT, sqe + 40, (short) 0); // buffer group
        sqes.set(JAVA_LONG, sqe + 32, READ_TAG);
        reading = true;
    }

    private int cqHeadValue() {
        return (int) INT.getAcquire(cqRing, (long) cqHead);
    }

    /** Submits what is queued and, with {@code wait}, waits up to {@code timeoutMillis} for {@code min} completions. */
    private void enter(int toSubmit, int min, boolean wait) throws IOException {
        INT.setRelease(sqRing, (long) sqTail, localSqTail);
        // GETEVENTS always: with deferred task work the kernel only completes reads when asked for events
        int flags = ENTER_GETEVENTS;
        long arg = 0;
        long argSize = 0;
        if (wait) {
            flags |= ENTER_EXT_ARG;
            arg = getEventsArg.address();
            argSize = 24;
        }
        long r;
        try {
            r = (long) SYSCALL6.invokeExact(errno, SYS_IO_URING_ENTER, (long) ringFd, (long) toSubmit, (long) min,
                    (long) flags, arg, argSize);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r >= 0) {
            pending -= (int) Math.min(r, toSubmit);
            return;
        }
        int e = (int) ERRNO.get(errno, 0L);
        if (e == ETIME || e == EINTR || e == EBUSY) {
            return;
        }
        throw new IOException("io_uring_enter: " + Libc.strerror(e));
    }

    /**
     * Submits the queued writes and waits up to {@code timeoutMillis} for packets; hands every packet read to
     * {@code sink} (which may call {@link #write}) in the order the TUN queue delivered them, and reclaims
     * finished writes. Returns how many packets it handed over.
     */
    public int poll(int timeoutMillis, PacketSink sink) throws IOException {
        timeout.set(JAVA_LONG, 0, timeoutMillis / 1000);
        timeout.set(JAVA_LONG, 8, (timeoutMillis % 1000) * 1_000_000L);
        getEventsArg.set(JAVA_LONG, 16, timeout.address());
        enter(pending, 1, true);
        reap();
        int packets = 0;
        while (readyHead != readyTail) {
            int slot = readyHead++ & (readBuffers - 1);
            int bid = readyBid[slot];
            sink.packet(readArea, (long) bid * bufferSize, readyLen[slot]);
            returnBuffer(bid);
            if ((++packets & 15) == 0) {
                publishBuffers();
            }
        }
        publishBuffers();
        if (readError != 0) {
            int e = readError;
            readError = 0;
            throw new IOException("read tun (io_uring): " + Libc.strerror(e));
        }
        if (!reading) {
            armRead();
        }
        return packets;
    }

    /**
     * Takes every completion off the ring: packets read go to the ready list (in ring order, which is the order
     * the TUN queue delivered them), finished writes give their buffers back.
     */
    private void reap() {
        int head = cqHeadValue();
        int tail = (int) INT.getAcquire(cqRing, (long) cqTail);
        while (head != tail) {
            long cqe = cqes + (long) CQE * (head & cqMask);
            long tag = cqRing.get(JAVA_LONG, cqe);
            int res = cqRing.get(JAVA_INT, cqe + 8);
            int flags = cqRing.get(JAVA_INT, cqe + 12);
            head++;
            if (tag == READ_TAG) {
                if ((flags & CQE_F_MORE) == 0) {
                    reading = false; // the multishot read ended (no buffer left, or an error): armed again by poll
                }
                if (res >= 0 && (flags & CQE_F_BUFFER) != 0) {
                    int slot = readyTail++ & (readBuffers - 1);
                    readyBid[slot] = flags >>> 16;
                    readyLen[slot] = res;
                } else if (res < 0 && -res != ENOBUFS) {
                    readError = -res;
                }
            } else {
                int w = (int) tag;
                if (res != writeLength[w]) {
                    writeErrors++;
                }
                freeWrites[freeCount++] = w;
            }
        }
        INT.setRelease(cqRing, (long) cqHead, head);
    }

    /**
     * Queues {@code src[off..off+len)} to be written to the TUN (it goes out with the next {@link #poll}, or at
     * once when the write buffers run out). False when it cannot be queued (longer than a buffer).
     */
    public boolean write(byte[] src, int off, int len) throws IOException {
        return write(src, 0, src, off, len);
    }

    /**
     * As {@link #write(byte[], int, int)} for the packet {@code head[0..headLength)} followed by
     * {@code src[off..off+len)}, both copied straight into the write buffer (the virtio header and the packet).
     */
    public boolean write(byte[] head, int headLength, byte[] src, int off, int len) throws IOException {
        if (headLength + len > bufferSize) {
            return false;
        }
        if (freeCount == 0) {
            enter(pending, 0, false); // the writes go out inline; their completions are then on the ring
            reap();
            if (freeCount == 0) {
                return false;
            }
        }
        long sqe = nextSqe();
        if (sqe < 0) {
            enter(pending, 0, false);
            reap();
            sqe = nextSqe();
        }
        int w = freeWrites[--freeCount];
        long at = (long) w * bufferSize;
        if (headLength > 0) {
            MemorySegment.copy(head, 0, writeArea, JAVA_BYTE, at, headLength);
        }
        MemorySegment.copy(src, off, writeArea, JAVA_BYTE, at + headLength, len);
        len += headLength;
        writeLength[w] = len;
        sqes.set(JAVA_BYTE, sqe, OP_WRITE);
        sqes.set(JAVA_INT, sqe + 4, tunFd);
        sqes.set(JAVA_LONG, sqe + 8, -1L);
        sqes.set(JAVA_LONG, sqe + 16, writeAddress + at);
        sqes.set(JAVA_INT, sqe + 24, len);
        sqes.set(JAVA_LONG, sqe + 32, w);
        return true;
    }

    /** Writes the kernel refused or cut short. */
    public long writeErrors() {
        return writeErrors;
    }

    @Override
    public void close() {
        try {
            if (sqes != null) {
                int ignored = (int) MUNMAP.invokeExact(sqes, sqesSize);
            }
            if (sqRing != null) {
                int ignored = (int) MUNMAP.invokeExact(sqRing, sqRingSize);
            }
            int ignored = (int) CLOSE.invokeExact(ringFd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        arena.close();
    }
}
