package net.gate64.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import net.gate64.resolver.wire.QueryView;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.DClass;

class PacketKeyTest {
    @Test
    void eightBytesAtOnceLowercaseExactlyLikeOneAtATime() {
        // every byte value in every position of the word
        for (int pos = 0; pos < 8; pos++) {
            for (int b = 0; b < 256; b++) {
                long word = 0x5a41307a612d5f40L; // "ZA0za-_@": neighbours that sit at the edges of the range
                word = (word & ~(0xffL << (8 * pos))) | ((long) b << (8 * pos));
                byte[] bytes = ByteBuffer.allocate(8).putLong(word).array();
                for (int i = 0; i < 8; i++) {
                    bytes[i] = PacketKey.lower(bytes[i]);
                }
                assertEquals(ByteBuffer.wrap(bytes).getLong(), PacketKey.lower8(word), "byte " + b + " at " + pos);
            }
        }
    }

    @Test
    void hashOnTheQueryBytesIsTheKeysHash() throws Exception {
        // names of every length class around the 8-byte words, in mixed case, with and without EDNS flags
        String label = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-";
        for (int n = 1; n < label.length(); n++) {
            for (String suffix : new String[] {".", ".eXample.", ".a.b.C."}) {
                Name name = Name.fromString(label.substring(0, n) + suffix);
                Message m = new Message(7);
                m.addRecord(Record.newRecord(name, Type.AAAA, DClass.IN), Section.QUESTION);
                ByteBuf b = Unpooled.wrappedBuffer(new byte[3], m.toWire()).skipBytes(3); // a reader index not at 0
                QueryView v = QueryView.parse(b);
                assertEquals(PacketKey.of(b, v, 5, -9).hashCode(), PacketKey.hash(b, v, 5, -9), name.toString());
                Message lower = new Message(7);
                lower.addRecord(Record.newRecord(Name.fromString(name.toString().toLowerCase()), Type.AAAA, DClass.IN), Section.QUESTION);
                ByteBuf lb = Unpooled.wrappedBuffer(lower.toWire());
                assertEquals(PacketKey.of(lb, QueryView.parse(lb), 5, -9), PacketKey.of(b, v, 5, -9), "case-insensitive");
            }
        }
    }
}
