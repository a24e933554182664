package net.gate64.nat64.ra;

import static java.lang.foreign.ValueLayout.ADDRESS;
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
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * A raw ICMPv6 socket bound to one interface, through FFM (Java has no raw sockets): sends Router Advertisements
 * to all-nodes (ff02::1) with hop limit 255 (RFC 4861 §6.1.2: hosts drop any other) from the interface's
 * link-local address, and receives the Router Solicitations sent to all-routers (ff02::2), which it joins; an
 * ICMPv6 filter lets nothing else through. Non-blocking; {@link #awaitReadable} waits on several at once.
 */
final class Icmp6Socket implements AutoCloseable {
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPPROTO_ICMPV6 = 58;
    private static final int SOL_SOCKET = 1;
    private static final int SO_BINDTODEVICE = 25;
    private static final int IPV6_UNICAST_HOPS = 16;
    private static final int IPV6_MULTICAST_IF = 17;
    private static final int IPV6_MULTICAST_HOPS = 18;
    private static final int IPV6_MULTICAST_LOOP = 19;
    private static final int IPV6_ADD_MEMBERSHIP = 20;
    private static final int ICMP6_FILTER = 1;
    static final int ROUTER_SOLICITATION = 133;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final short POLLIN = 1;
    private static final byte[] ALL_NODES = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final byte[] ALL_ROUTERS = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final MethodHandle SOCKET = downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle SETSOCKOPT = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle BIND = downcall("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle SENDTO = downcall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle RECV = downcall("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle IF_NAMETOINDEX = downcall("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS), ERRNO_OPTION);
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle STRERROR = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    static final MemoryLayout POLLFD = MemoryLayout.structLayout(JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents"));

    private final String name;
    private final int ifindex;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = arena.allocate(CAPTURE);
    private final MemorySegment destination = arena.allocate(28);
    private final MemorySegment buffer = arena.allocate(1500);
    private byte[] source;

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name)), fd, options);
    }

    private Icmp6Socket(String name, int ifindex, int fd) {
        this.name = name;
        this.ifindex = ifindex;
        this.fd = fd;
        // struct sockaddr_in6: family and scope id in host order, port and flow info 0, the address in network order
        destination.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
        MemorySegment.copy(ALL_NODES, 0, destination, ValueLayout.JAVA_BYTE, 8, 16);
        destination.set(ValueLayout.JAVA_INT, 24, ifindex);
    }

    /** Opens the socket on interface {@code name}; fails when the interface does not exist or we lack CAP_NET_RAW. */
    static Icmp6Socket open(String name) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(CAPTURE);
            MemorySegment cname = a.allocateFrom(name);
            int index = (int) IF_NAMETOINDEX.invokeExact(err, cname);
            if (index == 0) {
                throw new IOException("no interface " + name + ": " + strerror((int) ERRNO.get(err, 0L)));
            }
            int fd = (int) SOCKET.invokeExact(err, AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
            if (fd < 0) {
                throw new IOException("raw ICMPv6 socket: " + strerror((int) ERRNO.get(err, 0L))
                        + " (needs root or CAP_NET_RAW)");
            }
            Icmp6Socket s = new Icmp6Socket(name, index, fd);
            try {
                byte[] n = name.getBytes(StandardCharsets.US_ASCII);
                MemorySegment dev = a.allocate(n.length + 1);
                MemorySegment.copy(n, 0, dev, ValueLayout.JAVA_BYTE, 0, n.length);
                s.option(SOL_SOCKET, SO_BINDTODEVICE, dev, "SO_BINDTODEVICE");
                s.option(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, a.allocateFrom(ValueLayout.JAVA_INT, 255), "IPV6_MULTICAST_HOPS");
                s.option(IPPROTO_IPV6, IPV6_UNICAST_HOPS, a.allocateFrom(ValueLayout.JAVA_INT, 255), "IPV6_UNICAST_HOPS");
                s.option(IPPROTO_IPV6, IPV6_MULTICAST_IF, a.allocateFrom(ValueLayout.JAVA_INT, index), "IPV6_MULTICAST_IF");
                s.option(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, a.allocateFrom(ValueLayout.JAVA_INT, 0), "IPV6_MULTICAST_LOOP");
                MemorySegment mreq = a.allocate(20);
                MemorySegment.copy(ALL_ROUTERS, 0, mreq, ValueLayout.JAVA_BYTE, 0, 16);
                mreq.set(ValueLayout.JAVA_INT, 16, index);
                s.option(IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, mreq, "IPV6_ADD_MEMBERSHIP ff02::2");
                // struct icmp6_filter: a set bit blocks that type; block all but Router Solicitation.
                MemorySegment filter = a.allocate(32);
                for (int i = 0; i < 8; i++) {
                    filter.set(ValueLayout.JAVA_INT, i * 4L, -1);
                }
                int word = ROUTER_SOLICITATION >>> 5;
                filter.set(ValueLayout.JAVA_INT, word * 4L, ~(1 << (ROUTER_SOLICITATION & 31)));
                s.option(IPPROTO_ICMPV6, ICMP6_FILTER, filter, "ICMP6_FILTER");
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            return s;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private void option(int level, int opt, MemorySegment value, String what) throws IOException {
        try {
            int r = (int) SETSOCKOPT.invokeExact(errno, fd, level, opt, value, (int) value.byteSize());
            if (r < 0) {
                throw new IOException(what + " on " + name + ": " + strerror((int) ERRNO.get(errno, 0L)));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    String name() {
        return name;
    }

    int ifindex() {
        return ifindex;
    }

    /**
     * The link-local address the advertisements leave from (RFC 4861 §6.1.2: hosts discard others), once the
     * interface has one that passed duplicate address detection; null before. The socket is bound to it the first
     * time, so the kernel never picks a global address instead.
     */
    byte[] source() throws IOException {
        if (source != null) {
            return source;
        }
        byte[] ll = linkLocal(Files.readAllLines(Path.of("/proc/self/net/if_inet6")), name);
        if (ll == null) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(28);
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
            MemorySegment.copy(ll, 0, sa, ValueLayout.JAVA_BYTE, 8, 16);
            sa.set(ValueLayout.JAVA_INT, 24, ifindex);
            int r = (int) BIND.invokeExact(errno, fd, sa, 28);
            if (r < 0) {
                throw new IOException("bind to the link-local address of " + name + ": "
                        + strerror((int) ERRNO.get(errno, 0L)));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        source = ll;
        return ll;
    }

    /**
     * From /proc/net/if_inet6 lines ({@code address ifindex prefixlen scope flags name}, hex): the first link-scope
     * (0x20) address of {@code iface} that is neither tentative (0x40), optimistic (0x04) nor failed DAD (0x08).
     */
    static byte[] linkLocal(List<String> ifInet6, String iface) {
        for (String line : ifInet6) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || !f[5].equals(iface) || Integer.parseInt(f[3], 16) != 0x20
                    || (Integer.parseInt(f[4], 16) & (0x40 | 0x08 | 0x04)) != 0 || f[0].length() != 32) {
                continue;
            }
            return HexFormat.of().parseHex(f[0]);
        }
        return null;
    }

    /** Sends one message to ff02::1 on the interface (from {@link #source()}, which must be known). */
    void sendAllNodes(byte[] message) throws IOException {
        MemorySegment.copy(message, 0, buffer, ValueLayout.JAVA_BYTE, 0, message.length);
        try {
            long n = (long) SENDTO.invokeExact(errno, fd, buffer, (long) message.length, 0, destination, 28);
            if (n != message.length) {
                throw new IOException("send on " + name + ": " + strerror((int) ERRNO.get(errno, 0L)));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Drains what was received; returns how many Router Solicitations (type 133, code 0) were among it. */
    int drainSolicitations() throws IOException {
        int found = 0;
        while (true) {
            long n;
            try {
                n = (long) RECV.invokeExact(errno, fd, buffer, buffer.byteSize(), 0);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (n < 0) {
                int e = (int) ERRNO.get(errno, 0L);
                if (e == EAGAIN || e == EINTR) {
                    return found;
                }
                throw new IOException("receive on " + name + ": " + strerror(e));
            }
            // RFC 4861 §6.1.1: at least 8 bytes, code 0 (the kernel has checked the ICMPv6 checksum).
            if (n >= 8 && (buffer.get(ValueLayout.JAVA_BYTE, 0) & 0xff) == ROUTER_SOLICITATION
                    && buffer.get(ValueLayout.JAVA_BYTE, 1) == 0) {
                found++;
            }
        }
    }

    /** Waits up to {@code millis} until one of {@code sockets} has something to read; which ones, by index. */
    static boolean[] awaitReadable(Icmp6Socket[] sockets, int millis) {
        boolean[] ready = new boolean[sockets.length];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(POLLFD, sockets.length);
            for (int i = 0; i < sockets.length; i++) {
                fds.set(ValueLayout.JAVA_INT, i * 8L, sockets[i].fd);
                fds.set(ValueLayout.JAVA_SHORT, i * 8L + 4, POLLIN);
            }
            MemorySegment err = a.allocate(CAPTURE);
            int r = (int) POLL.invokeExact(err, fds, (long) sockets.length, millis);
            for (int i = 0; r > 0 && i < sockets.length; i++) {
                ready[i] = fds.get(ValueLayout.JAVA_SHORT, i * 8L + 6) != 0;
            }
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        return ready;
    }

    private static String strerror(int e) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(e)).reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + e;
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        arena.close();
    }
}
