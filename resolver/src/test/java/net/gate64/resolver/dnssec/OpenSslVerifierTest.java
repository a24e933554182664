package net.gate64.resolver.dnssec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** OpenSSL's answers must be the JDK's, for good and bad signatures of every algorithm it takes over. */
class OpenSslVerifierTest {
    private static KeyPair pair(String alg) throws Exception {
        return switch (alg) {
            case "SHA256withECDSA", "SHA384withECDSA" -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec(alg.startsWith("SHA256") ? "secp256r1" : "secp384r1"));
                yield g.generateKeyPair();
            }
            case "Ed25519" -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            default -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                yield g.generateKeyPair();
            }
        };
    }

    @Test
    void agreesWithTheJdk() throws Exception {
        OpenSslVerifier openssl = OpenSslVerifier.instance();
        assumeTrue(openssl != null, "libcrypto.so.3 not loadable here: the JDK verifies (nothing to compare)");
        Random random = new Random(42);
        for (String alg : new String[] {"SHA256withECDSA", "SHA384withECDSA", "Ed25519", "SHA256withRSA", "SHA512withRSA"}) {
            assertTrue(openssl.handles(alg), alg);
            KeyPair pair = pair(alg);
            KeyPair other = pair(alg);
            for (int i = 0; i < 20; i++) {
                byte[] data = new byte[1 + random.nextInt(300)];
                random.nextBytes(data);
                Signature s = Signature.getInstance(alg, alg.contains("RSA") ? "SunRsaSign" : "SunEC");
                s.initSign(pair.getPrivate());
                s.update(data);
                byte[] sig = s.sign();
                byte[] key = pair.getPublic().getEncoded();
                assertTrue(openssl.verify(alg, key, data, sig), alg + " good signature");
                byte[] tampered = data.clone();
                tampered[random.nextInt(tampered.length)] ^= 1;
                assertFalse(openssl.verify(alg, key, tampered, sig), alg + " other data");
                assertFalse(openssl.verify(alg, other.getPublic().getEncoded(), data, sig), alg + " other key");
                byte[] badSig = sig.clone();
                badSig[badSig.length / 2] ^= 1;
                Signature jdk = Signature.getInstance(alg, alg.contains("RSA") ? "SunRsaSign" : "SunEC");
                jdk.initVerify(pair.getPublic());
                jdk.update(data);
                boolean jdkSays;
                try {
                    jdkSays = jdk.verify(badSig);
                } catch (java.security.SignatureException e) {
                    jdkSays = false; // a malformed DER signature
                }
                assertEquals(jdkSays, openssl.verify(alg, key, data, badSig), alg + " damaged signature");
            }
        }
        assertFalse(openssl.verify("SHA256withECDSA", new byte[] {1, 2, 3}, new byte[1], new byte[8]), "garbage key");
    }
}
