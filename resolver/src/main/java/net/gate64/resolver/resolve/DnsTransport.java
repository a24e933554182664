package net.gate64.resolver.resolve;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.stats.Metrics;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.DClass;

/**
 * Sends one question to one server and returns its answer: UDP with EDNS from a fresh socket on a random source
 * port with a random ID, TCP when the answer is truncated. An answer counts only if it comes from the server's
 * address and port, carries our ID, has QR set and repeats our question; anything else is counted and ignored
 * while we keep waiting (a spoofing attempt must not make us give up on the real answer).
 *
 * <p>Runs on virtual threads: the blocking socket calls park the virtual thread, not a carrier.
 */
public final class DnsTransport {
    private static final int MIN_PORT = 1024;
    private static final java.net.InetAddress ANY4 = anyAddress(new byte[4]);
    private static final java.net.InetAddress ANY6 = anyAddress(new byte[16]);

    private final Duration timeout;
    private final int ednsBufsize;
    private final SecureRandom random = new SecureRandom();
    private final LongAdder sent;
    private final LongAdder tcpSent;
    private final LongAdder timeouts;
    private final LongAdder mismatched;

    private final java.net.InetAddress local4;
    private final java.net.InetAddress local6;
    private volatile boolean dnssecOk;

    public DnsTransport(Duration timeout, int ednsBufsize, Metrics metrics) {
        this(timeout, ednsBufsize, java.util.List.of(), metrics);
    }

    /** @param localAddresses source addresses (the first of each family is used; wildcard when none) */
    public DnsTransport(Duration timeout, int ednsBufsize, java.util.List<InetSocketAddress> localAddresses, Metrics metrics) {
        java.net.InetAddress l4 = ANY4;
        java.net.InetAddress l6 = ANY6;
        for (InetSocketAddress a : localAddresses.reversed()) {
            if (a.getAddress() instanceof Inet6Address) {
                l6 = a.getAddress();
            } else {
                l4 = a.getAddress();
            }
        }
        this.local4 = l4;
        this.local6 = l6;
        this.timeout = timeout;
        this.ednsBufsize = ednsBufsize;
        String help = "Queries sent to other servers";
        this.sent = metrics.counter("gate64_outgoing_queries_total", help, "transport", "udp");
        this.tcpSent = metrics.counter("gate64_outgoing_queries_total", help, "transport", "tcp");
        this.timeouts = metrics.counter("gate64_outgoing_timeouts_total", "Outgoing queries that got no answer in time");
        this.mismatched = metrics.counter("gate64_outgoing_mismatched_answers_total",
                "Answers ignored because ID, source or question did not match (possible spoofing)");
    }

    /**
     * Sets DO on every outgoing query (dnssec modes other than off), so that authorities send RRSIGs and denial
     * proofs for the validator and for clients that ask for them.
     */
    public void requestDnssecRecords(boolean on) {
        this.dnssecOk = on;
    }

    /** What to ask. */
    public record Question(Name name, int type, boolean recursionDesired, boolean dnssecOk, boolean edns) {
        public Question(Name name, int type, boolean recursionDesired, boolean dnssecOk) {
            this(name, type, recursionDesired, dnssecOk, true);
        }
    }

    /**
     * @throws SocketTimeoutException when no acceptable answer arrived in time
     * @throws IOException on other network errors
     */
    public Message query(InetSocketAddress server, Question q) throws IOException {
        int id = random.nextInt(0x10000);
        Message query = build(q, id);
        Message answer = udp(server, query, q, id);
        if (answer == null || answer.getHeader().getFlag(Flags.TC)) {
            answer = tcp(server, query, q, id);
        }
        return answer;
    }

    private Message build(Question q, int id) {
        Message m = new Message(id);
        if (q.recursionDesired) {
            m.getHeader().setFlag(Flags.RD);
        }
        m.addRecord(Record.newRecord(q.name, q.type, DClass.IN), Section.QUESTION);
        if (q.edns) {
            m.addRecord(new OPTRecord(ednsBufsize, 0, 0, q.dnssecOk || dnssecOk ? Flags.DO : 0), Section.ADDITIONAL);
        }
        return m;
    }

    /** The answer over UDP; null when it was larger than we allow (then only TCP can carry it). */
    private Message udp(InetSocketAddress server, Message query, Question q, int id) throws IOException {
        byte[] out = query.toWire();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramChannel channel = bindRandom(server)) {
            channel.connect(server); // the kernel drops datagrams from any other address or port
            channel.write(ByteBuffer.wrap(out));
            sent.increment();
            // No answer may exceed the size we advertise (512 without EDNS, RFC 6891 §6.2.5), so the buffer holds
            // just that plus one byte: a full buffer shows a server that ignored the limit, and we ask over TCP. (A
            // 64 KiB buffer per query cost more in allocation and zeroing than the rest of the exchange.)
            byte[] in = new byte[Math.min(Math.max(ednsBufsize, 512), 65535) + 1];
            ByteBuffer buffer = ByteBuffer.wrap(in);
            ReceiveDeadlines.SHARED.watch(channel, deadline); // closes the channel when time is up
            try {
                while (true) {
                    buffer.clear();
                    try {
                        channel.read(buffer);
                    } catch (ClosedChannelException e) {
                        timeouts.increment();
                        throw new SocketTimeoutException("no answer from " + server + " for " + q.name + "/" + q.type);
                    }
                    if (buffer.position() == in.length) {
                        return null;
                    }
                    Message answer = accept(in, buffer.position(), q, id);
                    if (answer != null) {
                        return answer;
                    }
                }
            } finally {
                ReceiveDeadlines.SHARED.release(channel);
            }
        }
    }

    /**
     * A channel of the server's family (no dual-stack socket, and none of the legacy DatagramSocket set-up: each
     * costs system calls on every outgoing query) bound to a random port.
     */
    private DatagramChannel bindRandom(InetSocketAddress server) throws IOException {
        boolean v6 = server.getAddress() instanceof Inet6Address;
        ProtocolFamily family = v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        for (int attempt = 0; attempt < 16; attempt++) {
            int port = MIN_PORT + random.nextInt(65536 - MIN_PORT);
            DatagramChannel c = DatagramChannel.open(family);
            try {
                c.bind(new InetSocketAddress(v6 ? local6 : local4, port));
                return c;
            } catch (BindException e) {
                c.close();
            }
        }
        DatagramChannel c = DatagramChannel.open(family); // the kernel's own (also randomised) choice
        c.bind(new InetSocketAddress(v6 ? local6 : local4, 0));
        return c;
    }

    private static java.net.InetAddress anyAddress(byte[] zeros) {
        try {
            return java.net.InetAddress.getByAddress(zeros);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private Message tcp(InetSocketAddress server, Message query, Question q, int id) throws IOException {
        byte[] out = query.toWire();
        try (Socket s = new Socket()) {
            int ms = (int) timeout.toMillis();
            s.connect(server, ms);
            s.setSoTimeout(ms);
            DataOutputStream o = new DataOutputStream(s.getOutputStream());
            byte[] framed = new byte[out.length + 2];
            framed[0] = (byte) (out.length >>> 8);
            framed[1] = (byte) out.length;
            System.arraycopy(out, 0, framed, 2, out.length);
            o.write(framed);
            o.flush();
            tcpSent.increment();
            DataInputStream i = new DataInputStream(s.getInputStream());
            int length = i.readUnsignedShort();
            byte[] in = new byte[length];
            i.readFully(in);
            Message answer = accept(in, length, q, id);
            if (answer == null) {
                throw new IOException("mismatched TCP answer from " + server);
            }
            return answer;
        } catch (SocketTimeoutException e) {
            timeouts.increment();
            throw e;
        }
    }

    private Message accept(byte[] in, int length, Question q, int id) {
        Message m;
        try {
            m = new Message(java.util.Arrays.copyOf(in, length));
        } catch (IOException e) {
            mismatched.increment();
            return null;
        }
        Record question = m.getQuestion();
        if (m.getHeader().getID() != id || !m.getHeader().getFlag(Flags.QR) || question == null
                || m.getHeader().getOpcode() != org.xbill.DNS.Opcode.QUERY // an UPDATE parse yields data-less records
                || !question.getName().equals(q.name) || question.getType() != q.type
                || question.getDClass() != DClass.IN) {
            mismatched.increment();
            return null;
        }
        return m;
    }
}
