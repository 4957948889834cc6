package dev.tandem.vrrp.udp;

import java.util.Locale;

/** Why a udp transport datagram was dropped before the election saw it; {@link #label()} is the metrics label. */
public enum UdpRejectReason {
    /** Shorter than the header, the sender address, an 8-byte VRRP header and the 32-byte MAC. */
    TRUNCATED,
    /** Does not start with tandem's magic: plain VRRP, another protocol, or noise on the port. */
    NOT_TANDEM,
    /** tandem's magic with a wire version this agent does not speak. */
    WRONG_VERSION,
    /** An address family other than 4 or 6, or reserved bits set. */
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
    REPLAYED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
