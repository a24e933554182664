package net.gate64.nat64.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.gate64.nat64.testing.Wire;
import org.junit.jupiter.api.Test;

class ChecksumsTest {
    @Test
    void incrementalUpdateMatchesFullRecomputation() { // RFC 1624
        Random r = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            byte[] data = new byte[2 + r.nextInt(200) * 2];
            r.nextBytes(data);
            int original = Wire.checksum(data, 0, data.length);
            int at = r.nextInt(data.length / 2) * 2;
            int oldWord = Wire.u16(data, at);
            int newWord = r.nextInt(65536);
            data[at] = (byte) (newWord >>> 8);
            data[at + 1] = (byte) newWord;
            int full = Wire.checksum(data, 0, data.length);
            int incremental = Checksums.update(original, oldWord, newWord);
            assertEquals(full == 0xffff ? 0 : full, incremental == 0xffff ? 0 : incremental, "case " + i);
        }
    }

    @Test
    void sumAndFinishAgreeWithTheTextbook() {
        Random r = new Random(3);
        for (int i = 0; i < 1000; i++) {
            byte[] data = new byte[r.nextInt(1500) + 1];
            r.nextBytes(data);
            assertEquals(Wire.checksum(data, 0, data.length), Checksums.finish(Checksums.sum(data, 0, data.length, 0)));
        }
    }
}
