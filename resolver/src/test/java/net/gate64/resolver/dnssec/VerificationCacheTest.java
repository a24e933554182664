package net.gate64.resolver.dnssec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

class VerificationCacheTest {
    private static boolean verify(String alg, KeyPair pair, byte[] data, byte[] sig) throws Exception {
        Signature v = Signature.getInstance(alg);
        v.initVerify(pair.getPublic());
        v.update(data);
        return v.verify(sig);
    }

    @Test
    void repeatedChecksAreAnsweredFromTheCacheAndNeverConfuseInputs() throws Exception {
        VerificationCache.install();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        KeyPair other = g.generateKeyPair();
        byte[] data = "www.example. A 192.0.2.1".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(pair.getPrivate());
        s.update(data);
        byte[] sig = s.sign();
        assertEquals("Gate64VerificationCache", Signature.getInstance("SHA256withECDSA").getProvider().getName());

        long hits = VerificationCache.hits();
        assertTrue(verify("SHA256withECDSA", pair, data, sig));
        assertTrue(verify("SHA256withECDSA", pair, data, sig));
        assertEquals(hits + 1, VerificationCache.hits(), "the second identical check is a cache hit");

        byte[] tampered = data.clone();
        tampered[0] ^= 1;
        assertFalse(verify("SHA256withECDSA", pair, tampered, sig), "other data: verified afresh, and false");
        assertFalse(verify("SHA256withECDSA", other, data, sig), "another key: false");
        byte[] badSig = sig.clone();
        badSig[badSig.length - 1] ^= 1;
        assertFalse(verify("SHA256withECDSA", pair, data, badSig));
        assertFalse(verify("SHA256withECDSA", pair, data, badSig), "a cached failure stays a failure");
        assertTrue(verify("SHA256withECDSA", pair, data, sig));
    }
}
