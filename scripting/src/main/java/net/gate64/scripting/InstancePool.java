package net.gate64.scripting;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * A bounded pool of engine instances, created on demand: at most {@code max} exist, and a caller that finds none
 * idle waits for one (a virtual thread parks; nothing spins). Instances returned after {@link #close()} are closed.
 */
final class InstancePool {
    private final Supplier<EngineInstance> factory;
    private final ConcurrentLinkedQueue<EngineInstance> idle = new ConcurrentLinkedQueue<>();
    private final Semaphore permits;
    private volatile boolean closed;

    InstancePool(Supplier<EngineInstance> factory, int max, EngineInstance first) {
        this.factory = factory;
        this.permits = new Semaphore(max);
        idle.add(first);
    }

    /** @throws ScriptLoadError when a new instance cannot be made (the script's top level failed this time) */
    EngineInstance borrow() {
        permits.acquireUninterruptibly();
        EngineInstance i = idle.poll();
        if (i != null) {
            return i;
        }
        try {
            return factory.get();
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** An idle instance without waiting or creating one (for the event loop), or null. */
    EngineInstance tryBorrow() {
        if (!permits.tryAcquire()) {
            return null;
        }
        EngineInstance i = idle.poll();
        if (i == null) {
            permits.release();
        }
        return i;
    }

    void giveBack(EngineInstance i) {
        if (closed) {
            i.close();
        } else {
            idle.add(i);
            if (closed && idle.remove(i)) { // raced with close()
                i.close();
            }
        }
        permits.release();
    }

    void discard(EngineInstance i) {
        i.close();
        permits.release();
    }

    void close() {
        closed = true;
        EngineInstance i;
        while ((i = idle.poll()) != null) {
            i.close();
        }
    }
}
