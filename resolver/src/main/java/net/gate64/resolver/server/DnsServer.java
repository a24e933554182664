package net.gate64.resolver.server;

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
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.config.HostPort;
import net.gate64.resolver.pipeline.Transport;
import net.gate64.resolver.stats.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP and TCP listeners on every {@code local-address}. They know sockets and framing only; each query goes to
 * the {@link Frontend}. TCP carries several queries per connection (answers may leave out of order, RFC 7766 §7),
 * closes idle connections and caps how many are open.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);

    /** Largest UDP query read whole (EDNS queries are small; a longer one arrives cut and is answered FORMERR). */
    private static final int MAX_QUERY = 4096;

    private final Frontend frontend;
    private final NettyTransport transport = NettyTransport.best();
    private final EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();
    private final AtomicInteger tcpClients = new AtomicInteger();
    private final LongAdder tcpRefused;

    public DnsServer(Frontend frontend, int threads, Metrics metrics) {
        this.frontend = frontend;
        this.group = transport.group(threads, "gate64-loop");
        this.tcpRefused = metrics.counter("gate64_drops_total", "Queries dropped or refused, by reason", "reason", "tcp-limit");
        metrics.gauge("gate64_tcp_clients", "Open client TCP connections", tcpClients::get);
    }

    /** Binds UDP and TCP on each address; a port of 0 picks a free one (see {@link #boundAddresses()}). */
    public void start(List<InetSocketAddress> addresses, int threads, long tcpIdleSeconds, int maxTcpClients)
            throws InterruptedException {
        for (InetSocketAddress address : addresses) {
            ServerBootstrap tcpBootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(transport.server())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(
                                    new IdleStateHandler(0, 0, tcpIdleSeconds, TimeUnit.SECONDS),
                                    new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2),
                                    new LengthFieldPrepender(2),
                                    new TcpHandler(maxTcpClients));
                        }
                    });
            Channel tcp = bind(address, () -> tcpBootstrap.bind(address));
            channels.add(tcp);
            // TCP first so that port 0 resolves to one port shared by both transports.
            InetSocketAddress bound = (InetSocketAddress) tcp.localAddress();
            int udpSockets = transport.epoll() ? threads : 1;
            for (int i = 0; i < udpSockets; i++) {
                Bootstrap b = new Bootstrap().group(group).channel(transport.datagram()).handler(new UdpHandler());
                if (transport.epoll()) {
                    // Several sockets share the port (one per loop thread); recvmmsg reads a batch of queries per
                    // system call into one buffer, and answers written during a read batch leave in one sendmmsg.
                    b.option(EpollChannelOption.SO_REUSEPORT, true)
                            .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY)
                            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY * 16));
                } else {
                    b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65535));
                }
                b.option(ChannelOption.SO_RCVBUF, 4 << 20).option(ChannelOption.SO_SNDBUF, 4 << 20);
                channels.add(bind(bound, () -> b.bind(bound)));
            }
            LOG.info("listening on {} (udp x{}, tcp, {})", HostPort.format(bound), udpSockets, transport.name());
        }
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
        private final Queue<DatagramPacket> resolved = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean drainScheduled = new AtomicBoolean();
        private boolean reading; // inside channelRead0: answers written now leave with the read batch's flush

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress sender = packet.sender();
            reading = true;
            try {
                frontend.onQuery(packet.content(), sender, packet.recipient(), Transport.UDP, ctx.alloc(),
                        ctx.channel().eventLoop(), reply -> {
                            if (reading && ctx.executor().inEventLoop()) {
                                ctx.write(new DatagramPacket(reply, sender), ctx.voidPromise()); // flushed per batch
                            } else {
                                resolved.add(new DatagramPacket(reply, sender));
                                if (drainScheduled.compareAndSet(false, true)) {
                                    ctx.executor().execute(() -> drain(ctx));
                                }
                            }
                        });
            } finally {
                reading = false;
            }
        }

        private void drain(ChannelHandlerContext ctx) {
            drainScheduled.set(false); // before polling: an answer queued from now on schedules the next drain
            for (DatagramPacket p; (p = resolved.poll()) != null; ) {
                ctx.write(p, ctx.voidPromise());
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

    private final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final int max;
        private boolean reading;

        TcpHandler(int max) {
            this.max = max;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (tcpClients.incrementAndGet() > max) {
                tcpRefused.increment();
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            tcpClients.decrementAndGet();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
            reading = true;
            try {
                frontend.onQuery(frame, remote, local, Transport.TCP, ctx.alloc(), ctx.channel().eventLoop(), reply -> {
                    if (reading && ctx.executor().inEventLoop()) {
                        ctx.write(reply, ctx.voidPromise()); // flushed once per read batch
                    } else {
                        ctx.writeAndFlush(reply, ctx.voidPromise());
                    }
                });
            } finally {
                reading = false;
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("tcp error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close(); // e.g. a frame larger than 65535: the stream cannot be resynchronised
        }
    }
}
