package dev.tandem.vrrp.udp;

import java.util.Objects;

/**
 * The keys a member holds: {@code key}, which it signs with and accepts, and during a rotation {@code previous}, the
 * key being retired, which it also accepts (and signs with for a while, see {@link KeyRotation}).
 *
 * @param previous null outside a rotation
 */
public record Keyring(AuthKey key, AuthKey previous) {
    public Keyring {
        Objects.requireNonNull(key, "key");
        if (key.equals(previous)) {
            previous = null; // the same key twice is no rotation
        }
    }

    public static Keyring of(AuthKey key) {
        return new Keyring(key, null);
    }

    /** The key with this id, preferring {@code key}; null when neither has it. */
    AuthKey withId(int id) {
        if (key.id() == id) {
            return key;
        }
        return previous != null && previous.id() == id ? previous : null;
    }

    /** For logs: the key ids, never the keys. */
    public String describe() {
        return previous == null ? key.toString() : key + " (previous " + previous + " still accepted)";
    }
}
