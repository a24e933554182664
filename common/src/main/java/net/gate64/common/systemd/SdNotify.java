package net.gate64.common.systemd;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
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
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's readiness protocol (sd_notify(3)): one datagram per state change, newline-separated {@code KEY=VALUE}
 * assignments ({@code READY=1}, {@code RELOADING=1} with {@code MONOTONIC_USEC}, {@code STOPPING=1},
 * {@code STATUS=...}), sent to the AF_UNIX datagram socket named by {@code $NOTIFY_SOCKET}: a file system path, or
 * {@code @name} for the abstract namespace.
 * <p>
 * The JDK's channels have no Unix datagram socket, so this calls libc through the FFM API ({@code socket},
 * {@code sendto}, {@code close}, {@code clock_gettime}), as the TUN device does; a fresh socket per message, as
 * libsystemd does, because messages are few (start, reload, stop). Netty's EpollDomainDatagramChannel could send
 * them too, but would need an event loop and Netty's native library in both programs for three datagrams. A failed
 * send is logged once and otherwise ignored.
 */
public final class SdNotify implements ServiceNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(SdNotify.class);
    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int CLOCK_MONOTONIC = 1;
    /** sizeof(sun_path) on Linux. */
    static final int SUN_PATH = 108;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final MethodHandle SOCKET = downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle SENDTO = downcall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOCK_GETTIME = downcall("clock_gettime",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle STRERROR = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    /** struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; } */
    private static final StructLayout SOCKADDR_UN = MemoryLayout.structLayout(JAVA_SHORT.withName("sun_family"),
            MemoryLayout.sequenceLayout(SUN_PATH, JAVA_BYTE).withName("sun_path"));

    private final String socket;
    private final byte[] path;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * @param socket the value of {@code NOTIFY_SOCKET}: an absolute path or {@code @name} (abstract namespace)
     * @throws IllegalArgumentException for anything else, or a name longer than sun_path holds
     */
    public SdNotify(String socket) {
        byte[] name = socket.getBytes(StandardCharsets.UTF_8);
        if (socket.startsWith("@")) {
            name[0] = 0; // abstract namespace: a leading NUL, the length says where the name ends
        } else if (!socket.startsWith("/")) {
            throw new IllegalArgumentException("NOTIFY_SOCKET '" + socket + "' is neither an absolute path nor @name");
        }
        if (name.length >= SUN_PATH) {
            throw new IllegalArgumentException("NOTIFY_SOCKET '" + socket + "' is longer than " + (SUN_PATH - 1) + " bytes");
        }
        this.socket = socket;
        this.path = name;
    }

    @Override
    public void ready(String status) {
        send("READY=1\nSTATUS=" + oneLine(status));
    }

    /** RELOADING=1 with the monotonic time the reload began (systemd 253 requires it for Type=notify-reload). */
    @Override
    public void reloading(String status) {
        send("RELOADING=1\nMONOTONIC_USEC=" + monotonicMicros() + "\nSTATUS=" + oneLine(status));
    }

    @Override
    public void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    @Override
    public void status(String status) {
        send("STATUS=" + oneLine(status));
    }

    static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    /** Sends one message; false (logged once) when it could not be delivered. */
    boolean send(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            int fd = (int) SOCKET.invokeExact(errno, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return failed("socket", (int) ERRNO.get(errno, 0L));
            }
            try {
                MemorySegment addr = arena.allocate(SOCKADDR_UN);
                addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
                MemorySegment.copy(path, 0, addr, JAVA_BYTE, 2, path.length);
                // A path ends with its NUL (the struct is zeroed); an abstract name is exactly its bytes.
                int addrLen = 2 + path.length + (path[0] == 0 ? 0 : 1);
                MemorySegment buf = arena.allocateFrom(JAVA_BYTE, bytes);
                long sent = (long) SENDTO.invokeExact(errno, fd, buf, (long) bytes.length, MSG_NOSIGNAL, addr, addrLen);
                if (sent < 0) {
                    return failed("sendto", (int) ERRNO.get(errno, 0L));
                }
                return true;
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            if (t instanceof Error e && !(e instanceof LinkageError)) {
                throw e;
            }
            return failed(t.toString(), 0);
        }
    }

    private boolean failed(String call, int errno) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn("cannot notify systemd on {}: {} failed: {} (further failures not logged)", socket, call,
                    errno == 0 ? "" : strerror(errno));
        }
        return false;
    }

    /** CLOCK_MONOTONIC in microseconds, the clock systemd compares MONOTONIC_USEC with. */
    static long monotonicMicros() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8); // struct timespec { time_t tv_sec; long tv_nsec; }
            int rc = (int) CLOCK_GETTIME.invokeExact(CLOCK_MONOTONIC, ts);
            if (rc != 0) {
                return System.nanoTime() / 1000; // HotSpot's nanoTime reads the same clock on Linux
            }
            return ts.get(JAVA_LONG, 0) * 1_000_000L + ts.get(JAVA_LONG, 8) / 1000;
        } catch (Throwable t) {
            return System.nanoTime() / 1000;
        }
    }

    private static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    @Override
    public String toString() {
        return "sd_notify(" + socket + ")";
    }
}
