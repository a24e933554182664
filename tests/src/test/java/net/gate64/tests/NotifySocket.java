package net.gate64.tests;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Unix datagram socket that receives sd_notify messages as systemd's /run/systemd/notify does (Netty's epoll
 * EpollDomainDatagramChannel: independent of the FFM sender under test). Pass {@link #path} as NOTIFY_SOCKET.
 */
public final class NotifySocket implements AutoCloseable {
    public final Path path;
    private final EventLoopGroup group;
    private final Channel channel;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    /** Why there can be none here (no epoll transport), or null. */
    public static String unavailable() {
        return Epoll.isAvailable() ? null : "Netty's epoll transport is unavailable here: " + Epoll.unavailabilityCause();
    }

    public NotifySocket(Path path) throws InterruptedException {
        this.path = path;
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket d) {
                        received.add(d.content().toString(StandardCharsets.UTF_8));
                    }
                }).bind(new DomainSocketAddress(path.toString())).sync().channel();
    }

    /**
     * The next message. The deadline is a safety net only (a JVM start under load can take a while); it ends early
     * when {@code sender} (may be null) exits, with the sender's {@code log} in the failure (pass the process
     * after stopping it too: a missing STOPPING=1 then fails at its exit, not after the whole deadline).
     */
    public String next(Process sender, Path log) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String m = received.poll(200, TimeUnit.MILLISECONDS);
            if (m != null) {
                return m;
            }
            if (sender != null && !sender.isAlive()) {
                // a message sent just before the exit is in the socket's buffer: the loop reads it within moments
                m = received.poll(2, TimeUnit.SECONDS);
                if (m != null) {
                    return m;
                }
                break;
            }
        }
        throw new AssertionError("no notification on " + path + "; output:\n"
                + (log != null && Files.exists(log) ? Files.readString(log) : ""));
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
