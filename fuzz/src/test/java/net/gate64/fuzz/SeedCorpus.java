package net.gate64.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Writes the seed corpora under src/test/resources (run from fuzz/ by fuzz/run.sh --seeds; the output is committed).
 * Seeds are well-formed inputs of each kind, so that fuzzing starts from the interesting structure rather than from
 * nothing. Inputs of FuzzedDataProvider targets end with the bytes their leading consume calls take (Jazzer reads
 * those from the end).
 */
public final class SeedCorpus {
    private static final Path ROOT = Path.of("src/test/resources/net/gate64/fuzz");

    public static void main(String[] args) throws Exception {
        Path repo = Path.of("..");
        List<byte[]> queries = queries();
        write("QueryWireFuzzTestInputs/queryViewAndPacketKey", queries);
        List<byte[]> responses = new ArrayList<>();
        for (byte[] r : responses()) {
            responses.add(concat(r, new byte[] {10, 1, 2}));
        }
        write("ResponseReaderFuzzTestInputs/readResponse", responses);
        List<byte[]> streams = new ArrayList<>();
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (byte[] q : queries) {
            s.write(q.length >>> 8);
            s.write(q.length);
            s.write(q);
        }
        byte[] stream = s.toByteArray();
        streams.add(concat(stream, new byte[] {0, (byte) (stream.length >>> 8), (byte) stream.length, 0, 0, 2}));
        write("TcpFramingFuzzTestInputs/framing", streams);
        List<byte[]> packets = new ArrayList<>();
        byte[] udp6 = ipv6Udp();
        packets.add(concat(concat(udp6, ipv4UdpReply()), new byte[] {(byte) udp6.length, 0, 2, 1}));
        packets.add(concat(udp6, new byte[] {1, 0}));
        write("Nat64TranslatorFuzzTestInputs/translate", packets);
        write("ConfigFuzzTestInputs/recursorSettings", List.of(
                concat(Files.readAllBytes(repo.resolve("conf/recursor.conf")), "threads=2".getBytes()),
                concat(Files.readAllBytes(repo.resolve("conf/demo.conf")), "allow-from=[]".getBytes())));
        write("ConfigFuzzTestInputs/nat64Settings", List.of(Files.readAllBytes(repo.resolve("conf/nat64.conf"))));
        write("ConfigFuzzTestInputs/zoneFiles", List.of(
                Files.readAllBytes(repo.resolve("resolver/src/main/resources/named.root")),
                Files.readAllBytes(repo.resolve("contrib/lab/demo/127.0.53.1/root.zone")),
                ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n".getBytes()));
    }

    private static List<byte[]> queries() throws IOException {
        List<byte[]> out = new ArrayList<>();
        String[] names = {"v4only.demo.test.", "WWW.Example.COM.", "a.b.c.d.e.f.g.h.example.", "."};
        int[] types = {Type.A, Type.AAAA, Type.PTR, Type.TXT, Type.ANY};
        for (int i = 0; i < names.length; i++) {
            Message m = new Message();
            m.getHeader().setFlag(Flags.RD);
            if (i % 2 == 1) {
                m.getHeader().setFlag(Flags.CD);
            }
            m.addRecord(Record.newRecord(Name.fromString(names[i]), types[i % types.length], DClass.IN), Section.QUESTION);
            out.add(m.toWire());
            m.addRecord(new OPTRecord(1232, 0, 0, i % 2 == 0 ? Flags.DO : 0), Section.ADDITIONAL);
            out.add(m.toWire());
        }
        out.add(new byte[] {0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1}); // pointer to itself
        return out;
    }

    private static List<byte[]> responses() throws IOException {
        List<byte[]> out = new ArrayList<>();
        Name q = Name.fromString("www.demo.test.");
        Name target = Name.fromString("v4only.demo.test.");
        Name zone = Name.fromString("demo.test.");
        Message answer = reply(q, Type.A, Rcode.NOERROR);
        answer.addRecord(new CNAMERecord(q, DClass.IN, 300, target), Section.ANSWER);
        answer.addRecord(new ARecord(target, DClass.IN, 300, java.net.InetAddress.getByName("192.0.2.10")), Section.ANSWER);
        answer.addRecord(new ARecord(Name.fromString("evil.example."), DClass.IN, 300,
                java.net.InetAddress.getByName("192.0.2.66")), Section.ADDITIONAL); // out of bailiwick
        out.add(answer.toWire());
        Message nx = reply(q, Type.AAAA, Rcode.NXDOMAIN);
        nx.addRecord(new SOARecord(zone, DClass.IN, 300, Name.fromString("ns.demo.test."),
                Name.fromString("root.demo.test."), 1, 3600, 600, 86400, 60), Section.AUTHORITY);
        out.add(nx.toWire());
        Message referral = reply(q, Type.A, Rcode.NOERROR);
        referral.getHeader().unsetFlag(Flags.AA);
        referral.addRecord(new NSRecord(zone, DClass.IN, 3600, Name.fromString("ns.demo.test.")), Section.AUTHORITY);
        referral.addRecord(new ARecord(Name.fromString("ns.demo.test."), DClass.IN, 3600,
                java.net.InetAddress.getByName("127.0.53.3")), Section.ADDITIONAL);
        out.add(referral.toWire());
        return out;
    }

    private static Message reply(Name q, int type, int rcode) {
        Message m = new Message(0x1234);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        m.getHeader().setRcode(rcode);
        m.addRecord(Record.newRecord(q, type, DClass.IN), Section.QUESTION);
        return m;
    }

    /** UDP from [2001:db8:1::10]:40000 to [64:ff9b::203.0.113.5]:53 with 8 payload bytes. */
    private static byte[] ipv6Udp() {
        byte[] p = new byte[40 + 8 + 8];
        p[0] = 0x60;
        p[5] = 16;
        p[6] = 17;
        p[7] = 64;
        byte[] src = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
        byte[] dst = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 203, 0, 113, 5};
        System.arraycopy(src, 0, p, 8, 16);
        System.arraycopy(dst, 0, p, 24, 16);
        p[40] = (byte) (40000 >>> 8);
        p[41] = (byte) 40000;
        p[43] = 53;
        p[45] = 16;
        for (int i = 48; i < p.length; i++) {
            p[i] = (byte) i;
        }
        int sum = 0;
        for (int i = 8; i < 40; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        sum += 17 + 16;
        for (int i = 40; i < p.length; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        int c = ~sum & 0xffff;
        p[46] = (byte) (c >>> 8);
        p[47] = (byte) c;
        return p;
    }

    /** UDP from 203.0.113.5:53 to 198.51.100.0:2000 (the first binding the stateful table hands out). */
    private static byte[] ipv4UdpReply() {
        byte[] p = new byte[20 + 8 + 8];
        p[0] = 0x45;
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = 17;
        byte[] src = {(byte) 203, 0, 113, 5};
        byte[] dst = {(byte) 198, 51, 100, 0};
        System.arraycopy(src, 0, p, 12, 4);
        System.arraycopy(dst, 0, p, 16, 4);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        p[10] = (byte) (~sum >>> 8);
        p[11] = (byte) ~sum;
        p[21] = 53;
        p[22] = (byte) (2000 >>> 8);
        p[23] = (byte) 2000;
        p[25] = 16; // UDP checksum 0: RFC 7915 §4.5 lets a translator compute it or drop
        return p;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void write(String dir, List<byte[]> inputs) throws IOException {
        Path d = ROOT.resolve(dir);
        Files.createDirectories(d);
        for (int i = 0; i < inputs.size(); i++) {
            Files.write(d.resolve("seed-" + i), inputs.get(i));
        }
    }
}
