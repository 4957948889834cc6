package dev.tandem.vrrp.udp;

import java.time.Duration;
import java.util.Objects;

/**
 * Which key a member signs with while the keys rotate, so that a rotation never costs a failover.
 *
 * <p>Members learn of a new Secret at different times (a watch, a file copied host by host). If a member signed with
 * the new key at once, a peer that still knows only the old one would reject its adverts and, after three intervals,
 * take over: two masters. So when a member first sees a keyring with a {@code previous} key, it accepts both at once
 * but keeps signing with {@code previous} for the rotation window, and only then with {@code key}. Every member that
 * learns of the new keyring within the window accepts the new key before anyone signs with it. A keyring without
 * {@code previous} is signed with {@code key} straight away (there is nothing else a peer could accept).
 *
 * <p>Single-threaded; the caller synchronises.
 */
public final class KeyRotation {
    /** How long a member keeps signing with the previous key after it first saw the new one. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);

    private final long windowNanos;
    private Keyring keys;
    private long seenNanos;

    public KeyRotation(Keyring initial, Duration window, long nowNanos) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("the rotation window must not be negative, got " + window);
        }
        this.windowNanos = window.toNanos();
        this.keys = Objects.requireNonNull(initial, "initial");
        this.seenNanos = nowNanos;
    }

    /** A keyring read anew; returns true when it differs from the one held (the window restarts then). */
    public boolean update(Keyring next, long nowNanos) {
        Objects.requireNonNull(next, "next");
        if (next.equals(keys)) {
            return false;
        }
        keys = next;
        seenNanos = nowNanos;
        return true;
    }

    public Keyring keys() {
        return keys;
    }

    /** The key to sign with now. */
    public AuthKey signing(long nowNanos) {
        return keys.previous() != null && nowNanos - seenNanos < windowNanos ? keys.previous() : keys.key();
    }

    /** Whether {@link #signing} still returns the previous key at {@code nowNanos}. */
    public boolean signsWithPrevious(long nowNanos) {
        return signing(nowNanos) != keys.key();
    }
}
