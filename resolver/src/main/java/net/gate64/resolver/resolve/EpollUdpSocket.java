package net.gate64.resolver.resolve;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.IntUnaryOperator;

/**
 * One outgoing UDP socket registered straight with an epoll event loop: a socket, bound to a random port and
 * connected to the server, whose readiness the loop reports to {@link Receiver}. No channel, pipeline, promise or
 * per-datagram object is made for it, and it costs the system calls the exchange needs and no more: socket, bind,
 * connect, one epoll_ctl, send, recv, close (a channel added getsockname, getpeername and epoll_ctl calls, measured
 * in docs/benchmarks.md). The file descriptor is closed before the registration is cancelled, which lets the kernel
 * drop it from the epoll set without another epoll_ctl.
 *
 * <p>Only for the event loop that registered it: every method runs there. Datagrams are read into one direct buffer
 * per loop thread and handed over as a view of it, valid until the receiver returns.
 */
final class EpollUdpSocket implements EpollIoHandle {
    /** What the socket reports, on its event loop. */
    interface Receiver {
        /** One datagram from the connected server, readable in {@code datagram} until this returns. */
        void datagram(EpollUdpSocket from, ByteBuffer datagram);

        /** The socket failed (an ICMP port unreachable, say). */
        void failed(EpollUdpSocket from, IOException e);
    }

    /** Large enough for any datagram (64 KiB) plus the byte that shows one was larger than allowed. */
    private static final int SCRATCH = 65536 + 1;
    private static final FastThreadLocal<ByteBuffer> BUFFERS = new FastThreadLocal<>() {
        @Override
        protected ByteBuffer initialValue() {
            return ByteBuffer.allocateDirect(SCRATCH);
        }
    };

    private final LinuxSocket socket;
    private final Receiver receiver;
    private final int maxDatagram;
    private IoRegistration registration;
    private boolean closed;

    private EpollUdpSocket(LinuxSocket socket, Receiver receiver, int maxDatagram) {
        this.socket = socket;
        this.receiver = receiver;
        this.maxDatagram = maxDatagram;
    }

    /** Whether {@code loop} can carry these sockets (an epoll loop of Netty's native transport). */
    static boolean supported(io.netty.channel.EventLoop loop) {
        return loop instanceof IoEventLoop io && io.isCompatible(EpollUdpSocket.class);
    }

    /**
     * Opens a socket of the server's family, binds it to {@code local} and a port from {@code ports} (given the
     * attempt number; 0 asks the kernel), connects it to {@code server} and registers it for reading on {@code loop},
     * which must be the calling thread's.
     *
     * @param maxDatagram the largest datagram read whole; a longer one arrives cut to {@code maxDatagram} bytes
     * @param bindAttempts random ports tried before the kernel chooses (a port in use is tried again)
     */
    static EpollUdpSocket open(IoEventLoop loop, InetAddress local, InetSocketAddress server, int maxDatagram,
                               int bindAttempts, IntUnaryOperator ports, Receiver receiver) throws IOException {
        boolean v6 = server.getAddress() instanceof java.net.Inet6Address;
        LinuxSocket s = LinuxSocket.newSocketDgram(v6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
        EpollUdpSocket u = new EpollUdpSocket(s, receiver, Math.min(maxDatagram, SCRATCH));
        try {
            for (int attempt = 0; ; attempt++) {
                int port = attempt < bindAttempts ? ports.applyAsInt(attempt) : 0;
                try {
                    s.bind(new InetSocketAddress(local, port));
                    break;
                } catch (IOException e) {
                    if (port == 0) {
                        throw e;
                    } // in use: another random port
                }
            }
            s.connect(server);
            Future<IoRegistration> f = loop.register(u);
            if (!f.isSuccess()) {
                throw new IOException("cannot register a UDP socket", f.cause());
            }
            u.registration = f.getNow();
            u.registration.submit(EpollIoOps.EPOLLIN);
            return u;
        } catch (IOException | RuntimeException e) {
            u.close();
            throw e;
        }
    }

    /** Sends one datagram (the whole of {@code wire}). */
    void send(byte[] wire) throws IOException {
        ByteBuffer b = BUFFERS.get();
        b.clear();
        b.put(wire);
        int n = socket.send(b, 0, wire.length);
        if (n != wire.length) {
            throw new IOException("the UDP socket took " + n + " of " + wire.length + " bytes");
        }
    }

    @Override
    public FileDescriptor fd() {
        return socket;
    }

    @Override
    public void handle(IoRegistration r, IoEvent event) {
        if (closed) {
            return;
        }
        // EPOLLIN or EPOLLERR: either way recv says what happened (a datagram, nothing yet, or the pending error)
        ByteBuffer b = BUFFERS.get();
        int n;
        try {
            n = socket.recv(b, 0, maxDatagram);
        } catch (IOException e) {
            receiver.failed(this, e);
            return;
        }
        if (n == 0) {
            return; // EAGAIN: spurious wake-up
        }
        b.clear();
        b.limit(Math.max(n, 0)); // -1: an empty datagram
        receiver.datagram(this, b);
    }

    /** Closes the socket and leaves the loop; safe to call more than once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            socket.close(); // first: a closed descriptor leaves the epoll set by itself, no epoll_ctl needed
        } catch (IOException ignored) {
            // nothing left to do with it
        }
        if (registration != null) {
            registration.cancel();
        }
    }
}
