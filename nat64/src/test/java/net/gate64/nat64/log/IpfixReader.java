package net.gate64.nat64.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small IPFIX collector for tests, written from RFC 7011 §3 independently of the encoder: it learns templates
 * from template sets and decodes data sets into (information element → value bytes) maps.
 */
final class IpfixReader {
    record Header(int version, int length, long exportTime, long sequence, long domain) {}

    record Record(int templateId, Map<Integer, byte[]> fields) {
        long number(int ie) {
            long v = 0;
            for (byte b : fields.get(ie)) {
                v = (v << 8) | (b & 0xff);
            }
            return v;
        }
    }

    final Map<Integer, int[]> templates = new HashMap<>();
    final List<Header> headers = new ArrayList<>();
    final List<Record> records = new ArrayList<>();

    void read(ByteBuffer message) {
        ByteBuffer b = message.duplicate();
        int start = b.position();
        Header h = new Header(b.getShort() & 0xffff, b.getShort() & 0xffff, b.getInt() & 0xffffffffL,
                b.getInt() & 0xffffffffL, b.getInt() & 0xffffffffL);
        if (h.version != 10 || h.length != message.remaining()) {
            throw new IllegalArgumentException("bad header " + h + " for " + message.remaining() + " bytes");
        }
        headers.add(h);
        while (b.position() < start + h.length) {
            int setStart = b.position();
            int id = b.getShort() & 0xffff;
            int len = b.getShort() & 0xffff;
            if (len < 4 || setStart + len > start + h.length) {
                throw new IllegalArgumentException("bad set length " + len);
            }
            int end = setStart + len;
            if (id == 2) {
                while (end - b.position() >= 4) {
                    int tid = b.getShort() & 0xffff;
                    int count = b.getShort() & 0xffff;
                    int[] spec = new int[count * 2];
                    for (int i = 0; i < count; i++) {
                        int ie = b.getShort() & 0xffff;
                        if ((ie & 0x8000) != 0) {
                            throw new IllegalArgumentException("unexpected enterprise element");
                        }
                        spec[2 * i] = ie;
                        spec[2 * i + 1] = b.getShort() & 0xffff;
                    }
                    templates.put(tid, spec);
                }
            } else if (id >= 256) {
                int[] spec = templates.get(id);
                if (spec == null) {
                    throw new IllegalArgumentException("data set " + id + " before its template");
                }
                int recordLength = 0;
                for (int i = 1; i < spec.length; i += 2) {
                    recordLength += spec[i];
                }
                while (end - b.position() >= recordLength) {
                    Map<Integer, byte[]> fields = new LinkedHashMap<>();
                    for (int i = 0; i < spec.length; i += 2) {
                        byte[] v = new byte[spec[i + 1]];
                        b.get(v);
                        fields.put(spec[i], v);
                    }
                    records.add(new Record(id, fields));
                }
            }
            b.position(end);
        }
    }
}
