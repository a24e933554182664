package net.gate64.resolver.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** A Prometheus histogram with fixed upper bounds in seconds; observations are recorded in nanoseconds. */
public final class Histogram {
    private final double[] bounds;
    private final long[] boundsNanos;
    private final LongAdder[] buckets;
    private final LongAdder count = new LongAdder();
    private final LongAdder sumNanos = new LongAdder();

    Histogram(double[] boundsSeconds) {
        this.bounds = boundsSeconds.clone();
        this.boundsNanos = new long[bounds.length];
        this.buckets = new LongAdder[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            boundsNanos[i] = (long) (bounds[i] * 1e9);
            buckets[i] = new LongAdder();
        }
    }

    public void observeNanos(long nanos) {
        for (int i = 0; i < boundsNanos.length; i++) {
            if (nanos <= boundsNanos[i]) {
                buckets[i].increment();
                break;
            }
        }
        count.increment();
        sumNanos.add(nanos);
    }

    public long count() {
        return count.sum();
    }

    /** The upper bounds in seconds (the last bucket, +Inf, is implied). */
    public double[] bounds() {
        return bounds.clone();
    }

    /** Observations per bucket (not cumulative), one more than {@link #bounds()}: the last is above every bound. */
    public long[] counts() {
        long[] out = new long[bounds.length + 1];
        long inBounds = 0;
        for (int i = 0; i < bounds.length; i++) {
            out[i] = buckets[i].sum();
            inBounds += out[i];
        }
        out[bounds.length] = Math.max(0, count.sum() - inBounds);
        return out;
    }

    public double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }

    List<String> lines(String name) {
        List<String> out = new ArrayList<>();
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += buckets[i].sum();
            out.add(name + "_bucket{le=\"" + bounds[i] + "\"} " + cumulative);
        }
        out.add(name + "_bucket{le=\"+Inf\"} " + count.sum());
        out.add(name + "_count " + count.sum());
        out.add(name + "_sum " + sumNanos.sum() / 1e9);
        return out;
    }
}
