package net.gate64.nat64.log;

import java.io.IOException;

/**
 * One log destination's output (a JSON-lines file, an IPFIX collector). Called only from that destination's own
 * thread, never from the packet path, so it may block on I/O.
 */
public interface EventWriter extends AutoCloseable {
    /** Short name for metrics and messages: {@code json}, {@code ipfix}. */
    String name();

    /** Formats one event (it may stay buffered until {@link #flush}). */
    void write(NatEvent e) throws IOException;

    /** Pushes out what is buffered: called after each batch and when the queue runs empty. */
    void flush() throws IOException;

    /** Called about once a second whatever the traffic: template refresh, reopening a rotated file. */
    default void tick(long nowMillis) throws IOException {}

    @Override
    void close() throws IOException;
}
