package net.gate64.nat64.testing;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Hand-built packets and an independent checksum for the tests: written the plain way (RFC 1071 loop, pseudo headers
 * spelled out) and sharing no code with the translator, so that a checksum bug there cannot hide itself here.
 */
public final class Wire {
    private Wire() {}

    public static byte[] addr(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (Exception e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    public static int v4(String literal) {
        return ByteBuffer.wrap(addr(literal)).getInt();
    }

    /** RFC 1071, the textbook way. */
    public static int checksum(byte[] data, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = data[off + i] & 0xff;
            int lo = i + 1 < len ? data[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** Whether a transport/ICMPv6 checksum over an IPv6 packet's payload verifies (with the pseudo header). */
    public static boolean v6TransportOk(byte[] p, int l4, int len, int proto) {
        byte[] buf = new byte[40 + len];
        System.arraycopy(p, 8, buf, 0, 32);
        buf[32] = (byte) (len >>> 24);
        buf[33] = (byte) (len >>> 16);
        buf[34] = (byte) (len >>> 8);
        buf[35] = (byte) len;
        buf[39] = (byte) proto;
        System.arraycopy(p, l4, buf, 40, len);
        return checksum(buf, 0, buf.length) == 0;
    }

    /** Whether a TCP/UDP checksum over an IPv4 packet's payload verifies (with the pseudo header). */
    public static boolean v4TransportOk(byte[] p, int l4, int len, int proto) {
        byte[] buf = new byte[12 + len];
        System.arraycopy(p, 12, buf, 0, 8);
        buf[9] = (byte) proto;
        buf[10] = (byte) (len >>> 8);
        buf[11] = (byte) len;
        System.arraycopy(p, l4, buf, 12, len);
        return checksum(buf, 0, buf.length) == 0;
    }

    public static boolean v4HeaderOk(byte[] p, int off) {
        return checksum(p, off, (p[off] & 0x0f) * 4) == 0;
    }

    public static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    public static long u32(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 4).getInt() & 0xffffffffL;
    }

    public static byte[] slice(byte[] b, int off, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, off, out, 0, len);
        return out;
    }

    /** An IPv6 packet: fixed header + optional fragment header + transport bytes with the checksum filled in. */
    public static byte[] ipv6(String src, String dst, int proto, int hopLimit, int trafficClass, byte[] l4) {
        return ipv6(src, dst, proto, hopLimit, trafficClass, l4, -1, 0, false);
    }

    /** {@code fragOffset} ≥ 0 adds a Fragment header (offset in bytes) with identification {@code id}. */
    public static byte[] ipv6(String src, String dst, int proto, int hopLimit, int trafficClass, byte[] l4,
                              int fragOffset, int id, boolean more) {
        int frag = fragOffset >= 0 ? 8 : 0;
        ByteBuffer b = ByteBuffer.allocate(40 + frag + l4.length);
        b.putInt(0x60000000 | (trafficClass << 20) | 0x12345);
        b.putShort((short) (frag + l4.length));
        b.put((byte) (frag > 0 ? 44 : proto));
        b.put((byte) hopLimit);
        b.put(addr(src)).put(addr(dst));
        if (frag > 0) {
            b.put((byte) proto).put((byte) 0).putShort((short) (fragOffset | (more ? 1 : 0))).putInt(id);
        }
        b.put(l4);
        byte[] p = b.array();
        int ck = checksumOffset(proto);
        // A first fragment gets a checksum over its own bytes only: enough to check that translation keeps it
        // consistent, since the pseudo-header length is the same on both sides.
        if (ck >= 0 && fragOffset <= 0) {
            int l4off = 40 + frag;
            p[l4off + ck] = 0;
            p[l4off + ck + 1] = 0;
            byte[] pseudo = new byte[40 + l4.length];
            System.arraycopy(p, 8, pseudo, 0, 32);
            int len = l4.length;
            pseudo[34] = (byte) (len >>> 8);
            pseudo[35] = (byte) len;
            pseudo[39] = (byte) proto;
            System.arraycopy(p, l4off, pseudo, 40, len);
            int c = checksum(pseudo, 0, pseudo.length);
            if (proto == 17 && c == 0) {
                c = 0xffff;
            }
            p[l4off + ck] = (byte) (c >>> 8);
            p[l4off + ck + 1] = (byte) c;
        }
        return p;
    }

    /** An IPv4 packet with a correct header checksum and transport checksum (unless {@code keepChecksum}). */
    public static byte[] ipv4(String src, String dst, int proto, int ttl, int tos, int flagsFrag, int id, byte[] l4,
                              boolean keepChecksum) {
        ByteBuffer b = ByteBuffer.allocate(20 + l4.length);
        b.put((byte) 0x45).put((byte) tos).putShort((short) (20 + l4.length)).putShort((short) id)
                .putShort((short) flagsFrag).put((byte) ttl).put((byte) proto).putShort((short) 0)
                .put(addr(src)).put(addr(dst)).put(l4);
        byte[] p = b.array();
        int hc = checksum(p, 0, 20);
        p[10] = (byte) (hc >>> 8);
        p[11] = (byte) hc;
        int ck = proto == 1 ? 2 : checksumOffset(proto);
        if (ck >= 0 && !keepChecksum) {
            p[20 + ck] = 0;
            p[20 + ck + 1] = 0;
            int c;
            if (proto == 1) {
                c = checksum(p, 20, l4.length);
            } else {
                byte[] pseudo = new byte[12 + l4.length];
                System.arraycopy(p, 12, pseudo, 0, 8);
                pseudo[9] = (byte) proto;
                pseudo[10] = (byte) (l4.length >>> 8);
                pseudo[11] = (byte) l4.length;
                System.arraycopy(p, 20, pseudo, 12, l4.length);
                c = checksum(pseudo, 0, pseudo.length);
                if (proto == 17 && c == 0) {
                    c = 0xffff;
                }
            }
            p[20 + ck] = (byte) (c >>> 8);
            p[20 + ck + 1] = (byte) c;
        }
        return p;
    }

    private static int checksumOffset(int proto) {
        return switch (proto) {
            case 6 -> 16;
            case 17 -> 6;
            case 58 -> 2;
            default -> -1;
        };
    }

    public static byte[] udp(int sport, int dport, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length)).putShort((short) 0)
                .put(payload);
        return b.array();
    }

    public static byte[] tcp(int sport, int dport, int flags, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.putShort((short) sport).putShort((short) dport).putInt(1000).putInt(0).put((byte) 0x50).put((byte) flags)
                .putShort((short) 65535).putShort((short) 0).putShort((short) 0).put(payload);
        return b.array();
    }

    /** ICMP header (type, code, zero checksum, 4 bytes "rest") + body. */
    public static byte[] icmp(int type, int code, int rest, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length);
        b.put((byte) type).put((byte) code).putShort((short) 0).putInt(rest).put(body);
        return b.array();
    }

    public static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /** Concatenation of byte arrays. */
    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    /** {@code b} padded with zeros to {@code n} bytes (or cut to it). */
    public static byte[] pad(byte[] b, int n) {
        byte[] out = new byte[n];
        System.arraycopy(b, 0, out, 0, Math.min(n, b.length));
        return out;
    }

    /**
     * An IPv6 packet whose payload is {@code chain} as given (extension headers then transport bytes, checksums as
     * the caller made them); {@code firstHeader} goes into the fixed header's Next Header.
     */
    public static byte[] ipv6Raw(String src, String dst, int hopLimit, int firstHeader, byte[] chain) {
        ByteBuffer b = ByteBuffer.allocate(40 + chain.length);
        b.putInt(0x60000000).putShort((short) chain.length).put((byte) firstHeader).put((byte) hopLimit);
        b.put(addr(src)).put(addr(dst)).put(chain);
        return b.array();
    }

    /** An 8-byte Hop-by-Hop, Destination Options or Routing header (Routing: type 4, the given Segments Left). */
    public static byte[] extHeader(int type, int nextHeader, int segmentsLeft) {
        byte[] h = new byte[8];
        h[0] = (byte) nextHeader;
        h[1] = 0;
        if (type == 43) {
            h[2] = 4;
            h[3] = (byte) segmentsLeft;
        } else {
            h[2] = 1; // PadN option filling the header
            h[3] = 4;
        }
        return h;
    }

    /** An Authentication Header (RFC 4302) of 24 bytes (payload length 4 = 6 words - 2). */
    public static byte[] authHeader(int nextHeader) {
        byte[] h = new byte[24];
        h[0] = (byte) nextHeader;
        h[1] = 4;
        return h;
    }

    /** A Fragment header; {@code offset} in bytes. */
    public static byte[] fragmentHeader(int nextHeader, int offset, boolean more, int id) {
        return ByteBuffer.allocate(8).put((byte) nextHeader).put((byte) 0)
                .putShort((short) (offset | (more ? 1 : 0))).putInt(id).array();
    }

    /** Writes the checksum of the upper-layer segment {@code p[l4..l4+len)} of an IPv6 packet (pseudo header). */
    public static void setV6Checksum(byte[] p, int l4, int len, int proto) {
        int ck = l4 + checksumOffset(proto);
        p[ck] = 0;
        p[ck + 1] = 0;
        byte[] pseudo = new byte[40 + len];
        System.arraycopy(p, 8, pseudo, 0, 32);
        pseudo[34] = (byte) (len >>> 8);
        pseudo[35] = (byte) len;
        pseudo[39] = (byte) proto;
        System.arraycopy(p, l4, pseudo, 40, len);
        int c = checksum(pseudo, 0, pseudo.length);
        if (proto == 17 && c == 0) {
            c = 0xffff;
        }
        p[ck] = (byte) (c >>> 8);
        p[ck + 1] = (byte) c;
    }

    /** An RFC 4884 extension structure of {@code n} bytes (n ≥ 8, a multiple of 4): header, one object, checksum. */
    public static byte[] extensionStructure(int n, int seed) {
        byte[] e = bytes(n, seed);
        e[0] = 0x20; // version 2
        e[1] = 0;
        e[2] = 0;
        e[3] = 0;
        e[4] = (byte) ((n - 4) >>> 8); // one object covering the rest
        e[5] = (byte) (n - 4);
        e[6] = 1;
        e[7] = 1;
        int c = checksum(e, 0, n);
        e[2] = (byte) (c >>> 8);
        e[3] = (byte) c;
        return e;
    }
}
