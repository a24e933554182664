package net.gate64.resolver.lab;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Zone;

/**
 * An in-process authoritative server on a loopback address, serving zone files: the lab every end-to-end test and
 * {@code ./gate64 demo} resolve against, so nothing needs the internet. UDP and TCP on the same port; each query runs
 * on a virtual thread. The questions it received are kept (the last 10,000) so tests can check what was asked.
 */
public final class LabServer implements AutoCloseable {
    private static final int KEEP = 10_000;

    private final AuthoritativeAnswerer answerer;
    private volatile java.util.function.UnaryOperator<Message> misbehaviour = q -> null;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ConcurrentLinkedDeque<Record> received = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    private LabServer(AuthoritativeAnswerer answerer, InetSocketAddress address) throws IOException {
        this.answerer = answerer;
        // TCP and UDP on the same port. With port 0 the TCP port is free for TCP only: another process may hold
        // the same UDP port, so a free pair is searched for (this raced other test runs as "Address already in use").
        ServerSocket t = null;
        DatagramSocket u = null;
        for (int attempt = 0; u == null; attempt++) {
            t = new ServerSocket();
            t.setReuseAddress(true);
            t.bind(address);
            try {
                u = new DatagramSocket(new InetSocketAddress(address.getAddress(), t.getLocalPort()));
            } catch (SocketException e) {
                t.close();
                if (address.getPort() != 0 || attempt >= 50) {
                    throw e;
                }
            }
        }
        this.tcp = t;
        this.udp = u;
        Thread.ofVirtual().name("lab-udp").start(this::serveUdp);
        Thread.ofVirtual().name("lab-tcp").start(this::serveTcp);
    }

    /** Serves {@code zones} on {@code address} (port 0 picks a free port). */
    public static LabServer start(InetSocketAddress address, List<Zone> zones) throws IOException {
        return new LabServer(new AuthoritativeAnswerer(zones), address);
    }

    /** Serves signed zones: {@code denials} (by origin) say which NSEC/NSEC3 records prove what. */
    public static LabServer start(InetSocketAddress address, List<Zone> zones, java.util.Map<Name, Denial> denials)
            throws IOException {
        return new LabServer(new AuthoritativeAnswerer(zones, denials), address);
    }

    /**
     * Loads every {@code *.zone} file in {@code dir} and its subfolders. The origin is the file name without
     * ".zone" ({@code demo.test.zone} → demo.test.), and {@code root.zone} is the root zone.
     */
    public static List<Zone> loadZones(Path dir) throws IOException {
        List<Zone> zones = new ArrayList<>();
        List<Path> found;
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            found = walk.filter(p -> p.getFileName().toString().endsWith(".zone")).sorted().toList();
        }
        {
            for (Path f : found) {
                String base = f.getFileName().toString();
                base = base.substring(0, base.length() - ".zone".length());
                Name origin = base.equals("root") ? Name.root : Name.fromString(base, Name.root);
                zones.add(new Zone(origin, f.toString()));
            }
        }
        if (zones.isEmpty()) {
            throw new IOException("no *.zone files in " + dir);
        }
        return zones;
    }

    /** The origins of the zones served. */
    public List<Name> origins() {
        return answerer.origins();
    }

    /** A forward-zones value sending every zone this lab serves to it, e.g. {"test"=["127.0.0.1:5301"]}. */
    public String forwardZonesSetting() {
        StringBuilder sb = new StringBuilder("{");
        for (Name origin : origins()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(origin.toString(true).isEmpty() ? "." : origin.toString(true)).append("\"=[\"")
                    .append(format(address())).append("\"]");
        }
        return sb.append('}').toString();
    }

    /** "127.0.0.1:5301" or "[::1]:5301", as the recursor's settings write addresses. */
    static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof java.net.Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) tcp.getLocalSocketAddress();
    }

    /** Questions received so far, oldest first. */
    public List<Record> received() {
        return List.copyOf(received);
    }

    /**
     * Makes the server misbehave on purpose: {@code m} sees each query first and may return its own reply
     * (a SERVFAIL, a wrong ID, a forged record...) or null to answer normally. For tests of hostile servers.
     */
    public void misbehave(java.util.function.UnaryOperator<Message> m) {
        this.misbehaviour = m;
    }

    public void clearReceived() {
        received.clear();
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            byte[] in = Arrays.copyOf(p.getData(), p.getLength());
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            Thread.ofVirtual().start(() -> {
                Message reply = handle(in);
                if (reply != null) {
                    byte[] out = reply.toWire(maxUdp(reply));
                    try {
                        udp.send(new DatagramPacket(out, out.length, from));
                    } catch (IOException ignored) {
                        // the client is gone
                    }
                }
            });
        }
    }

    private static int maxUdp(Message reply) {
        return reply.getOPT() == null ? 512 : 1232;
    }

    private void serveTcp() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                Thread.ofVirtual().start(() -> serveConnection(s));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serveConnection(Socket s) {
        try (s) {
            s.setSoTimeout(5000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (true) {
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                Message reply = handle(query);
                if (reply == null) {
                    return;
                }
                byte[] wire = reply.toWire(65535);
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
            }
        } catch (EOFException | SocketException e) {
            // client closed
        } catch (IOException e) {
            // timeout or garbage: close
        }
    }

    private Message handle(byte[] wire) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return null;
        }
        if (query.getQuestion() != null) {
            received.addLast(query.getQuestion());
            while (received.size() > KEEP) {
                received.pollFirst();
            }
        }
        Message forced = misbehaviour.apply(query);
        return forced != null ? forced : answerer.answer(query);
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
