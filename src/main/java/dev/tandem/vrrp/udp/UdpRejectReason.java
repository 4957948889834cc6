package dev.tandem.vrrp.udp;

import java.util.Locale;

/** Why a udp transport datagram was dropped before the election saw it; {@link #label()} is the metrics label. */
public enum UdpRejectReason {
    /**
     * Shorter than the header, the sender address, an 8-byte VRRP header (advert) or 8-byte nonce (hello, hello ack)
     * and the 32-byte MAC.
     */
    TRUNCATED,
    /** Does not start with tandem's magic: plain VRRP, another protocol, or noise on the port. */
    NOT_TANDEM,
    /** tandem's magic with a wire version this agent does not speak. */
    WRONG_VERSION,
    /** An address family other than 4 or 6, an unknown message type, reserved bits set, or a nonce too long. */
    MALFORMED,
    /** Signed with a key id that is neither the key nor the previous key: unauthenticated, or a key not yet known. */
    UNKNOWN_KEY,
    /** The HMAC-SHA256 does not match: forged or altered on the way. */
    BAD_MAC,
    /** Authentic, but the sender inside is not the address it came from: re-sent from elsewhere. */
    SENDER_MISMATCH,
    /** Authentic, but from an address that is not a member of the pair. */
    UNKNOWN_SENDER,
    /** Authentic, but its counter was seen already or is older than the replay window: a replay. */
    REPLAYED,
    /**
     * An authentic advert from a member that has not yet answered this member's hello since this member started: its
     * freshness is not proven (it may be a recording), so it is dropped, without touching the replay window, until
     * the handshake completes, one round trip later ({@link UdpAuthenticator}).
     */
    UNCONFIRMED,
    /**
     * An authentic hello ack that echoes no nonce this member sent that peer since it started: an answer recorded
     * earlier and replayed. It confirms nothing.
     */
    WRONG_NONCE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
