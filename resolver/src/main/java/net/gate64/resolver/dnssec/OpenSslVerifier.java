package net.gate64.resolver.dnssec;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signature verification by OpenSSL's libcrypto through the FFM API (no JNI), for the algorithms DNSSEC uses most.
 * The JDK's ECDSA P-256 check costs about ten times OpenSSL's on this hardware, and a validating resolver does one per
 * fresh answer; this is the difference between validation costing most of a core and costing little.
 *
 * <p>Used by {@link VerificationCache} when libcrypto.so.3 loads; otherwise the JDK's verifiers serve, with the same
 * results (a unit test checks both against each other). Keys are parsed once ({@code d2i_PUBKEY} of the key's X.509
 * encoding, which is what {@code PublicKey.getEncoded()} gives) and kept, up to a bound; beyond it a key is parsed,
 * used and freed.
 */
final class OpenSslVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(OpenSslVerifier.class);
    private static final int MAX_KEYS = 4096;
    private static final OpenSslVerifier INSTANCE = load();

    private final MethodHandle d2iPubkey;
    private final MethodHandle mdCtxNew;
    private final MethodHandle mdCtxFree;
    private final MethodHandle digestVerifyInit;
    private final MethodHandle digestVerify;
    private final MethodHandle pkeyFree;
    private final MemorySegment sha1;
    private final MemorySegment sha256;
    private final MemorySegment sha384;
    private final MemorySegment sha512;
    private final Map<ByteBuffer, MemorySegment> keys = new ConcurrentHashMap<>();

    private OpenSslVerifier(SymbolLookup crypto) throws Throwable {
        Linker linker = Linker.nativeLinker();
        d2iPubkey = linker.downcallHandle(crypto.find("d2i_PUBKEY").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        mdCtxNew = linker.downcallHandle(crypto.find("EVP_MD_CTX_new").orElseThrow(), FunctionDescriptor.of(ADDRESS));
        mdCtxFree = linker.downcallHandle(crypto.find("EVP_MD_CTX_free").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
        digestVerifyInit = linker.downcallHandle(crypto.find("EVP_DigestVerifyInit").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        digestVerify = linker.downcallHandle(crypto.find("EVP_DigestVerify").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
        pkeyFree = linker.downcallHandle(crypto.find("EVP_PKEY_free").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
        sha1 = md(linker, crypto, "EVP_sha1");
        sha256 = md(linker, crypto, "EVP_sha256");
        sha384 = md(linker, crypto, "EVP_sha384");
        sha512 = md(linker, crypto, "EVP_sha512");
    }

    private static MemorySegment md(Linker linker, SymbolLookup crypto, String name) throws Throwable {
        return (MemorySegment) linker.downcallHandle(crypto.find(name).orElseThrow(), FunctionDescriptor.of(ADDRESS))
                .invokeExact();
    }

    private static OpenSslVerifier load() {
        try {
            OpenSslVerifier v = new OpenSslVerifier(SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global()));
            LOG.debug("DNSSEC signatures are checked by OpenSSL's libcrypto");
            return v;
        } catch (Throwable e) { // no library, no native access: the JDK's verifiers serve
            LOG.debug("libcrypto not usable ({}); DNSSEC signatures are checked by the JDK", e.toString());
            return null;
        }
    }

    /** The verifier, or null when libcrypto is not available. */
    static OpenSslVerifier instance() {
        return INSTANCE;
    }

    /** Whether this verifier handles {@code algorithm} (a JCA signature name). */
    boolean handles(String algorithm) {
        return digestFor(algorithm) != null || algorithm.equals("Ed25519") || algorithm.equals("Ed448");
    }

    private MemorySegment digestFor(String algorithm) {
        return switch (algorithm) {
            case "SHA1withRSA" -> sha1;
            case "SHA256withRSA", "SHA256withECDSA" -> sha256;
            case "SHA384withECDSA" -> sha384;
            case "SHA512withRSA" -> sha512;
            default -> null;
        };
    }

    /**
     * @param x509Key the public key as X.509 SubjectPublicKeyInfo (DER)
     * @param signature in the JCA's form for the algorithm (DER for ECDSA)
     * @return whether the signature verifies; false for any failure, parse errors included
     */
    boolean verify(String algorithm, byte[] x509Key, byte[] data, byte[] signature) {
        ByteBuffer k = ByteBuffer.wrap(x509Key);
        MemorySegment pkey = keys.get(k);
        boolean kept = pkey != null;
        if (pkey == null) {
            pkey = parse(x509Key);
            if (pkey == null) {
                return false;
            }
            kept = keys.size() < MAX_KEYS && keys.putIfAbsent(k, pkey) == null;
        }
        try {
            return verify(algorithm, pkey, data, signature);
        } finally {
            if (!kept) {
                free(pkey); // beyond the bound (or lost a race): used once, then freed
            }
        }
    }

    private void free(MemorySegment pkey) {
        try {
            pkeyFree.invokeExact(pkey);
        } catch (Throwable e) {
            // nothing sensible to do; the key was valid a moment ago
        }
    }

    private boolean verify(String algorithm, MemorySegment pkey, byte[] data, byte[] signature) {
        MemorySegment digest = digestFor(algorithm);
        MemorySegment md = digest == null ? MemorySegment.NULL : digest; // EdDSA: no separate digest
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = (MemorySegment) mdCtxNew.invokeExact();
            if (ctx.equals(MemorySegment.NULL)) {
                return false;
            }
            try {
                int ok = (int) digestVerifyInit.invokeExact(ctx, MemorySegment.NULL, md, MemorySegment.NULL, pkey);
                if (ok != 1) {
                    return false;
                }
                MemorySegment sig = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, signature);
                MemorySegment tbs = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, data);
                return (int) digestVerify.invokeExact(ctx, sig, (long) signature.length, tbs, (long) data.length) == 1;
            } finally {
                mdCtxFree.invokeExact(ctx);
            }
        } catch (Throwable e) {
            return false;
        }
    }

    /** An EVP_PKEY for the X.509-encoded key, or null when OpenSSL cannot parse it. */
    private MemorySegment parse(byte[] x509Key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment der = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, x509Key);
            MemorySegment pp = arena.allocate(ADDRESS);
            pp.set(ADDRESS, 0, der);
            MemorySegment pkey = (MemorySegment) d2iPubkey.invokeExact(MemorySegment.NULL, pp, (long) x509Key.length);
            return pkey.equals(MemorySegment.NULL) ? null : pkey;
        } catch (Throwable e) {
            return null;
        }
    }
}
