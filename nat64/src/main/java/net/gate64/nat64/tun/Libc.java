package net.gate64.nat64.tun;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the TUN device needs, as FFM downcalls (no JNI). {@code read}/{@code write} are "critical"
 * downcalls that may take heap segments, so packets go straight between the kernel and the worker's byte arrays
 * without a copy; critical calls must not block (they hold off safepoints), hence non-blocking descriptors and a
 * regular {@code poll} to wait.
 */
final class Libc {
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final short POLLIN = 1;
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long SIOCGIFFLAGS = 0x8913L;
    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int ENODEV = 19;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            ERRNO_OPTION);
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_VALUE = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO_OPTION, Linker.Option.critical(true));
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO_OPTION, Linker.Option.critical(true));
    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle STRERROR = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    static final MemoryLayout POLLFD = MemoryLayout.structLayout(JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents"));

    private Libc() {}

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** A per-thread buffer for errno. */
    static MemorySegment errnoBuffer(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    static int open(MemorySegment errno, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(errno, path, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int ioctl(MemorySegment errno, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL.invokeExact(errno, fd, request, arg);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** ioctl whose argument is a value, not a pointer (TUNSETOFFLOAD). */
    static int ioctlValue(MemorySegment errno, int fd, long request, long arg) {
        try {
            return (int) IOCTL_VALUE.invokeExact(errno, fd, request, arg);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int socket(MemorySegment errno, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(errno, domain, type, protocol);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long read(MemorySegment errno, int fd, MemorySegment buf, long len) {
        try {
            return (long) READ.invokeExact(errno, fd, buf, len);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long write(MemorySegment errno, int fd, MemorySegment buf, long len) {
        try {
            return (long) WRITE.invokeExact(errno, fd, buf, len);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int poll(MemorySegment errno, MemorySegment fds, long n, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(errno, fds, n, timeoutMillis);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
