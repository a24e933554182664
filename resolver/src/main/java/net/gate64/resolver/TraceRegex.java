package net.gate64.resolver;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import net.gate64.common.log.LogLevel;
import net.gate64.common.log.Logs;
import net.gate64.resolver.resolve.Trace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * {@code trace-regex REGEX}: every client query whose name matches (a regular expression searched in the name as
 * text, lower case, with its final dot, as {@code rec_control trace-regex}) is traced step by step to the log, under
 * the logger {@value #LOGGER} at info whatever the {@code loglevel}, one line per step with the query's trace id; and
 * to every follower ({@code gate64 control trace-regex REGEX FILE} streams them into a file). Followers get a bounded
 * queue each: a follower that does not keep up loses lines (counted), the event loops never wait for it.
 */
final class TraceRegex implements Trace.Chooser {
    static final String LOGGER = "net.gate64.resolver.Trace";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final int FOLLOWER_QUEUE = 16_384;

    private volatile Pattern pattern;
    private final List<BlockingQueue<String>> followers = new CopyOnWriteArrayList<>();
    private final LongAdder lost;

    TraceRegex(net.gate64.resolver.stats.Metrics metrics) {
        this.lost = metrics.counter("gate64_trace_lines_lost_total",
                "trace-regex lines a follower did not read in time (its queue was full)");
    }

    /**
     * Traces the queries matching {@code regex} from now on (null or empty: none).
     *
     * @throws IllegalArgumentException naming the problem when it is not a regular expression
     */
    synchronized String set(String regex) {
        if (regex == null || regex.isEmpty()) {
            pattern = null;
            Logs.setLevel(LOGGER, null);
            return "tracing off";
        }
        try {
            pattern = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a regular expression: " + e.getDescription() + " at index "
                    + e.getIndex() + " of " + regex);
        }
        Logs.setLevel(LOGGER, LogLevel.INFO); // a trace asked for is shown whatever the loglevel
        return "tracing queries whose name matches " + regex + " (logger " + LOGGER + ")";
    }

    String regex() {
        Pattern p = pattern;
        return p == null ? null : p.pattern();
    }

    @Override
    public Trace forQuery(Name qname, int qtype, InetSocketAddress client) {
        Pattern p = pattern;
        if (p == null || !p.matcher(qname.toString()).find()) {
            return null;
        }
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
        String what = qname + " " + Type.string(qtype);
        return step -> {
            LOG.atInfo().addKeyValue("trace", id).addKeyValue("query", what).log(step);
            if (!followers.isEmpty()) {
                String line = id + " " + what + ": " + step;
                for (BlockingQueue<String> q : followers) {
                    if (!q.offer(line)) {
                        lost.increment();
                    }
                }
            }
        };
    }

    /** A queue that receives every trace line from now on, until {@link #unfollow}. */
    BlockingQueue<String> follow() {
        BlockingQueue<String> q = new ArrayBlockingQueue<>(FOLLOWER_QUEUE);
        followers.add(q);
        return q;
    }

    void unfollow(BlockingQueue<String> q) {
        followers.remove(q);
    }
}
