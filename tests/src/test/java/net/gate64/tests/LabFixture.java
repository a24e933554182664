package net.gate64.tests;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.gate64.resolver.Recursor;
import net.gate64.common.HostPort;
import net.gate64.resolver.config.SettingsLoader;
import net.gate64.resolver.lab.LabServer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/**
 * The demo lab (contrib/lab/demo) on a free loopback port, and a real recursor forwarding *.test to it, on another
 * free port. Queries go over real sockets, as a client's would.
 */
public final class LabFixture implements AutoCloseable {
    public static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    public final LabServer lab;
    public final Recursor recursor;

    private LabFixture(LabServer lab, Recursor recursor) {
        this.lab = lab;
        this.recursor = recursor;
    }

    /** Starts lab and recursor; {@code overrides} are recursor settings as "key=value". */
    public static LabFixture start(String... overrides) throws Exception {
        LabServer lab = LabServer.start(new InetSocketAddress("127.0.0.1", 0), LabServer.loadZones(REPO.resolve("contrib/lab/demo")));
        List<String> o = new ArrayList<>();
        o.add("local-address=[\"127.0.0.1:0\"]");
        o.add("webserver=false");
        o.add("dnssec=off"); // the demo lab is unsigned: with the root anchors every answer would be Bogus
        o.add("threads=1");
        o.add("forward-zones=" + lab.forwardZonesSetting()); // "." included: the lab serves the demo's root zone
        // Forwarding reaches the lab; iteration must reach nothing at all (a test that replaces forward-zones would
        // otherwise iterate from the IANA root hints, and the recursor primes the root at start).
        o.add("dont-query=[\"0.0.0.0/0\", \"::/0\"]");
        o.addAll(List.of(overrides));
        Recursor recursor = null;
        try {
            recursor = Recursor.start(SettingsLoader.load(null, o));
            if (o.stream().filter(s -> s.startsWith("forward-zones=")).count() == 1) {
                // the lab answers the priming ". NS": wait for it, then forget it, so tests see only their own queries
                recursor.primed().get(60, java.util.concurrent.TimeUnit.SECONDS);
                lab.clearReceived();
            }
            return new LabFixture(lab, recursor);
        } catch (Exception e) {
            if (recursor != null) {
                recursor.close();
            }
            lab.close();
            throw e;
        }
    }

    /**
     * The settings {@link #start} gives a recursor in front of {@code lab}, as lines of a config file: for tests that
     * start from a file and change it ({@code reload-config}); {@code extra} lines come after them and win.
     */
    public static String baseConfig(LabServer lab, String... extra) {
        java.util.Map<String, String> base = new java.util.LinkedHashMap<>();
        base.put("local-address", "[\"127.0.0.1:0\"]");
        base.put("webserver", "false");
        base.put("dnssec", "off");
        base.put("threads", "1");
        base.put("forward-zones", lab.forwardZonesSetting());
        base.put("dont-query", "[\"0.0.0.0/0\", \"::/0\"]");
        StringBuilder sb = new StringBuilder();
        base.forEach((k, v) -> {
            // a key the test sets replaces the base line (HOCON would merge two objects given for one key)
            if (java.util.Arrays.stream(extra).noneMatch(e -> e.matches(java.util.regex.Pattern.quote(k) + "\\s*[=:{].*"))) {
                sb.append(k).append(" = ").append(v).append('\n');
            }
        });
        for (String e : extra) {
            sb.append(e).append('\n');
        }
        return sb.toString();
    }

    /**
     * The demo lab, and a recursor reading {@code file}, which holds {@link #baseConfig} with {@code extra} lines:
     * {@code recursor.reloadConfig()} reads it again. Returns once the root is primed, as {@link #start} does.
     */
    public static LabFixture startFromFile(Path file, String... extra) throws Exception {
        LabServer lab = LabServer.start(new InetSocketAddress("127.0.0.1", 0), LabServer.loadZones(REPO.resolve("contrib/lab/demo")));
        Recursor recursor = null;
        try {
            java.nio.file.Files.writeString(file, baseConfig(lab, extra));
            recursor = Recursor.start(new net.gate64.resolver.config.SettingsSource(file, List.of()));
            recursor.primed().get(60, java.util.concurrent.TimeUnit.SECONDS);
            lab.clearReceived();
            return new LabFixture(lab, recursor);
        } catch (Exception e) {
            if (recursor != null) {
                recursor.close();
            }
            lab.close();
            throw e;
        }
    }

    public InetSocketAddress dns() {
        return recursor.dnsAddresses().get(0);
    }

    public SimpleResolver client(boolean tcp) {
        SimpleResolver r = new SimpleResolver(dns());
        r.setTCP(tcp);
        r.setTimeout(Duration.ofSeconds(5));
        r.setIgnoreTruncation(true);
        return r;
    }

    public static Message question(String name, int type, boolean edns) {
        Message m = new Message();
        m.getHeader().setFlag(Flags.RD);
        m.addRecord(Record.newRecord(Name.fromConstantString(name), type, DClass.IN), Section.QUESTION);
        if (edns) {
            m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        }
        return m;
    }

    public Message ask(String name, int type) throws Exception {
        return client(false).send(question(name, type, true));
    }

    /** One query over a raw TCP connection (dnsjava's client treats some types, like AXFR, specially). */
    public Message rawTcp(Message query) throws Exception {
        try (java.net.Socket s = new java.net.Socket(dns().getAddress(), dns().getPort())) {
            s.setSoTimeout(5000);
            byte[] q = query.toWire();
            java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
            out.writeShort(q.length);
            out.write(q);
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            byte[] r = new byte[in.readUnsignedShort()];
            in.readFully(r);
            return new Message(r);
        }
    }

    public long metric(String name, String... labels) {
        return recursor.metrics().value(name, labels);
    }

    @Override
    public void close() {
        recursor.close();
        lab.close();
    }
}
