package dev.tandem.vrrp;

import java.util.Locale;
import java.util.Objects;

/**
 * What {@link AdvertCodec} made of a received packet: an {@link Accepted} advertisement, or a {@link Rejected} one
 * with a {@link RejectReason} that can serve as a metrics label and a message for a person.
 */
public sealed interface DecodeResult {

    /**
     * A well-formed VRRPv3 ADVERTISEMENT whose checksum is right and that arrived with TTL / hop limit 255.
     * Whether it belongs to our virtual router (VRID) is for the caller to check.
     *
     * @param source the IP source, which RFC 5798 §6.4.3 compares on a priority tie
     * @param destination the IP destination: the VRRP multicast group, or our address for unicast peers
     * @param ttl the IPv4 TTL or IPv6 hop limit, always 255 here
     */
    record Accepted(Advert advert, IpAddress source, IpAddress destination, int ttl) implements DecodeResult {
        public Accepted {
            Objects.requireNonNull(advert, "advert");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
        }
    }

    /** A packet that must be discarded, why (for a metrics label) and a message naming the offending values. */
    record Rejected(RejectReason reason, String message) implements DecodeResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Why a packet was discarded. The order is the order in which {@link AdvertCodec} checks. */
    enum RejectReason {
        /** Fewer bytes than the IPv4 header or the 8-byte VRRP header need, or than the IPv4 total length says. */
        TRUNCATED,
        /** IP version not 4, IHL below 5, total length shorter than the header, a fragment, or mixed families. */
        BAD_IP_HEADER,
        /** The IPv4 protocol is not 112. */
        WRONG_PROTOCOL,
        /** TTL or hop limit is not 255 (RFC 5798 §7.1): the packet may have crossed a router. */
        TTL_NOT_255,
        /** VRRP version is not 3, for instance a VRRPv2 (RFC 3768) packet. */
        WRONG_VERSION,
        /** VRRP type is not 1 (ADVERTISEMENT), the only type RFC 5798 §5.2.2 defines. */
        UNKNOWN_TYPE,
        /** The bytes after the 8-byte header are not a whole number of addresses of the IP family. */
        BAD_LENGTH,
        /** The address count is 0 or disagrees with the number of addresses present. */
        BAD_ADDRESS_COUNT,
        /** The checksum does not match RFC 5798 §5.2.8 (pseudo-header included). */
        BAD_CHECKSUM,
        /** The VRID is 0, outside 1-255 (RFC 5798 §5.2.3). */
        BAD_VRID;

        /** Lower-case name, for a metrics label ({@code bad_checksum}). */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
