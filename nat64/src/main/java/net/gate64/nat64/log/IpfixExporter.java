package net.gate64.nat64.log;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import net.gate64.common.Nat64Prefix;

/**
 * Sends events to an IPFIX collector over UDP (RFC 7011 §10.3). UDP gives no feedback, so the templates go out
 * when the exporter starts and again every {@code templateRefresh} (RFC 7011 §10.3.6; a collector that restarts
 * learns them within that time), always in a message of their own ahead of the data. Messages are at most
 * {@link #MAX_MESSAGE} bytes, which fits any IPv6 path (1280 minus the IPv6 and UDP headers) and IPv4 paths of
 * 1260 bytes and more. A failed send (no collector listening: ICMP port unreachable) loses that message and counts
 * an error; the next one is tried as usual.
 */
public final class IpfixExporter implements EventWriter {
    public static final int MAX_MESSAGE = 1232;
    private final DatagramChannel channel;
    private final IpfixEncoder encoder;
    private final long refreshMillis;
    private long lastTemplates = Long.MIN_VALUE;
    private long nowMillis;
    private long messages;

    public IpfixExporter(InetSocketAddress collector, long observationDomain, Duration templateRefresh,
                         List<Nat64Prefix> pool6) throws IOException {
        this.encoder = new IpfixEncoder(observationDomain, MAX_MESSAGE, pool6);
        this.refreshMillis = templateRefresh.toMillis();
        this.channel = DatagramChannel.open();
        channel.connect(collector);
    }

    @Override
    public String name() {
        return "ipfix";
    }

    /** Messages handed to the socket so far (templates included). */
    public long messages() {
        return messages;
    }

    @Override
    public void write(NatEvent e) throws IOException {
        nowMillis = Math.max(nowMillis, e.timeMillis());
        if (lastTemplates == Long.MIN_VALUE) {
            sendTemplates();
        }
        if (!encoder.add(e)) {
            send(encoder.finish(nowMillis / 1000));
            encoder.add(e);
        }
    }

    @Override
    public void flush() throws IOException {
        if (encoder.hasRecords()) {
            send(encoder.finish(nowMillis / 1000));
        }
    }

    @Override
    public void tick(long now) throws IOException {
        nowMillis = Math.max(nowMillis, now);
        if (lastTemplates == Long.MIN_VALUE || now - lastTemplates >= refreshMillis) {
            flush();
            sendTemplates();
        }
    }

    private void sendTemplates() throws IOException {
        lastTemplates = nowMillis;
        send(encoder.templates(nowMillis / 1000));
    }

    private void send(ByteBuffer message) throws IOException {
        channel.write(message);
        messages++;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }
}
