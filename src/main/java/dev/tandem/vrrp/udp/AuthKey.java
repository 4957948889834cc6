package dev.tandem.vrrp.udp;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One HMAC-SHA256 key of the udp transport and its key id: the first four bytes of SHA-256 over a fixed label and the
 * key, so a receiver picks the right key of a rotation without trying each, and the id reveals nothing of the key.
 * {@link #toString()} shows the id only: a key never reaches a log.
 */
public final class AuthKey {
    /** RFC 2104 §3: a key shorter than the hash output (32 bytes for SHA-256) weakens the MAC. */
    public static final int MIN_LENGTH = 32;
    /** Longer keys are hashed down by HMAC anyway (RFC 2104 §2); this only bounds what is read. */
    public static final int MAX_LENGTH = 1024;
    private static final String HMAC = "HmacSHA256";
    private static final byte[] ID_LABEL = "tandem udp key id\0".getBytes(StandardCharsets.US_ASCII);

    private final byte[] material;
    private final int id;
    /** Made on first use and reused: a Mac per message would redo the key schedule every time. */
    private Mac mac;

    private AuthKey(byte[] material) {
        this.material = material;
        this.id = idOf(material);
    }

    /**
     * @param material the key bytes, {@value #MIN_LENGTH} to {@value #MAX_LENGTH} of them
     * @param what     names the key in an error, e.g. {@code "key \"key\" of Secret web-auth"}
     * @throws IllegalArgumentException when the key is too short or too long; the message names {@code what}, never
     *                                  the key
     */
    public static AuthKey of(byte[] material, String what) {
        if (material == null || material.length < MIN_LENGTH) {
            throw new IllegalArgumentException(what + " has " + (material == null ? 0 : material.length)
                    + " bytes; an HMAC-SHA256 key needs at least " + MIN_LENGTH);
        }
        if (material.length > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " has " + material.length + " bytes; at most " + MAX_LENGTH
                    + " are allowed");
        }
        return new AuthKey(material.clone());
    }

    /**
     * The key in a file or Secret value: text keys (printable ASCII, as {@code openssl rand -base64 32} writes) lose
     * one trailing line ending, so that {@code echo} and an editor give the same key as {@code printf}; anything else
     * (the operator's random 32 bytes) is taken as it is. Every member applies the same rule to the same bytes.
     */
    public static AuthKey fromStored(byte[] stored, String what) {
        int end = stored.length;
        if (isText(stored)) {
            if (end > 0 && stored[end - 1] == '\n') {
                end--;
            }
            if (end > 0 && stored[end - 1] == '\r') {
                end--;
            }
        }
        return of(Arrays.copyOf(stored, end), what);
    }

    private static boolean isText(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xFF;
            boolean lineEnd = (c == '\n' || c == '\r') && i >= b.length - 2;
            if (!lineEnd && (c < 0x20 || c > 0x7E)) {
                return false;
            }
        }
        return true;
    }

    static int idOf(byte[] material) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ID_LABEL);
            byte[] d = sha.digest(material);
            return (d[0] & 0xFF) << 24 | (d[1] & 0xFF) << 16 | (d[2] & 0xFF) << 8 | (d[3] & 0xFF);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The key id carried in every message signed with this key. */
    public int id() {
        return id;
    }

    /** HMAC-SHA256 (RFC 2104) of {@code buf[offset, offset + length)} under this key. */
    synchronized byte[] sign(byte[] buf, int offset, int length) {
        try {
            if (mac == null) {
                mac = Mac.getInstance(HMAC);
                mac.init(new SecretKeySpec(material, HMAC));
            }
            mac.update(buf, offset, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute HMAC-SHA256", e);
        }
    }

    /** The id in hex, for logs: {@code key 1a2b3c4d}. */
    public String idText() {
        return HexFormat.of().toHexDigits(id);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthKey k && MessageDigest.isEqual(material, k.material);
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return "key " + idText();
    }
}
