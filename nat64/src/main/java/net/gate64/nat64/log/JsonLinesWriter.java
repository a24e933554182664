package net.gate64.nat64.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.packet.Bytes;

/**
 * Events as JSON lines, one object per line, appended to a file or written to standard output. Keys are the RFC 8158
 * information element names (so a JSON line and an IPFIX record say the same thing under the same names) plus
 * {@code timestamp} (ISO 8601, UTC, milliseconds) and {@code event}:
 * <pre>
 * {"timestamp":"2026-12-01T14:02:03.123Z","event":"session-create","natEvent":6,"protocolIdentifier":17,
 *  "sourceIPv6Address":"2001:db8:1::2","sourceTransportPort":40000,"postNATSourceIPv4Address":"203.0.113.1",
 *  "postNAPTSourceTransportPort":1024,"destinationIPv6Address":"2001:db8:64::c633:6402",
 *  "postNATDestinationIPv4Address":"198.51.100.2","destinationTransportPort":7007,
 *  "postNAPTDestinationTransportPort":7007}
 * </pre>
 * (one line in the file). Binding events have no destination fields; port-block events ({@code port-block-create},
 * {@code port-block-delete}) carry the client (address or prefix, {@code sourceIPv6PrefixLength}), the pool4
 * address and {@code portRangeStart}..{@code portRangeEnd}. A file moved away by log rotation is noticed
 * within a second and a fresh one is created under the configured name.
 */
public final class JsonLinesWriter implements EventWriter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;
    private final Path path;
    private final List<Nat64Prefix> pool6;
    private final StringBuilder line = new StringBuilder(512);
    private Writer out;
    private Object fileKey;

    private JsonLinesWriter(Path path, OutputStream stream, List<Nat64Prefix> pool6) throws IOException {
        this.path = path;
        this.pool6 = List.copyOf(pool6);
        if (path == null) {
            out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 65536);
        } else {
            open();
        }
    }

    /** Appends to {@code file} (created when missing). */
    public static JsonLinesWriter toFile(Path file, List<Nat64Prefix> pool6) throws IOException {
        return new JsonLinesWriter(Objects.requireNonNull(file), null, pool6);
    }

    /** Writes to {@code stream} (standard output); it is flushed, never closed. */
    public static JsonLinesWriter toStream(OutputStream stream, List<Nat64Prefix> pool6) throws IOException {
        return new JsonLinesWriter(null, stream, pool6);
    }

    private void open() throws IOException {
        OutputStream s = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        out = new BufferedWriter(new OutputStreamWriter(s, StandardCharsets.UTF_8), 65536);
        fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    public void write(NatEvent e) throws IOException {
        line.setLength(0);
        format(e, pool6, line);
        line.append('\n');
        out.append(line);
    }

    /** The JSON object for {@code e}, without the newline. */
    static void format(NatEvent e, List<Nat64Prefix> pool6, StringBuilder sb) {
        sb.append("{\"timestamp\":\"").append(TIME.format(Instant.ofEpochMilli(e.timeMillis()).truncatedTo(ChronoUnit.MILLIS)))
                .append("\",\"event\":\"").append(e.type().label())
                .append("\",\"natEvent\":").append(e.type().code());
        if (e.type().isPortBlock()) {
            sb.append(",\"sourceIPv6Address\":\"").append(Nat64Prefix.format(e.source6()))
                    .append("\",\"sourceIPv6PrefixLength\":").append(e.prefixLength())
                    .append(",\"postNATSourceIPv4Address\":\"").append(Bytes.ipv4(e.nat4()))
                    .append("\",\"portRangeStart\":").append(e.portStart())
                    .append(",\"portRangeEnd\":").append(e.portEnd())
                    .append(",\"portRangeStepSize\":1,\"portRangeNumPorts\":").append(e.portEnd() - e.portStart() + 1)
                    .append('}');
            return;
        }
        sb.append(",\"protocolIdentifier\":").append(e.protocol())
                .append(",\"sourceIPv6Address\":\"").append(Nat64Prefix.format(e.source6()))
                .append("\",\"sourceTransportPort\":").append(e.srcPort())
                .append(",\"postNATSourceIPv4Address\":\"").append(Bytes.ipv4(e.nat4()))
                .append("\",\"postNAPTSourceTransportPort\":").append(e.natPort());
        if (e.type().isSession()) {
            sb.append(",\"destinationIPv6Address\":\"").append(Nat64Prefix.format(e.destination6(pool6)))
                    .append("\",\"postNATDestinationIPv4Address\":\"").append(Bytes.ipv4(e.remote4()))
                    .append("\",\"destinationTransportPort\":").append(e.remotePort())
                    .append(",\"postNAPTDestinationTransportPort\":").append(e.remotePort());
        }
        sb.append('}');
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Reopens the file when rotation moved or deleted it. */
    @Override
    public void tick(long nowMillis) throws IOException {
        if (path == null) {
            return;
        }
        Object key;
        try {
            key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException gone) {
            key = null;
        }
        if (key == null || !key.equals(fileKey)) {
            out.close();
            open();
        }
    }

    @Override
    public void close() throws IOException {
        if (path == null) {
            out.flush();
        } else {
            out.close();
        }
    }
}
