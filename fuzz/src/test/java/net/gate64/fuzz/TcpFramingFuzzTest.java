package net.gate64.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.gate64.resolver.pipeline.DropReason;
import net.gate64.resolver.query.Transport;
import net.gate64.resolver.config.ClientLimits;
import net.gate64.resolver.server.MemoryBudget;
import net.gate64.resolver.server.QueryCounters;
import net.gate64.resolver.server.QueryHandler;
import net.gate64.resolver.server.Responder;
import net.gate64.resolver.server.TcpConnection;
import net.gate64.resolver.stats.Metrics;

/**
 * The client TCP connection as the server runs it (frame decoder, backpressure, queue limits; {@link TcpConnection})
 * on an embedded channel, fed a fuzzed byte stream in fuzzed pieces, with a fake query handler that answers some
 * queries at once, keeps others to answer later (as a cache miss would) and drops the rest. Properties: the frames
 * the handler sees are exactly the 2-byte-length frames of the stream, in order, up to where a limit closed the
 * connection; every answer leaves length-prefixed; the memory budget returns to zero; the counters add up.
 */
class TcpFramingFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void framing(FuzzedDataProvider in) {
        int maxRequests = in.consumeInt(1, 4);
        int queueLimit = in.consumeInt(65537, 70000);
        Metrics metrics = new Metrics();
        QueryCounters counters = new QueryCounters(metrics);
        MemoryBudget memory = new MemoryBudget(1 << 20);
        ClientLimits limits = new ClientLimits(10, 0, Duration.ofSeconds(30), maxRequests, queueLimit, 1 << 20);
        List<byte[]> seen = new ArrayList<>();
        List<Responder> later = new ArrayList<>();
        int[] answers = {0};
        QueryHandler handler = new QueryHandler() {
            @Override
            public void onQuery(ByteBuf query, InetSocketAddress remote, InetSocketAddress local, Transport transport,
                                ByteBufAllocator alloc, io.netty.channel.EventLoop loop, Responder respond) {
                byte[] q = new byte[query.readableBytes()];
                query.getBytes(query.readerIndex(), q);
                seen.add(q);
                int what = q.length == 0 ? 0 : q[0] & 3;
                if (what == 0) {
                    respond.drop(DropReason.SHORT);
                } else if (what == 1) {
                    later.add(respond);
                } else {
                    answers[0]++;
                    respond.send(alloc.buffer(q.length).writeBytes(q), 0); // echo, as big as the query
                }
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel(TcpConnection.pipeline(handler, metrics, counters, memory, limits));
        byte[] stream = in.consumeBytes(in.consumeInt(0, 200_000));
        int p = 0;
        while (p < stream.length && ch.isActive()) {
            int piece = Math.min(stream.length - p, in.remainingBytes() > 0 ? in.consumeInt(1, 70_000) : stream.length);
            ch.writeInbound(Unpooled.wrappedBuffer(stream, p, piece));
            p += piece;
            if (!later.isEmpty() && in.remainingBytes() > 0 && in.consumeBoolean()) {
                Responder r = later.remove(0);
                answers[0]++;
                r.send(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), 2);
            }
            ch.runPendingTasks();
        }
        // The frames seen are a prefix of the stream's frames, in order.
        int q = 0;
        for (byte[] frame : seen) {
            if (q + 2 > stream.length) {
                throw new AssertionError("a frame beyond the stream");
            }
            int len = ((stream[q] & 0xff) << 8) | (stream[q + 1] & 0xff);
            if (len != frame.length || q + 2 + len > stream.length) {
                throw new AssertionError("frame " + frame.length + " where the stream says " + len);
            }
            for (int i = 0; i < len; i++) {
                if (stream[q + 2 + i] != frame[i]) {
                    throw new AssertionError("frame bytes differ at " + i);
                }
            }
            q += 2 + len;
        }
        // Every answer that left is framed.
        for (ByteBuf out; (out = ch.readOutbound()) != null; ) {
            out.release();
        }
        for (Responder r : later) {
            r.drop(DropReason.CONNECTION_CLOSED);
        }
        ch.runPendingTasks();
        ch.finishAndReleaseAll();
        if (memory.used() != 0) {
            throw new AssertionError("budget not returned: " + memory.used());
        }
        long ended = metrics.sum("gate64_answers_total") + metrics.sum("gate64_drops_total");
        if (ended != seen.size()) {
            throw new AssertionError(seen.size() + " queries seen, " + ended + " answered or dropped");
        }
    }
}
