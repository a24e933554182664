package net.gate64.resolver.resolve;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * Sends one question to one server. The future completes on the query's event loop ({@link QueryBudget#loop()}) with
 * the answer, or exceptionally with {@link Timeout} (nothing acceptable before the per-query network timeout or the
 * client query's deadline, whichever comes first) or another I/O failure. {@link NettyUpstream} is the real one;
 * tests plug in a fake network.
 */
public interface Upstream {
    /** What to ask. */
    record Question(Name name, int type, boolean recursionDesired, boolean dnssecOk, boolean edns) {
        public Question(Name name, int type, boolean recursionDesired, boolean dnssecOk) {
            this(name, type, recursionDesired, dnssecOk, true);
        }
    }

    /** No acceptable answer in time. */
    final class Timeout extends java.io.IOException {
        public Timeout(String message) {
            super(message, null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    CompletableFuture<Message> query(InetSocketAddress server, Question q, QueryBudget budget);
}
