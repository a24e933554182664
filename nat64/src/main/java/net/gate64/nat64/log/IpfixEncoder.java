package net.gate64.nat64.log;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import net.gate64.common.Nat64Prefix;

/**
 * Builds IPFIX messages (RFC 7011) carrying the NAT64 events of RFC 8158, without any I/O: the exporter asks for
 * a template message, adds events until one does not fit, and sends what {@link #finish} returns.
 *
 * <p>Templates (all fields fixed-length, IANA information element numbers):
 * <ul>
 *   <li>{@value #SESSION_TEMPLATE}, NAT64 session create/delete (natEvent 6/7): observationTimeMilliseconds(323),
 *       ingressVRFID(234), sourceIPv6Address(27), postNATSourceIPv4Address(225), protocolIdentifier(4),
 *       sourceTransportPort(7), postNAPTSourceTransportPort(227), destinationIPv6Address(28),
 *       postNATDestinationIPv4Address(226), destinationTransportPort(11), postNAPTDestinationTransportPort(228),
 *       natEvent(230);</li>
 *   <li>{@value #BIB_TEMPLATE}, NAT64 BIB create/delete (natEvent 10/11): observationTimeMilliseconds,
 *       ingressVRFID, sourceIPv6Address, postNATSourceIPv4Address, protocolIdentifier, sourceTransportPort,
 *       postNAPTSourceTransportPort, natEvent;</li>
 *   <li>{@value #PORT_BLOCK_TEMPLATE}, port block allocation/de-allocation (natEvent 16/17): observationTimeMilliseconds,
 *       ingressVRFID, sourceIPv6Address, sourceIPv6PrefixLength(29), postNATSourceIPv4Address, portRangeStart(361),
 *       portRangeEnd(362), portRangeStepSize(363, always 1), portRangeNumPorts(364), natEvent.</li>
 * </ul>
 * The gateway has no VRFs: ingressVRFID is 0. The header's sequence number counts the data records sent before the
 * message (RFC 7011 §3.1), per observation domain.
 */
public final class IpfixEncoder {
    static final int VERSION = 10;
    static final int HEADER = 16;
    static final int SET_HEADER = 4;
    static final int TEMPLATE_SET_ID = 2;
    static final int SESSION_TEMPLATE = 256;
    static final int BIB_TEMPLATE = 257;
    static final int PORT_BLOCK_TEMPLATE = 258;
    /** (information element, length) pairs, in record order. */
    static final int[] SESSION_FIELDS = {323, 8, 234, 4, 27, 16, 225, 4, 4, 1, 7, 2, 227, 2, 28, 16, 226, 4, 11, 2, 228, 2,
            230, 1};
    static final int[] BIB_FIELDS = {323, 8, 234, 4, 27, 16, 225, 4, 4, 1, 7, 2, 227, 2, 230, 1};
    static final int[] PORT_BLOCK_FIELDS = {323, 8, 234, 4, 27, 16, 29, 1, 225, 4, 361, 2, 362, 2, 363, 2, 364, 2, 230, 1};
    static final int SESSION_RECORD = recordLength(SESSION_FIELDS);
    static final int BIB_RECORD = recordLength(BIB_FIELDS);
    static final int PORT_BLOCK_RECORD = recordLength(PORT_BLOCK_FIELDS);

    private final long observationDomain;
    private final List<Nat64Prefix> pool6;
    private final ByteBuffer buf;
    private long sequence;
    private int records;
    private int setStart = -1;
    private int setId;

    /** {@code maxMessage}: the largest message in bytes (UDP payload); at least one template message must fit. */
    public IpfixEncoder(long observationDomain, int maxMessage, List<Nat64Prefix> pool6) {
        if (maxMessage < HEADER + templateSetLength()) {
            throw new IllegalArgumentException("IPFIX messages of " + maxMessage + " bytes cannot hold the templates");
        }
        this.observationDomain = observationDomain;
        this.pool6 = List.copyOf(pool6);
        this.buf = ByteBuffer.allocate(maxMessage);
        reset();
    }

    private static int recordLength(int[] fields) {
        int n = 0;
        for (int i = 1; i < fields.length; i += 2) {
            n += fields[i];
        }
        return n;
    }

    private static int templateSetLength() {
        return SET_HEADER + 4 + SESSION_FIELDS.length * 2 + 4 + BIB_FIELDS.length * 2 + 4 + PORT_BLOCK_FIELDS.length * 2;
    }

    private void reset() {
        buf.clear();
        buf.position(HEADER);
        records = 0;
        setStart = -1;
    }

    /** Whether the message under construction holds any data record. */
    public boolean hasRecords() {
        return records > 0;
    }

    /** Data records sent so far (the next message's sequence number). */
    public long sequence() {
        return sequence;
    }

    /** A message holding only the template set; the message being built must be empty. */
    public ByteBuffer templates(long exportSeconds) {
        if (records > 0) {
            throw new IllegalStateException("finish the data message first");
        }
        reset();
        buf.putShort((short) TEMPLATE_SET_ID).putShort((short) templateSetLength());
        template(SESSION_TEMPLATE, SESSION_FIELDS);
        template(BIB_TEMPLATE, BIB_FIELDS);
        template(PORT_BLOCK_TEMPLATE, PORT_BLOCK_FIELDS);
        return header(exportSeconds);
    }

    private void template(int id, int[] fields) {
        buf.putShort((short) id).putShort((short) (fields.length / 2));
        for (int f : fields) {
            buf.putShort((short) f);
        }
    }

    /** Appends {@code e}; false when the message is full (finish it, then add again). */
    public boolean add(NatEvent e) {
        boolean session = e.type().isSession();
        boolean block = e.type().isPortBlock();
        int id = session ? SESSION_TEMPLATE : block ? PORT_BLOCK_TEMPLATE : BIB_TEMPLATE;
        int need = (session ? SESSION_RECORD : block ? PORT_BLOCK_RECORD : BIB_RECORD)
                + (setStart < 0 || setId != id ? SET_HEADER : 0);
        if (buf.remaining() < need) {
            return false;
        }
        if (setStart < 0 || setId != id) {
            closeSet();
            setStart = buf.position();
            setId = id;
            buf.putShort((short) id).putShort((short) 0);
        }
        if (block) {
            buf.putLong(e.timeMillis()).putInt(0).putLong(e.src6Hi()).putLong(e.src6Lo()).put((byte) e.prefixLength())
                    .putInt(e.nat4()).putShort((short) e.portStart()).putShort((short) e.portEnd()).putShort((short) 1)
                    .putShort((short) (e.portEnd() - e.portStart() + 1)).put((byte) e.type().code());
            records++;
            return true;
        }
        buf.putLong(e.timeMillis()).putInt(0).putLong(e.src6Hi()).putLong(e.src6Lo()).putInt(e.nat4())
                .put((byte) e.protocol()).putShort((short) e.srcPort()).putShort((short) e.natPort());
        if (session) {
            buf.put(e.destination6(pool6)).putInt(e.remote4()).putShort((short) e.remotePort())
                    .putShort((short) e.remotePort());
        }
        buf.put((byte) e.type().code());
        records++;
        return true;
    }

    private void closeSet() {
        if (setStart >= 0) {
            buf.putShort(setStart + 2, (short) (buf.position() - setStart));
        }
    }

    /** The finished data message; the encoder starts a new one. */
    public ByteBuffer finish(long exportSeconds) {
        closeSet();
        int sent = records;
        ByteBuffer out = header(exportSeconds);
        sequence = (sequence + sent) & 0xffffffffL;
        return out;
    }

    /** Writes the message header (with this message's length) and returns the message; resets for the next. */
    private ByteBuffer header(long exportSeconds) {
        int length = buf.position();
        buf.putShort(0, (short) VERSION).putShort(2, (short) length).putInt(4, (int) exportSeconds)
                .putInt(8, (int) sequence).putInt(12, (int) observationDomain);
        ByteBuffer out = ByteBuffer.wrap(Arrays.copyOf(buf.array(), length));
        reset();
        return out;
    }
}
