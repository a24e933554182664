package net.gate64.resolver.server;

import net.gate64.resolver.config.ClientLimits;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.gate64.common.HostPort;
import net.gate64.resolver.pipeline.DropReason;
import net.gate64.resolver.query.Transport;
import net.gate64.resolver.stats.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP and TCP listeners on every {@code local-address}. They know sockets and framing only; each query goes to
 * the {@link Frontend}, and its answer (or drop) comes back through a {@link Responder} that counts it. TCP carries
 * several queries per connection (answers may leave out of order, RFC 7766 §7) under the bounds of
 * {@link ClientLimits}, enforced by {@link TcpConnection}. A UDP answer is dropped (and counted) rather than queued
 * when the socket's send queue is full.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);

    /** Largest UDP query read whole (EDNS queries are small; a longer one arrives cut and is answered FORMERR). */
    private static final int MAX_QUERY = 4096;
    /** UDP answers Netty may hold when the kernel's send buffer is full; past it answers are dropped, not queued. */
    private static final WriteBufferWaterMark UDP_QUEUE = new WriteBufferWaterMark(1 << 20, 2 << 20);

    private final QueryHandler frontend;
    private final NettyTransport transport = NettyTransport.best();
    private final EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();
    private final QueryCounters counters;
    private final MemoryBudget memory;
    private final ClientLimits limits;
    private final TcpClients tcpClients;

    public DnsServer(QueryHandler frontend, int threads, Metrics metrics, QueryCounters counters, MemoryBudget memory,
                     ClientLimits limits) {
        this.frontend = frontend;
        this.group = transport.group(threads, "gate64-loop");
        this.counters = counters;
        this.memory = memory;
        this.limits = limits;
        this.tcpClients = new TcpClients(limits.maxTcpClients(), limits.maxTcpPerClient(), metrics);
    }

    /**
     * How many ports a local-address with port 0 tries: the OS picks a free TCP port, and the UDP sockets must get
     * the same number, which another program (any UDP client's ephemeral port) may hold.
     */
    static final int PORT_ZERO_ATTEMPTS = 64;

    /** Binds UDP and TCP on each address; a port of 0 picks a free one (see {@link #boundAddresses()}). */
    public void start(List<InetSocketAddress> addresses, int threads) throws InterruptedException {
        for (InetSocketAddress address : addresses) {
            ServerBootstrap tcpBootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(transport.server())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new TcpConnection(frontend, tcpClients, counters, memory, limits).handlers());
                        }
                    });
            int udpSockets = transport.epoll() ? threads : 1;
            // TCP first so that port 0 resolves to one port shared by both transports. When the UDP port is taken,
            // the TCP socket stays open until a pair is found, so that the OS offers another port, not the same one.
            List<Channel> refused = new ArrayList<>();
            try {
                for (int attempt = 1; ; attempt++) {
                    Channel tcp = bind(address, () -> tcpBootstrap.bind(address));
                    InetSocketAddress bound = (InetSocketAddress) tcp.localAddress();
                    List<Channel> udp = new ArrayList<>();
                    try {
                        for (int i = 0; i < udpSockets; i++) {
                            Bootstrap b = udpBootstrap(bound);
                            udp.add(bind(bound, () -> b.bind(bound)));
                        }
                    } catch (net.gate64.common.ListenError e) {
                        udp.forEach(c -> c.close().syncUninterruptibly());
                        if (address.getPort() != 0 || !e.addressInUse() || attempt == PORT_ZERO_ATTEMPTS) {
                            tcp.close().syncUninterruptibly();
                            throw e;
                        }
                        LOG.debug("{}: UDP port {} is taken, trying another port for both transports", address,
                                bound.getPort());
                        refused.add(tcp);
                        continue;
                    }
                    channels.add(tcp);
                    channels.addAll(udp);
                    LOG.info("listening on {} (udp x{}, tcp, {})", HostPort.format(bound), udpSockets, transport.name());
                    break;
                }
            } finally {
                refused.forEach(c -> c.close().syncUninterruptibly());
            }
        }
    }

    private Bootstrap udpBootstrap(InetSocketAddress bound) {
        Bootstrap b = new Bootstrap().group(group).handler(new UdpHandler());
        if (transport.epoll() && bound.getAddress() instanceof java.net.Inet4Address) {
            // An AF_INET socket for an IPv4 address: the kernel's send and receive paths skip the IPv6
            // socket layer that a dual-stack socket goes through for every IPv4 datagram.
            b.channelFactory(() -> new io.netty.channel.epoll.EpollDatagramChannel(
                    io.netty.channel.socket.SocketProtocolFamily.INET));
        } else {
            b.channel(transport.datagram());
        }
        if (transport.epoll()) {
            // Several sockets share the port (one per loop thread); recvmmsg reads a batch of queries per
            // system call into one buffer, and answers written during a read batch leave in one sendmmsg.
            b.option(EpollChannelOption.SO_REUSEPORT, true)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY * 16));
        } else {
            b.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65535));
        }
        b.option(ChannelOption.SO_RCVBUF, 4 << 20).option(ChannelOption.SO_SNDBUF, 4 << 20)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, UDP_QUEUE);
        return b;
    }

    /** Binds, turning Netty's "bind(..) failed with error(-13)" into an error naming the address and local-address. */
    private static Channel bind(InetSocketAddress address, java.util.function.Supplier<io.netty.channel.ChannelFuture> bind)
            throws InterruptedException {
        try {
            return bind.get().sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw net.gate64.common.ListenError.of("local-address", address, e);
        }
    }

    /** The event loops, for work that must run on one (priming) and for the watchdog that checks they still run. */
    public List<io.netty.channel.EventLoop> loops() {
        List<io.netty.channel.EventLoop> out = new ArrayList<>();
        for (io.netty.util.concurrent.EventExecutor e : group) {
            out.add((io.netty.channel.EventLoop) e);
        }
        return out;
    }

    /** The TCP addresses actually bound, in the order given to {@link #start}. */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel c : channels) {
            if (c instanceof io.netty.channel.ServerChannel) {
                out.add((InetSocketAddress) c.localAddress());
            }
        }
        return out;
    }

    @Override
    public void close() {
        for (Channel c : channels) {
            c.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        /**
         * Answers to cache misses, resolved on this loop after the read that brought their query. Written as they
         * come, they are flushed by one task per burst, so answers ready in the same loop turn leave with one
         * flush (sendmmsg) instead of a sendmsg each.
         */
        private final Queue<Answer> resolved = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean drainScheduled = new AtomicBoolean();
        private boolean reading; // inside channelRead0: answers written now leave with the read batch's flush

        private record Answer(DatagramPacket packet, int rcode) {}

        private ChannelHandlerContext ctx;
        /** Answers the query being read now; reused for every query, so that a packet-cache hit allocates no responder. */
        private final Current current = new Current();

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            current.sender = packet.sender();
            reading = true;
            try {
                frontend.onQuery(packet.content(), current.sender, packet.recipient(), Transport.UDP, ctx.alloc(),
                        ctx.channel().eventLoop(), current);
            } finally {
                reading = false;
                current.sender = null;
            }
        }

        /** An answer to {@code sender}, now or from any thread later. */
        private void send(InetSocketAddress sender, ByteBuf reply, int rcode) {
            if (reading && ctx.executor().inEventLoop()) {
                write(ctx, new DatagramPacket(reply, sender), rcode); // flushed once per read batch
            } else {
                resolved.add(new Answer(new DatagramPacket(reply, sender), rcode));
                if (drainScheduled.compareAndSet(false, true)) {
                    ctx.executor().execute(() -> drain(ctx));
                }
            }
        }

        /** The responder of the query in {@code channelRead0}; {@link #keep} pins its sender for a later answer. */
        private final class Current implements Responder {
            InetSocketAddress sender;

            @Override
            public void send(ByteBuf reply, int rcode) {
                UdpHandler.this.send(sender, reply, rcode);
            }

            @Override
            public void drop(DropReason why) {
                counters.dropped(why);
            }

            @Override
            public Responder keep() {
                InetSocketAddress to = sender;
                return new Responder() {
                    @Override
                    public void send(ByteBuf reply, int rcode) {
                        UdpHandler.this.send(to, reply, rcode);
                    }

                    @Override
                    public void drop(DropReason why) {
                        counters.dropped(why);
                    }
                };
            }
        }

        private void write(ChannelHandlerContext ctx, DatagramPacket p, int rcode) {
            if (ctx.channel().isWritable()) {
                counters.answered(rcode);
                ctx.write(p, ctx.voidPromise());
            } else {
                p.release();
                counters.dropped(DropReason.SEND_QUEUE);
            }
        }

        private void drain(ChannelHandlerContext ctx) {
            drainScheduled.set(false); // before polling: an answer queued from now on schedules the next drain
            for (Answer a; (a = resolved.poll()) != null; ) {
                write(ctx, a.packet(), a.rcode());
            }
            ctx.flush();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("udp error: {}", cause.toString());
        }
    }
}
