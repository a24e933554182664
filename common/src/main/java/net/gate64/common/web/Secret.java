package net.gate64.common.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * An API key or password from a config file: empty (none set), plain text, or hashed as
 * {@code $pbkdf2-sha256$i=ITERATIONS$SALT$HASH} (base64 without padding; {@link #hash} makes one), so the file need
 * not hold the secret itself — PowerDNS accepts hashed api-key and webserver-password values the same way (its form
 * is scrypt, which the JDK lacks; PBKDF2-HMAC-SHA256 with 600,000 iterations is the JDK's strongest).
 *
 * <p>Comparisons do not leak the secret through timing (both sides are digested, then compared with
 * {@link MessageDigest#isEqual}). A hashed secret costs a PBKDF2 run per check, so at most one runs at a time (a flood
 * of wrong keys takes one core at most, never the DNS path's) and the last key that matched is remembered by its
 * SHA-256 digest, so an operator's repeated requests cost a digest, not a PBKDF2 run.
 */
public final class Secret {
    public static final Secret NONE = new Secret(null, null, 0, null);
    private static final String PREFIX = "$pbkdf2-sha256$";
    private static final int ITERATIONS = 600_000;
    private static final Semaphore HASHING = new Semaphore(1);

    private final byte[] plainDigest; // plain text: SHA-256 of the secret
    private final byte[] salt;        // hashed: the parameters
    private final int iterations;
    private final byte[] hash;
    private volatile byte[] lastMatch; // hashed: SHA-256 of the last presented value that matched

    private Secret(byte[] plainDigest, byte[] salt, int iterations, byte[] hash) {
        this.plainDigest = plainDigest;
        this.salt = salt;
        this.iterations = iterations;
        this.hash = hash;
    }

    /**
     * @throws IllegalArgumentException for a value that starts like the hashed form but is not a valid one (a typo
     *                                  there must not turn into a plain-text key equal to the typo)
     */
    public static Secret parse(String text) {
        if (text == null || text.isEmpty()) {
            return NONE;
        }
        if (!text.startsWith("$")) {
            return new Secret(sha256(text), null, 0, null);
        }
        String[] parts = text.split("\\$", -1); // "", "pbkdf2-sha256", "i=N", salt, hash
        if (parts.length != 5 || !parts[1].equals("pbkdf2-sha256") || !parts[2].startsWith("i=")) {
            throw new IllegalArgumentException("a hashed secret must look like " + PREFIX
                    + "i=ITERATIONS$SALT$HASH (make one with `gate64 control hash-password`); plain secrets must not "
                    + "start with '$'");
        }
        try {
            int iterations = Integer.parseInt(parts[2].substring(2));
            byte[] salt = Base64.getDecoder().decode(parts[3]);
            byte[] hash = Base64.getDecoder().decode(parts[4]);
            if (iterations < 1000 || salt.length < 8 || hash.length != 32) {
                throw new IllegalArgumentException("hashed secret with too few iterations, a short salt or a hash "
                        + "that is not 32 bytes");
            }
            return new Secret(null, salt, iterations, hash);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hashed secret: iteration count is not a number");
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("hashed secret")) {
                throw e;
            }
            throw new IllegalArgumentException("hashed secret: salt or hash is not base64");
        }
    }

    /** The hashed form of {@code plain}, with a fresh random salt. */
    public static String hash(String plain) {
        if (plain.isEmpty()) {
            throw new IllegalArgumentException("an empty secret cannot be hashed");
        }
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "i=" + ITERATIONS + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(pbkdf2(plain, salt, ITERATIONS));
    }

    public boolean isSet() {
        return plainDigest != null || hash != null;
    }

    public boolean isHashed() {
        return hash != null;
    }

    /** Whether {@code presented} is this secret; never true when none is set. */
    public boolean matches(String presented) {
        if (presented == null || !isSet()) {
            return false;
        }
        byte[] digest = sha256(presented);
        if (plainDigest != null) {
            return MessageDigest.isEqual(plainDigest, digest);
        }
        byte[] last = lastMatch;
        if (last != null && MessageDigest.isEqual(last, digest)) {
            return true;
        }
        HASHING.acquireUninterruptibly();
        try {
            boolean ok = MessageDigest.isEqual(hash, pbkdf2(presented, salt, iterations));
            if (ok) {
                lastMatch = digest;
            }
            return ok;
        } finally {
            HASHING.release();
        }
    }

    private static byte[] pbkdf2(String plain, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(plain.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return !isSet() ? "(none)" : isHashed() ? "(hashed)" : "(set)"; // never the secret
    }
}
