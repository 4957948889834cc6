package dev.tandem.vrrp;

import dev.tandem.vrrp.DecodeResult.Accepted;
import dev.tandem.vrrp.DecodeResult.RejectReason;
import dev.tandem.vrrp.DecodeResult.Rejected;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Encodes and decodes VRRPv3 advertisements (RFC 5798 §5), interoperable with keepalived 2.2 {@code vrrp_version 3}.
 * Pure bytes in, bytes out; the sockets live elsewhere.
 *
 * <p>Decoding checks, in this order, and returns the first failure as {@link Rejected}: the IPv4 header (raw IPv4
 * sockets only), protocol 112, TTL / hop limit 255 (RFC 5798 §7.1), version 3, type 1, the length against the
 * address count, the checksum, and the VRID. Decoding never throws because of what the bytes contain; a
 * {@code null} argument or a range outside {@code buf} is a bug in the caller and throws.
 *
 * <p>Not checked here, by design:
 * <ul>
 *   <li>The VRID against our virtual router: adverts for other VRIDs are normal traffic on a shared segment, not
 *       malformed packets, so the caller compares {@code advert().vrid()} and counts them apart.</li>
 *   <li>The IPv4 header checksum: Linux verifies it before a raw socket sees the packet.</li>
 *   <li>The advert interval against ours (keepalived logs a mismatch but processes the packet), and whether the
 *       first IPv6 address is link-local (RFC 5798 §5.2.9 says it should be; keepalived sends the configured order).</li>
 * </ul>
 *
 * <p>Checksum: only the RFC 5798 §5.2.8 checksum, pseudo-header included, is accepted. keepalived 2.2 sends that,
 * with the real destination (the unicast peer in unicast mode) in the pseudo-header. keepalived 1.3.6 and older
 * used 224.0.0.18 as the pseudo-header destination in unicast mode, and some v3 senders left the pseudo-header out
 * altogether; such packets are rejected as {@link RejectReason#BAD_CHECKSUM}, and the message says which old form the
 * checksum matches so the peer can be found and upgraded.
 */
public final class AdvertCodec {
    /** VRRP's IP protocol number / IPv6 next header (RFC 5798 §5.1.1.4, §5.1.2.3). */
    public static final int PROTOCOL = Checksum.VRRP_PROTOCOL;
    /** TTL / hop limit of every advert sent and required of every advert received (RFC 5798 §5.1.1.3, §7.1). */
    public static final int TTL = 255;
    /** The VRRP header before the addresses: version/type, VRID, priority, count, interval, checksum. */
    public static final int HEADER_LENGTH = 8;
    /** The IPv4 VRRP multicast group 224.0.0.18 (RFC 5798 §5.1.1.2). */
    public static final IpAddress IPV4_MULTICAST_GROUP = IpAddress.of(new byte[] {(byte) 224, 0, 0, 18});
    /** The IPv6 VRRP multicast group ff02::12 (RFC 5798 §5.1.2.2). */
    public static final IpAddress IPV6_MULTICAST_GROUP =
            IpAddress.of(new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});

    private static final int IPV4_MIN_HEADER = 20;
    private static final int CHECKSUM_OFFSET = 6;

    private AdvertCodec() {
    }

    /**
     * The VRRP part of an advert (what follows the IP header), with its checksum computed over the pseudo-header
     * of {@code source} and {@code destination}: the sending interface's primary address, and the multicast group
     * or, for unicast, the peer the packet is sent to.
     *
     * @throws IllegalArgumentException if source, destination and the advert's addresses are not all one family
     */
    public static byte[] encode(Advert advert, IpAddress source, IpAddress destination) {
        Objects.requireNonNull(advert, "advert");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        boolean v4 = advert.isV4();
        if (source.isV4() != v4 || destination.isV4() != v4) {
            throw new IllegalArgumentException("an " + family(v4) + " advert must travel from and to " + family(v4)
                    + " addresses, got source " + source + " and destination " + destination);
        }
        List<IpAddress> addresses = advert.addresses();
        byte[] out = new byte[HEADER_LENGTH + addresses.size() * addressLength(v4)];
        out[0] = (byte) (advert.version() << 4 | advert.type());
        out[1] = (byte) advert.vrid();
        out[2] = (byte) advert.priority();
        out[3] = (byte) addresses.size();
        // RFC 5798 §5.2.6: the 4 reserved bits are sent as zero.
        out[4] = (byte) (advert.maxAdvertIntervalCentis() >>> 8);
        out[5] = (byte) advert.maxAdvertIntervalCentis();
        int at = HEADER_LENGTH;
        for (IpAddress address : addresses) {
            byte[] bytes = address.bytes();
            System.arraycopy(bytes, 0, out, at, bytes.length);
            at += bytes.length;
        }
        int checksum = Checksum.vrrp(out, 0, out.length, source, destination);
        out[CHECKSUM_OFFSET] = (byte) (checksum >>> 8);
        out[CHECKSUM_OFFSET + 1] = (byte) checksum;
        return out;
    }

    /**
     * Decodes what a raw IPv4 socket for protocol 112 returns: the IPv4 header followed by the VRRP message.
     * Bytes after the IPv4 total length (link-layer padding) are ignored.
     *
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not describe a range of {@code buf}
     */
    public static DecodeResult decodeIpv4Packet(byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        if (length < IPV4_MIN_HEADER) {
            return reject(RejectReason.TRUNCATED, "IPv4 packet of " + length + " bytes is shorter than the "
                    + IPV4_MIN_HEADER + "-byte minimum header");
        }
        int version = u8(buf, offset) >>> 4;
        if (version != 4) {
            return reject(RejectReason.BAD_IP_HEADER, "IP version " + version + " on a raw IPv4 socket");
        }
        int headerLength = (u8(buf, offset) & 0x0F) * 4;
        if (headerLength < IPV4_MIN_HEADER) {
            return reject(RejectReason.BAD_IP_HEADER,
                    "IPv4 header length " + headerLength + " is below the " + IPV4_MIN_HEADER + "-byte minimum");
        }
        if (length < headerLength) {
            return reject(RejectReason.TRUNCATED, "IPv4 packet of " + length + " bytes is shorter than its "
                    + headerLength + "-byte header");
        }
        int totalLength = u16(buf, offset + 2);
        if (totalLength < headerLength) {
            return reject(RejectReason.BAD_IP_HEADER, "IPv4 total length " + totalLength
                    + " is shorter than the header length " + headerLength);
        }
        if (totalLength > length) {
            return reject(RejectReason.TRUNCATED,
                    "IPv4 total length is " + totalLength + " but only " + length + " bytes were received");
        }
        // Linux hands raw sockets reassembled datagrams with MF and the fragment offset cleared; DF may be set.
        int fragment = u16(buf, offset + 6) & 0x3FFF;
        if (fragment != 0) {
            return reject(RejectReason.BAD_IP_HEADER, "IPv4 fragment (flags/offset 0x" + hex16(fragment) + ")");
        }
        int ttl = u8(buf, offset + 8);
        int protocol = u8(buf, offset + 9);
        IpAddress source = IpAddress.of(copy(buf, offset + 12, 4));
        IpAddress destination = IpAddress.of(copy(buf, offset + 16, 4));
        if (protocol != PROTOCOL) {
            return reject(RejectReason.WRONG_PROTOCOL,
                    "IPv4 protocol " + protocol + " from " + source + ", expected " + PROTOCOL + " (VRRP)");
        }
        return decodeVrrp(buf, offset + headerLength, totalLength - headerLength, source, destination, ttl);
    }

    /**
     * Decodes a VRRP message whose IP header has been taken off, as an IPv6 raw socket delivers it, with the
     * header's source, destination and hop limit (IPV6_RECVHOPLIMIT) given separately. Works for IPv4 the same way.
     *
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not describe a range of {@code buf}
     * @throws NullPointerException if {@code source} or {@code destination} is null
     */
    public static DecodeResult decodeVrrp(byte[] buf, int offset, int length, IpAddress source,
            IpAddress destination, int ttlOrHopLimit) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        boolean v4 = source.isV4();
        if (destination.isV4() != v4) {
            return reject(RejectReason.BAD_IP_HEADER,
                    "source " + source + " and destination " + destination + " are of different families");
        }
        if (ttlOrHopLimit != TTL) {
            return reject(RejectReason.TTL_NOT_255, (v4 ? "TTL " : "hop limit ") + ttlOrHopLimit + " from " + source
                    + ", RFC 5798 §7.1 requires " + TTL + (v4 ? "" : "; keepalived sends IPv6 unicast adverts with the"
                    + " default hop limit unless its vrrp_instance sets unicast_ttl 255"));
        }
        if (length < HEADER_LENGTH) {
            return reject(RejectReason.TRUNCATED, "VRRP message of " + length + " bytes from " + source
                    + " is shorter than the " + HEADER_LENGTH + "-byte header");
        }
        int version = u8(buf, offset) >>> 4;
        if (version != Advert.VERSION) {
            return reject(RejectReason.WRONG_VERSION, "VRRP version " + version + (version == 2 ? " (RFC 3768)" : "")
                    + " from " + source + ", expected " + Advert.VERSION);
        }
        int type = u8(buf, offset) & 0x0F;
        if (type != Advert.TYPE_ADVERTISEMENT) {
            return reject(RejectReason.UNKNOWN_TYPE,
                    "VRRP type " + type + " from " + source + ", expected 1 (ADVERTISEMENT)");
        }
        int count = u8(buf, offset + 3);
        int addressLength = addressLength(v4);
        int addressBytes = length - HEADER_LENGTH;
        if (addressBytes % addressLength != 0) {
            return reject(RejectReason.BAD_LENGTH, "VRRP message of " + length + " bytes from " + source + " holds "
                    + addressBytes + " address bytes, not a multiple of " + addressLength + " (" + family(v4) + ")");
        }
        if (count == 0 || count != addressBytes / addressLength) {
            return reject(RejectReason.BAD_ADDRESS_COUNT, "VRRP address count " + count + " from " + source + ", but "
                    + addressBytes / addressLength + " " + family(v4) + " addresses follow the header");
        }
        if (Checksum.vrrp(buf, offset, length, source, destination) != 0) {
            return reject(RejectReason.BAD_CHECKSUM, badChecksumMessage(buf, offset, length, source, destination));
        }
        int vrid = u8(buf, offset + 1);
        if (vrid == 0) {
            return reject(RejectReason.BAD_VRID, "VRID 0 from " + source + ", RFC 5798 §5.2.3 allows 1-255");
        }
        int priority = u8(buf, offset + 2);
        // RFC 5798 §5.2.6: the reserved bits are ignored on reception.
        int interval = u16(buf, offset + 4) & Advert.MAX_INTERVAL_CENTIS;
        List<IpAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(IpAddress.of(copy(buf, offset + HEADER_LENGTH + i * addressLength, addressLength)));
        }
        return new Accepted(Advert.of(vrid, priority, interval, addresses), source, destination, ttlOrHopLimit);
    }

    private static String badChecksumMessage(byte[] buf, int offset, int length, IpAddress source,
            IpAddress destination) {
        int received = u16(buf, offset + CHECKSUM_OFFSET);
        byte[] zeroed = copy(buf, offset, length);
        zeroed[CHECKSUM_OFFSET] = 0;
        zeroed[CHECKSUM_OFFSET + 1] = 0;
        int expected = Checksum.vrrp(zeroed, 0, length, source, destination);
        StringBuilder message = new StringBuilder("VRRP checksum 0x").append(hex16(received)).append(" from ")
                .append(source).append(" to ").append(destination).append(", expected 0x").append(hex16(expected))
                .append(" (RFC 5798 §5.2.8, pseudo-header included)");
        if (v4AndNotGroup(destination)
                && Checksum.vrrp(zeroed, 0, length, source, IPV4_MULTICAST_GROUP) == received) {
            message.append("; it matches a pseudo-header with destination 224.0.0.18, as keepalived 1.3.6 and older"
                    + " sent in unicast mode");
        } else if (Checksum.withoutPseudoHeader(zeroed, 0, length) == received) {
            message.append("; it matches a checksum without the pseudo-header, as VRRPv2 computes it");
        }
        return message.toString();
    }

    private static boolean v4AndNotGroup(IpAddress destination) {
        return destination.isV4() && !destination.equals(IPV4_MULTICAST_GROUP);
    }

    private static Rejected reject(RejectReason reason, String message) {
        return new Rejected(reason, message);
    }

    private static int addressLength(boolean v4) {
        return v4 ? 4 : 16;
    }

    private static String family(boolean v4) {
        return v4 ? "IPv4" : "IPv6";
    }

    private static int u8(byte[] buf, int at) {
        return buf[at] & 0xFF;
    }

    private static int u16(byte[] buf, int at) {
        return (buf[at] & 0xFF) << 8 | (buf[at + 1] & 0xFF);
    }

    private static byte[] copy(byte[] buf, int from, int length) {
        byte[] out = new byte[length];
        System.arraycopy(buf, from, out, 0, length);
        return out;
    }

    private static String hex16(int value) {
        return String.format("%04x", value);
    }
}
