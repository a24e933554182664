package net.gate64.resolver.resolve;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends waits for UDP answers that ran out of time by closing their sockets; a receive blocked on a closed socket
 * throws at once. A receive with SO_TIMEOUT would park the virtual thread on a timer that the scheduler arms and
 * cancels for every outgoing query (measured: a busy scheduler thread of its own on cache misses); one sweeper
 * looking at the sockets in flight every few milliseconds costs less. It sleeps while nothing is in flight.
 */
final class ReceiveDeadlines {
    /** How late a timeout may fire. */
    private static final long SWEEP_NANOS = 5_000_000L;

    static final ReceiveDeadlines SHARED = new ReceiveDeadlines();

    private final ConcurrentHashMap<Closeable, Long> waiting = new ConcurrentHashMap<>();
    private final AtomicBoolean idle = new AtomicBoolean();
    private final Thread sweeper;

    private ReceiveDeadlines() {
        sweeper = Thread.ofPlatform().daemon().name("gate64-udp-deadlines").start(this::sweep);
    }

    /** Closes {@code socket} once {@link System#nanoTime()} passes {@code deadlineNanos}, unless released first. */
    void watch(Closeable socket, long deadlineNanos) {
        waiting.put(socket, deadlineNanos);
        if (idle.get()) {
            LockSupport.unpark(sweeper);
        }
    }

    void release(Closeable socket) {
        waiting.remove(socket);
    }

    private void sweep() {
        while (true) {
            if (waiting.isEmpty()) {
                idle.set(true); // set before the second look: watch() puts, then reads idle, so one of us sees the other
                if (waiting.isEmpty()) {
                    LockSupport.park(this);
                }
                idle.set(false);
            }
            LockSupport.parkNanos(this, SWEEP_NANOS);
            long now = System.nanoTime();
            waiting.forEach((socket, deadline) -> {
                if (now - deadline >= 0 && waiting.remove(socket, deadline)) {
                    try {
                        socket.close();
                    } catch (IOException e) {
                        // closing is all we wanted; the waiting receive ends either way
                    }
                }
            });
        }
    }
}
