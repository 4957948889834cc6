package dev.tandem.vrrp.udp;

import java.time.Duration;

/**
 * What one member knows of the freshness of one peer since the member started: whether the peer has answered one of
 * its hellos (then the peer is confirmed and its {@link ReplayWindow} counts from the answer), the nonces of the
 * hellos it sent the peer, and when the next hello is due.
 *
 * <p>Re-send schedule. The first hello goes out at start; until an answer comes, the next one follows
 * {@link #FIRST_RESEND} later and each gap doubles up to {@link #MAX_RESEND}. 10 ms first: a lost first hello (the
 * peer's neighbour entry still resolving, a full socket buffer) is retried several times inside the shortest
 * Master_Down_Interval (3 adverts of at least 10 ms, RFC 5798 §6.1). One second at most: a peer that is down costs one
 * small datagram a second and no log. The cap never delays a confirmation, because a peer's traffic prompts a hello at
 * once ({@link #mayPrompt}): its first advert, or its own hello after it restarts, is answered within one round trip.
 *
 * <p>Single-threaded; {@link UdpAuthenticator} synchronises.
 */
final class PeerHandshake {
    static final Duration FIRST_RESEND = Duration.ofMillis(10);
    static final Duration MAX_RESEND = Duration.ofSeconds(1);
    /** Hellos whose answers still confirm: a round trip may span a few re-sends (8 span 2.2 s at first, 8 s later). */
    static final int REMEMBERED_NONCES = 8;

    private final long startedNanos;
    private final ReplayWindow window = new ReplayWindow();
    private final long[] nonces = new long[REMEMBERED_NONCES];
    private int hellos;
    private long lastHelloNanos;
    private long nextHelloNanos;
    private long gapNanos = FIRST_RESEND.toNanos();
    private boolean confirmed;

    PeerHandshake(long startedNanos) {
        this.startedNanos = startedNanos;
        this.nextHelloNanos = startedNanos;
    }

    boolean confirmed() {
        return confirmed;
    }

    ReplayWindow window() {
        return window;
    }

    /** When the next hello is due; meaningless once confirmed. */
    long nextHelloNanos() {
        return nextHelloNanos;
    }

    boolean helloDue(long nowNanos) {
        return !confirmed && nowNanos - nextHelloNanos >= 0;
    }

    /**
     * Whether traffic from the unconfirmed peer may prompt a hello now: at most one per {@link #FIRST_RESEND}, so that
     * replayed adverts or hellos cannot make this member send more than that.
     */
    boolean mayPrompt(long nowNanos) {
        return !confirmed && (hellos == 0 || nowNanos - lastHelloNanos >= FIRST_RESEND.toNanos());
    }

    /** A hello with {@code nonce} goes out now. */
    void helloSent(long nonce, long nowNanos) {
        nonces[hellos % REMEMBERED_NONCES] = nonce;
        hellos++;
        lastHelloNanos = nowNanos;
        nextHelloNanos = nowNanos + gapNanos;
        gapNanos = Math.min(gapNanos * 2, MAX_RESEND.toNanos());
    }

    /** Whether {@code nonce} is one of the last {@link #REMEMBERED_NONCES} this member sent the peer. */
    boolean sent(long nonce) {
        for (int i = 0; i < Math.min(hellos, REMEMBERED_NONCES); i++) {
            if (nonces[i] == nonce) {
                return true;
            }
        }
        return false;
    }

    /**
     * The peer answered a hello of this start: it was live after this member started, so every message it sent
     * before the answer is older than the answer's counter. That counter seeds the window; all of the older ones,
     * every recording among them, are refused from now on.
     *
     * @return nanoseconds from this member's start to the confirmation
     */
    long confirm(long counter, long nowNanos) {
        confirmed = true;
        window.accept(counter);
        return nowNanos - startedNanos;
    }
}
