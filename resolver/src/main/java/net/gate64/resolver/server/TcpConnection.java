package net.gate64.resolver.server;

import net.gate64.resolver.config.ClientLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import net.gate64.resolver.pipeline.DropReason;
import net.gate64.resolver.query.Transport;
import net.gate64.resolver.stats.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client TCP connection (RFC 7766): several queries in flight, answers in any order, and the bounds that keep one
 * client from holding more than its share ({@link ClientLimits}). Everything here runs on the connection's event loop;
 * answers resolved elsewhere are handed back to it.
 *
 * <ul>
 *   <li>Backpressure: with {@code max-concurrent-requests-per-tcp-connection} queries in flight, or half of
 *       {@code max-tcp-queued-answer-bytes} queued and unread, the connection is not read; queries already read are
 *       held until there is room. Past the whole queue limit it is closed ({@code output-limit}).</li>
 *   <li>Deadline: a connection that has had no complete query for {@code client-tcp-timeout} and is owed no answer
 *       is closed; bytes that do not complete a query do not restart the clock ({@code slow-query}), nor does a
 *       client that never reads what it was sent ({@code output-stalled}).</li>
 * </ul>
 */
public final class TcpConnection extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(TcpConnection.class);

    private final QueryHandler frontend;
    private final TcpClients clients;
    private final QueryCounters counters;
    private final MemoryBudget memory;
    private final ClientLimits limits;
    private final long timeoutNanos;
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();

    private ChannelHandlerContext ctx;
    private TcpClients.Key client;
    private TcpClients.Close closeReason;
    private ScheduledFuture<?> deadline;
    private long lastProgress;
    private long bytesIn;
    private long bytesInFrames;
    private int inFlight;
    private long queuedBytes;
    private boolean paused;
    private boolean draining;
    private boolean reading; // inside a read: answers written now leave with the read batch's flush

    TcpConnection(QueryHandler frontend, TcpClients clients, QueryCounters counters, MemoryBudget memory, ClientLimits limits) {
        this.frontend = frontend;
        this.clients = clients;
        this.counters = counters;
        this.memory = memory;
        this.limits = limits;
        this.timeoutNanos = limits.tcpTimeout().toNanos();
    }

    /**
     * The handlers of one client connection, in order: byte counter, frame decoder (2-byte length, RFC 1035 §4.2.2),
     * length prepender, and the connection. Public for the framing fuzz target, which runs them on an embedded channel.
     */
    public static io.netty.channel.ChannelHandler[] pipeline(QueryHandler handler, Metrics metrics, QueryCounters counters,
                                                           MemoryBudget memory, ClientLimits limits) {
        TcpConnection c = new TcpConnection(handler, new TcpClients(limits.maxTcpClients(), limits.maxTcpPerClient(), metrics),
                counters, memory, limits);
        return c.handlers();
    }

    io.netty.channel.ChannelHandler[] handlers() {
        return new io.netty.channel.ChannelHandler[] {byteCounter(), new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2),
                new LengthFieldPrepender(2), this};
    }

    /** Goes before the frame decoder: counts raw bytes so that a query arriving in pieces can be told from idleness. */
    private ChannelInboundHandlerAdapter byteCounter() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (msg instanceof ByteBuf b) {
                    bytesIn += b.readableBytes();
                }
                c.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        client = TcpClients.Key.of(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        TcpClients.Close refused = clients.enter(client);
        if (refused != null) {
            close(refused);
            return;
        }
        lastProgress = System.nanoTime();
        deadline = ctx.executor().schedule(this::checkDeadline, timeoutNanos, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (client != null) {
            clients.leave(client, closeReason == null ? TcpClients.Close.CLIENT : closeReason);
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
        for (ByteBuf b; (b = held.poll()) != null; ) {
            b.release(); // held back, never handed to the front end: not counted as received
        }
        ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        bytesInFrames += frame.readableBytes() + 2;
        lastProgress = System.nanoTime();
        if (closeReason != null) {
            return; // closing: not received
        }
        if (!held.isEmpty() || mustWait()) {
            held.add(frame.retain());
            pause();
            return;
        }
        reading = true;
        try {
            dispatch(frame);
        } finally {
            reading = false;
        }
    }

    private boolean mustWait() {
        return inFlight >= limits.maxRequestsPerConnection() || queuedBytes > limits.maxQueuedAnswerBytes() / 2;
    }

    private void dispatch(ByteBuf frame) {
        inFlight++;
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        frontend.onQuery(frame, remote, local, Transport.TCP, ctx.alloc(), ctx.channel().eventLoop(), new Responder() {
            @Override
            public void send(ByteBuf reply, int rcode) {
                if (ctx.executor().inEventLoop()) {
                    deliver(reply, rcode, !reading && !draining); // a read or a drain flushes when it ends
                } else {
                    ctx.executor().execute(() -> deliver(reply, rcode, true));
                }
            }

            @Override
            public void drop(DropReason why) {
                counters.dropped(why);
                if (ctx.executor().inEventLoop()) {
                    done();
                } else {
                    ctx.executor().execute(TcpConnection.this::done);
                }
            }
        });
    }

    /** On the loop: queues one answer, or drops it when the connection is gone or over a limit. */
    private void deliver(ByteBuf reply, int rcode, boolean flush) {
        int size = reply.readableBytes() + 2;
        if (closeReason != null || !ctx.channel().isActive()) {
            reply.release();
            counters.dropped(DropReason.CONNECTION_CLOSED);
        } else if (queuedBytes + size > limits.maxQueuedAnswerBytes()) {
            reply.release();
            counters.dropped(DropReason.CONNECTION_CLOSED);
            close(TcpClients.Close.OUTPUT_LIMIT);
        } else if (queuedBytes == 0 ? !memory.reserveAnyway(size) : !memory.tryReserve(size)) {
            reply.release();
            counters.dropped(DropReason.MEMORY);
            close(TcpClients.Close.MEMORY);
        } else {
            queuedBytes += size;
            counters.answered(rcode);
            var promise = ctx.newPromise().addListener(f -> written(size));
            if (flush) {
                ctx.writeAndFlush(reply, promise);
            } else {
                ctx.write(reply, promise); // flushed once per read batch
            }
        }
        done();
    }

    /** On the loop: the kernel took an answer's bytes (or the connection failed and they were freed). */
    private void written(int size) {
        queuedBytes -= size;
        memory.release(size);
        lastProgress = System.nanoTime();
        resumeIfRoom();
    }

    /** On the loop: one query of this connection has ended. */
    private void done() {
        inFlight--;
        if (inFlight == 0) {
            lastProgress = System.nanoTime(); // the client's turn: it has a full timeout for its next query
        }
        resumeIfRoom();
    }

    private void pause() {
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void resumeIfRoom() {
        if (!paused || closeReason != null || draining) {
            return; // draining: a cache hit answered inside dispatch below; the loop there goes on
        }
        boolean wrote = false;
        draining = true;
        try {
            while (!held.isEmpty() && !mustWait() && closeReason == null) {
                ByteBuf frame = held.poll();
                try {
                    dispatch(frame);
                } finally {
                    frame.release();
                }
                wrote = true;
            }
        } finally {
            draining = false;
        }
        if (wrote) {
            ctx.flush();
        }
        if (held.isEmpty() && !mustWait() && closeReason == null) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void checkDeadline() {
        if (!ctx.channel().isActive()) {
            return;
        }
        long quiet = System.nanoTime() - lastProgress;
        if (quiet < timeoutNanos || inFlight > 0) {
            // An answer owed is bounded by the query's own limits (max-total-msec), not by this clock.
            long next = inFlight > 0 ? timeoutNanos : timeoutNanos - quiet;
            deadline = ctx.executor().schedule(this::checkDeadline, next, TimeUnit.NANOSECONDS);
            return;
        }
        if (queuedBytes > 0 || !held.isEmpty()) {
            close(TcpClients.Close.OUTPUT_STALLED);
        } else if (bytesIn > bytesInFrames) {
            close(TcpClients.Close.SLOW_QUERY);
        } else {
            close(TcpClients.Close.IDLE);
        }
    }

    void close(TcpClients.Close why) {
        if (closeReason == null) {
            closeReason = why;
        }
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("tcp error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        if (closeReason == null && !(cause instanceof java.io.IOException)) {
            closeReason = TcpClients.Close.ERROR; // an IOException is the client resetting: counted as "client"
        }
        ctx.close(); // e.g. a frame that cannot be decoded: the stream cannot be resynchronised
    }
}
