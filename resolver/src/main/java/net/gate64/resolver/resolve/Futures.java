package net.gate64.resolver.resolve;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/** Small helpers for the asynchronous resolver. */
public final class Futures {
    private Futures() {}

    /** The cause a future failed with, without the CompletionException wrapping. */
    public static Throwable cause(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Runs {@code step}; a thrown exception (a spent budget) becomes a failed future. */
    public static <T> CompletableFuture<T> guard(Supplier<CompletableFuture<T>> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
