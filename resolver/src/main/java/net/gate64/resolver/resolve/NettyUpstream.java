package net.gate64.resolver.resolve;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.stats.Metrics;
import net.gate64.resolver.wire.AnswerOnly;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * Outgoing queries as Netty channels on the event loop that owns the client query: UDP with EDNS from a fresh
 * socket bound to a random source port (chosen with {@link SecureRandom}; the kernel's own randomised choice after 16
 * ports in use), connected to the server so the kernel drops datagrams from any other address or port, and a random
 * ID; TCP when the answer is truncated or larger than we advertised. An answer counts only if it comes from the
 * server's address and port, carries our ID, has QR set and repeats our question; anything else is counted and
 * ignored while we keep waiting (a spoofing attempt must not make us give up on the real answer).
 *
 * <p>One timer bounds each exchange: the network timeout or the client query's deadline ({@code max-total-msec}),
 * whichever comes first. It covers the TCP connection as a whole, not each read, so a server that drips its answer
 * a byte at a time cannot hold the query past it (issue 10 item 3). Nothing here blocks or parks a thread; the
 * answer is handled on the loop that sent the query.
 */
public final class NettyUpstream implements Upstream {
    private static final int MIN_PORT = 1024;
    private static final int BIND_ATTEMPTS = 16;
    private static final InetAddress ANY4 = any(new byte[4]);
    private static final InetAddress ANY6 = any(new byte[16]);
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);

    private final Duration timeout;
    private final int ednsBufsize;
    private final boolean epoll;
    private final InetAddress local4;
    private final InetAddress local6;
    private final LongAdder sent;
    private final LongAdder tcpSent;
    private final LongAdder timeouts;
    private final LongAdder mismatched;
    private volatile boolean dnssecOk;

    /**
     * @param localAddresses source addresses (the first of each family is used; wildcard when none)
     * @param epoll whether the loops are epoll loops (else NIO)
     */
    public NettyUpstream(Duration timeout, int ednsBufsize, List<InetSocketAddress> localAddresses, boolean epoll,
                         Metrics metrics) {
        InetAddress l4 = ANY4;
        InetAddress l6 = ANY6;
        for (InetSocketAddress a : localAddresses.reversed()) {
            if (a.getAddress() instanceof Inet6Address) {
                l6 = a.getAddress();
            } else {
                l4 = a.getAddress();
            }
        }
        this.local4 = l4;
        this.local6 = l6;
        this.timeout = timeout;
        this.ednsBufsize = ednsBufsize;
        this.epoll = epoll;
        String help = "Queries sent to other servers";
        this.sent = metrics.counter("gate64_outgoing_queries_total", help, "transport", "udp");
        this.tcpSent = metrics.counter("gate64_outgoing_queries_total", help, "transport", "tcp");
        this.timeouts = metrics.counter("gate64_outgoing_timeouts_total", "Outgoing queries that got no answer in time");
        this.mismatched = metrics.counter("gate64_outgoing_mismatched_answers_total",
                "Answers ignored because ID, source or question did not match (possible spoofing)");
    }

    /**
     * Sets DO on every outgoing query (dnssec modes other than off), so that authorities send RRSIGs and denial
     * proofs for the validator and for clients that ask for them.
     */
    public void requestDnssecRecords(boolean on) {
        this.dnssecOk = on;
    }

    @Override
    public CompletableFuture<Message> query(InetSocketAddress server, Question q, QueryBudget budget) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        EventLoop loop = budget.loop();
        long deadline = Math.min(System.nanoTime() + timeout.toNanos(), budget.deadlineNanos());
        Trace trace = budget.trace();
        // DO brings the proofs a wildcard answer needs, and a trace shows the whole response: both read it all
        boolean answerOnly = !(q.dnssecOk() || dnssecOk) && trace == null;
        Exchange x = new Exchange(server, q, loop, deadline, answerOnly, result);
        if (loop.inEventLoop()) {
            x.startUdp();
        } else {
            loop.execute(x::startUdp); // a validator stage that ran elsewhere: the loop still owns the exchange
        }
        if (trace != null) {
            traced(trace, server, q, result);
        }
        return result;
    }

    /** trace-regex: the question sent and what came back, with the time it took. */
    private static void traced(Trace trace, InetSocketAddress server, Question q, CompletableFuture<Message> result) {
        long sent = System.nanoTime();
        String to = server.getAddress().getHostAddress() + "#" + server.getPort();
        trace.note("-> " + to + " " + q.name() + " " + org.xbill.DNS.Type.string(q.type())
                + (q.recursionDesired() ? " RD" : "") + (q.edns() ? " EDNS" : ""));
        result.whenComplete((m, e) -> {
            String ms = String.format(java.util.Locale.ROOT, "%.1f ms", (System.nanoTime() - sent) / 1e6);
            if (e != null) {
                trace.note("<- " + to + " no answer after " + ms + ": " + Futures.cause(e));
            } else {
                trace.note("<- " + to + " " + org.xbill.DNS.Rcode.string(m.getRcode())
                        + (m.getHeader().getFlag(org.xbill.DNS.Flags.AA) ? " AA" : "")
                        + (m.getHeader().getFlag(org.xbill.DNS.Flags.TC) ? " TC" : "")
                        + " answer=" + m.getSection(org.xbill.DNS.Section.ANSWER).size()
                        + " authority=" + m.getSection(org.xbill.DNS.Section.AUTHORITY).size()
                        + " additional=" + m.getSection(org.xbill.DNS.Section.ADDITIONAL).size() + " in " + ms);
                for (org.xbill.DNS.Record r : m.getSection(org.xbill.DNS.Section.ANSWER)) {
                    trace.note("   " + r);
                }
                for (org.xbill.DNS.Record r : m.getSection(org.xbill.DNS.Section.AUTHORITY)) {
                    trace.note("   " + r + " (authority)");
                }
            }
        });
    }

    /**
     * The query in wire form, written directly (RFC 1035 §4.1; OPT per RFC 6891 §6.1.2): header, the question,
     * and an OPT record with our payload size and DO when asked. No message object is built for it.
     */
    byte[] build(Question q, int id) {
        byte[] name = q.name().toWire();
        boolean edns = q.edns();
        byte[] w = new byte[12 + name.length + 4 + (edns ? 11 : 0)];
        w[0] = (byte) (id >>> 8);
        w[1] = (byte) id;
        w[2] = (byte) (q.recursionDesired() ? 0x01 : 0x00); // QR=0, opcode QUERY, RD
        w[5] = 1; // QDCOUNT
        w[11] = (byte) (edns ? 1 : 0); // ARCOUNT
        System.arraycopy(name, 0, w, 12, name.length);
        int at = 12 + name.length;
        w[at] = (byte) (q.type() >>> 8);
        w[at + 1] = (byte) q.type();
        w[at + 3] = (byte) DClass.IN;
        if (edns) {
            at += 4; // root owner (0), TYPE OPT, CLASS = payload size, TTL = extended rcode, version, flags
            w[at + 2] = (byte) org.xbill.DNS.Type.OPT;
            w[at + 3] = (byte) (ednsBufsize >>> 8);
            w[at + 4] = (byte) ednsBufsize;
            w[at + 7] = (byte) (q.dnssecOk() || dnssecOk ? 0x80 : 0); // DO
        }
        return w;
    }

    /** One question to one server: UDP first, TCP when needed, one deadline for both. */
    private final class Exchange implements EpollUdpSocket.Receiver {
        final InetSocketAddress server;
        final Question q;
        final EventLoop loop;
        final long deadline;
        final boolean answerOnly;
        final CompletableFuture<Message> result;
        final int id = RANDOM.get().nextInt(0x10000);
        final byte[] wire;
        Channel channel;
        EpollUdpSocket udp;
        int udpBufferSize;
        ScheduledFuture<?> timer;

        Exchange(InetSocketAddress server, Question q, EventLoop loop, long deadline, boolean answerOnly,
                 CompletableFuture<Message> result) {
            this.server = server;
            this.q = q;
            this.loop = loop;
            this.deadline = deadline;
            this.answerOnly = answerOnly;
            this.result = result;
            this.wire = build(q, id);
        }

        boolean v6() {
            return server.getAddress() instanceof Inet6Address;
        }

        void startUdp() {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                timedOut();
                return;
            }
            // No answer may exceed the size we advertise (512 without EDNS, RFC 6891 §6.2.5): the buffer holds that
            // plus one byte, so a full buffer shows a server that ignored the limit, and we ask over TCP.
            int limit = q.edns() ? Math.min(Math.max(ednsBufsize, 512), 65535) : 512;
            if (epoll && EpollUdpSocket.supported(loop)) {
                startEpollUdp(left, limit + 1);
                return;
            }
            SocketProtocolFamily family = v6() ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
            Channel ch;
            try {
                ch = epoll ? new EpollDatagramChannel(family) : new NioDatagramChannel(SelectorProvider.provider(), family);
            } catch (RuntimeException e) {
                fail(new IOException("cannot open a UDP socket: " + e.getMessage(), e));
                return;
            }
            channel = ch;
            ch.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(limit + 1));
            ch.pipeline().addLast(new UdpHandler(limit + 1));
            timer = loop.schedule(this::timedOut, left, TimeUnit.NANOSECONDS);
            loop.register(ch).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(new IOException("cannot register a UDP socket", f.cause()));
                } else {
                    bind(ch, 0);
                }
            });
        }

        /** UDP on an epoll loop: a bare socket registered with the loop, no channel (see {@link EpollUdpSocket}). */
        void startEpollUdp(long left, int bufferSize) {
            EpollUdpSocket s;
            udpBufferSize = bufferSize;
            try {
                s = EpollUdpSocket.open((io.netty.channel.IoEventLoop) loop, v6() ? local6 : local4, server, bufferSize,
                        BIND_ATTEMPTS, attempt -> MIN_PORT + RANDOM.get().nextInt(65536 - MIN_PORT), this);
            } catch (IOException e) {
                fail(new IOException("cannot open a UDP socket to " + server + ": " + e.getMessage(), e));
                return;
            }
            udp = s;
            timer = loop.schedule(this::timedOut, left, TimeUnit.NANOSECONDS);
            try {
                s.send(wire);
            } catch (IOException e) {
                fail(new IOException("cannot send to " + server + ": " + e.getMessage(), e));
                return;
            }
            sent.increment();
        }

        @Override
        public void datagram(EpollUdpSocket from, java.nio.ByteBuffer d) {
            if (!result.isDone() && from == udp) {
                answered(d, udpBufferSize);
            }
        }

        @Override
        public void failed(EpollUdpSocket from, IOException e) {
            if (from == udp) {
                fail(e); // e.g. ICMP port unreachable
            }
        }

        /** A datagram from the server over UDP: ours, too large (TCP), truncated (TCP), or someone else's (ignored). */
        void answered(java.nio.ByteBuffer d, int bufferSize) {
            if (d.remaining() >= bufferSize) {
                startTcp(); // larger than we allow: only TCP can carry it
                return;
            }
            Message m = accept(d);
            if (m == null) {
                return; // keep waiting for the real one
            }
            if (m.getHeader().getFlag(Flags.TC)) {
                startTcp();
            } else {
                succeed(m);
            }
        }

        void bind(Channel ch, int attempt) {
            int port = attempt < BIND_ATTEMPTS ? MIN_PORT + RANDOM.get().nextInt(65536 - MIN_PORT) : 0;
            ch.bind(new InetSocketAddress(v6() ? local6 : local4, port)).addListener((ChannelFuture f) -> {
                if (result.isDone()) {
                    return;
                }
                if (!f.isSuccess()) {
                    if (attempt < BIND_ATTEMPTS && ch.isOpen()) {
                        bind(ch, attempt + 1); // in use: another random port
                    } else {
                        fail(new IOException("cannot bind a UDP socket", f.cause()));
                    }
                    return;
                }
                ch.connect(server).addListener((ChannelFuture c) -> {
                    if (result.isDone()) {
                        return;
                    }
                    if (!c.isSuccess()) {
                        fail(new IOException("cannot reach " + server, c.cause()));
                        return;
                    }
                    ch.writeAndFlush(ch.alloc().buffer(wire.length).writeBytes(wire), ch.voidPromise());
                    sent.increment();
                });
            });
        }

        void startTcp() {
            close();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                timedOut();
                return;
            }
            SocketProtocolFamily family = v6() ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
            Channel ch;
            try {
                ch = epoll ? new EpollSocketChannel(family) : new NioSocketChannel(SelectorProvider.provider(), family);
            } catch (RuntimeException e) {
                fail(new IOException("cannot open a TCP socket: " + e.getMessage(), e));
                return;
            }
            channel = ch;
            ch.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2), new TcpHandler());
            timer = loop.schedule(this::timedOut, left, TimeUnit.NANOSECONDS); // the whole exchange, not each read
            loop.register(ch).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(new IOException("cannot register a TCP socket", f.cause()));
                    return;
                }
                InetAddress local = v6() ? local6 : local4;
                ChannelFuture bound = local.isAnyLocalAddress() ? ch.newSucceededFuture() : ch.bind(new InetSocketAddress(local, 0));
                bound.addListener((ChannelFuture b) -> {
                    if (result.isDone()) {
                        return;
                    }
                    if (!b.isSuccess()) {
                        fail(new IOException("cannot bind a TCP socket", b.cause()));
                        return;
                    }
                    ch.connect(server).addListener((ChannelFuture c) -> {
                        if (result.isDone()) {
                            return;
                        }
                        if (!c.isSuccess()) {
                            fail(new IOException("cannot connect to " + server, c.cause()));
                            return;
                        }
                        ByteBuf framed = ch.alloc().buffer(wire.length + 2).writeShort(wire.length).writeBytes(wire);
                        ch.writeAndFlush(framed, ch.voidPromise());
                        tcpSent.increment();
                    });
                });
            });
        }

        /**
         * Our answer, or null when it is not (wrong ID, no QR, another question) or does not parse. A positive answer
         * to the question is parsed without its authority and additional sections unless DO or a trace needs them
         * ({@link AnswerOnly}): their NS set and glue are not used for an answer.
         */
        Message accept(java.nio.ByteBuffer in) {
            if (answerOnly) {
                AnswerOnly.trim(in, q.type());
            }
            Message m;
            try {
                m = new Message(in); // read in place, no copy to the heap first
            } catch (IOException e) {
                mismatched.increment();
                return null;
            }
            Record question = m.getQuestion();
            if (m.getHeader().getID() != id || !m.getHeader().getFlag(Flags.QR) || question == null
                    || m.getHeader().getOpcode() != org.xbill.DNS.Opcode.QUERY // an UPDATE parse yields data-less records
                    || !question.getName().equals(q.name()) || question.getType() != q.type()
                    || question.getDClass() != DClass.IN) {
                mismatched.increment();
                return null;
            }
            return m;
        }

        void timedOut() {
            if (result.isDone()) {
                return;
            }
            timeouts.increment();
            close();
            result.completeExceptionally(new Timeout("no answer from " + server + " for " + q.name() + "/" + q.type()));
        }

        void fail(Throwable t) {
            if (result.isDone()) {
                return;
            }
            close();
            result.completeExceptionally(t);
        }

        void succeed(Message m) {
            if (result.isDone()) {
                return;
            }
            close();
            result.complete(m);
        }

        /** Stops the timer and closes the socket; the handlers ignore whatever the closing channel still reports. */
        void close() {
            ScheduledFuture<?> t = timer;
            Channel c = channel;
            EpollUdpSocket u = udp;
            timer = null;
            channel = null;
            udp = null;
            if (t != null) {
                t.cancel(false);
            }
            if (c != null) {
                c.close();
            }
            if (u != null) {
                u.close();
            }
        }

        private final class UdpHandler extends ChannelInboundHandlerAdapter {
            private final int bufferSize;

            UdpHandler(int bufferSize) {
                this.bufferSize = bufferSize;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (result.isDone() || ctx.channel() != channel || !(msg instanceof DatagramPacket p)) {
                        return;
                    }
                    if (!server.equals(p.sender())) {
                        mismatched.increment(); // the connected socket filters this already; belt and braces
                        return;
                    }
                    answered(p.content().nioBuffer(), bufferSize);
                } finally {
                    io.netty.util.ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (ctx.channel() == channel) {
                    fail(cause instanceof IOException io ? io : new IOException(cause)); // e.g. ICMP port unreachable
                }
            }
        }

        private final class TcpHandler extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (result.isDone() || ctx.channel() != channel || !(msg instanceof ByteBuf frame)) {
                        return;
                    }
                    Message m = accept(frame.nioBuffer());
                    if (m == null) {
                        fail(new IOException("mismatched TCP answer from " + server));
                    } else {
                        succeed(m);
                    }
                } finally {
                    io.netty.util.ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (ctx.channel() == channel) {
                    fail(new IOException("connection to " + server + " closed before the answer"));
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (ctx.channel() == channel) {
                    fail(cause instanceof IOException io ? io : new IOException(cause));
                }
            }
        }
    }

    private static InetAddress any(byte[] zeros) {
        try {
            return InetAddress.getByAddress(zeros);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
