package net.gate64.common.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sd_notify messages received the way systemd receives them: on a real AF_UNIX datagram socket (Netty's epoll
 * EpollDomainDatagramChannel here, an implementation independent of the one under test), by path and in the
 * abstract namespace.
 */
class SdNotifyTest {
    @TempDir
    Path dir;
    EventLoopGroup group;
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void loop() {
        assumeTrue(Epoll.isAvailable(), "Netty's epoll transport is unavailable here: " + Epoll.unavailabilityCause());
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A receiving socket like systemd's /run/systemd/notify; {@code name} starts with NUL for the abstract one. */
    Channel listen(String name) throws InterruptedException {
        return new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                        received.add(p.content().toString(StandardCharsets.UTF_8));
                    }
                })
                .bind(new DomainSocketAddress(name)).sync().channel();
    }

    String next() throws InterruptedException {
        String m = received.poll(10, TimeUnit.SECONDS); // a safety net: a datagram to a bound socket is there at once
        assertTrue(m != null, "no datagram arrived");
        return m;
    }

    @Test
    void readyReloadingStoppingAreOneDatagramEach() throws Exception {
        Path socket = dir.resolve("notify");
        Channel ch = listen(socket.toString());
        try {
            ServiceNotifier n = ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", socket.toString()));
            n.ready("serving on 127.0.0.1:53");
            assertEquals("READY=1\nSTATUS=serving on 127.0.0.1:53", next());
            long before = SdNotify.monotonicMicros();
            n.reloading("reloading /etc/gate64/dns64.lua");
            long after = SdNotify.monotonicMicros();
            String[] reload = next().split("\n");
            assertEquals("RELOADING=1", reload[0]);
            long usec = Long.parseLong(reload[1].substring("MONOTONIC_USEC=".length()));
            assertTrue(reload[1].startsWith("MONOTONIC_USEC=") && usec >= before && usec <= after, reload[1]);
            assertEquals("STATUS=reloading /etc/gate64/dns64.lua", reload[2]);
            n.status("two\nlines");
            assertEquals("STATUS=two lines", next(), "a status stays one line: a newline would start a new assignment");
            n.stopping("stopping");
            assertEquals("STOPPING=1\nSTATUS=stopping", next());
        } finally {
            ch.close().sync();
        }
    }

    @Test
    void abstractNamespaceSocket() throws Exception {
        String name = "gate64-test-" + UUID.randomUUID();
        Channel ch = listen("\0" + name);
        try {
            new SdNotify("@" + name).ready("up");
            assertEquals("READY=1\nSTATUS=up", next());
        } finally {
            ch.close().sync();
        }
        assertFalse(Files.exists(Path.of(name)));
    }

    @Test
    void nobodyListeningIsReportedNotThrown() {
        SdNotify n = new SdNotify(dir.resolve("absent").toString());
        assertFalse(n.send("READY=1"));
        n.ready("still fine"); // logged once, never thrown
    }

    @Test
    void withoutNotifySocketNothingIsSent() throws Exception {
        assertSame(ServiceNotifier.NONE, ServiceNotifier.fromEnvironment(Map.of()));
        assertSame(ServiceNotifier.NONE, ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "")));
        ServiceNotifier.NONE.ready("x");
        assertNull(received.poll(0, TimeUnit.SECONDS));
    }

    @Test
    void badSocketNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SdNotify("relative/notify"));
        assertThrows(IllegalArgumentException.class, () -> new SdNotify("/" + "x".repeat(SdNotify.SUN_PATH)));
    }
}
