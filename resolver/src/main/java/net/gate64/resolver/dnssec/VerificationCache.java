package net.gate64.resolver.dnssec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Remembers the outcome of public-key signature checks, so the same RRSIG over the same data with the same key is
 * verified once. Java's ECDSA is several times slower than OpenSSL's, and a recursor sees the same signatures again and
 * again: the NSEC records that prove a zone's denials, and every expansion of a wildcard, which carries the one
 * signature made over the wildcard RRset (RFC 4035 §5.3.2 rebuilds the same signed data for each).
 *
 * <p>What is not in the cache is checked by OpenSSL's libcrypto through FFM when it loads ({@link OpenSslVerifier}),
 * otherwise by the JDK.
 *
 * <p>dnsjava's validator asks the JCA for its verifiers ({@code Signature.getInstance("SHA256withECDSA")} and the
 * like), so the cache is a JCA provider placed first, whose verifiers delegate to the provider that would have served
 * otherwise. The key of an entry is SHA-256 over the public key, the signed data and the signature: a hit means the
 * same inputs, so the same answer. Only verification is cached; signing goes straight to the real provider. Validity
 * windows are not part of the signature check (dnsjava compares them with the clock itself), so a cached "valid"
 * never outlives an RRSIG's expiration.
 */
public final class VerificationCache {
    private static final List<String> ALGORITHMS = List.of("SHA1withRSA", "SHA256withRSA", "SHA512withRSA",
            "SHA256withECDSA", "SHA384withECDSA", "Ed25519", "Ed448");
    private static final int MAX_ENTRIES = 200_000;
    private static final Cache<ByteBuffer, Boolean> RESULTS = Caffeine.newBuilder().maximumSize(MAX_ENTRIES)
            .executor(Runnable::run).build();
    private static final LongAdder HITS = new LongAdder();
    private static final LongAdder MISSES = new LongAdder();
    private static final LongAdder NATIVE = new LongAdder();
    private static volatile boolean installed;

    private VerificationCache() {}

    /** Installs the caching provider in front of every other (once per process). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        Provider p = new CachingProvider();
        Security.insertProviderAt(p, 1);
        installed = true;
    }

    public static long hits() {
        return HITS.sum();
    }

    public static long misses() {
        return MISSES.sum();
    }

    /** Checks done by OpenSSL rather than the JDK. */
    public static long nativeChecks() {
        return NATIVE.sum();
    }

    private static Provider realProvider(String alg) {
        try {
            return Signature.getInstance(alg).getProvider();
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
    }

    /** The provider: one Signature service per algorithm the JDK has, each wrapping the JDK's own. */
    private static final class CachingProvider extends Provider {
        CachingProvider() {
            super("Gate64VerificationCache", "1.0", "caches signature verification results");
            for (String alg : ALGORITHMS) {
                Provider real = realProvider(alg);
                if (real == null) {
                    continue; // the JDK lacks it: dnsjava then treats the algorithm as unsupported
                }
                putService(new Service(this, "Signature", alg, CachingSignature.class.getName(), null, null) {
                    @Override
                    public Object newInstance(Object constructorParameter) {
                        return new CachingSignature(alg, real);
                    }
                });
            }
        }
    }

    /**
     * A verifier that keeps what it is fed, answers from the cache when it can, and otherwise asks OpenSSL (when
     * libcrypto loads) or the JDK's own verifier. Signing goes straight to the JDK's.
     */
    static final class CachingSignature extends SignatureSpi {
        private final String algorithm;
        private final Provider real;
        private Signature delegate;
        private final java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream(256);
        private PublicKey publicKey;
        private byte[] keyBytes;
        private boolean signing;

        CachingSignature(String algorithm, Provider real) {
            this.algorithm = algorithm;
            this.real = real;
        }

        private Signature delegate() {
            if (delegate == null) {
                try {
                    delegate = Signature.getInstance(algorithm, real);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
            return delegate;
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
            if (publicKey == null || publicKey.getEncoded() == null) {
                throw new InvalidKeyException("no key");
            }
            this.publicKey = publicKey;
            this.keyBytes = publicKey.getEncoded();
            this.signing = false;
            data.reset();
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            delegate().initSign(privateKey);
            signing = true;
        }

        @Override
        protected void engineUpdate(byte b) throws SignatureException {
            engineUpdate(new byte[] {b}, 0, 1);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
            if (signing) {
                delegate.update(b, off, len);
            } else {
                data.write(b, off, len);
            }
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            return delegate.sign();
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
            byte[] signed = data.toByteArray();
            data.reset();
            MessageDigest d;
            try {
                d = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            d.update(signed);
            d.update((byte) 0); // separators keep (data, signature, key) boundaries unambiguous
            d.update(sigBytes);
            d.update((byte) 0);
            d.update(keyBytes);
            d.update(algorithm.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            ByteBuffer key = ByteBuffer.wrap(d.digest());
            Boolean known = RESULTS.getIfPresent(key);
            if (known != null) {
                HITS.increment();
                return known;
            }
            MISSES.increment();
            boolean ok = check(signed, sigBytes);
            RESULTS.put(key, ok);
            return ok;
        }

        private boolean check(byte[] signed, byte[] sigBytes) throws SignatureException {
            OpenSslVerifier openssl = OpenSslVerifier.instance();
            if (openssl != null && openssl.handles(algorithm)) {
                NATIVE.increment();
                return openssl.verify(algorithm, keyBytes, signed, sigBytes);
            }
            try {
                Signature s = delegate();
                s.initVerify(publicKey);
                s.update(signed);
                return s.verify(sigBytes);
            } catch (InvalidKeyException e) {
                throw new SignatureException(e);
            }
        }

        @Override
        @SuppressWarnings("deprecation")
        protected void engineSetParameter(String param, Object value) throws InvalidParameterException {
            throw new InvalidParameterException("not supported");
        }

        @Override
        @SuppressWarnings("deprecation")
        protected Object engineGetParameter(String param) throws InvalidParameterException {
            throw new InvalidParameterException("not supported");
        }

        @Override
        public String toString() {
            return "CachingSignature[" + algorithm + " via " + real.getName() + ", key " + Arrays.hashCode(keyBytes) + "]";
        }
    }
}
