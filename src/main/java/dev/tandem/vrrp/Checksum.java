package dev.tandem.vrrp;

import java.util.Objects;

/**
 * The Internet checksum (RFC 1071) as VRRPv3 uses it: "the 16-bit one's complement of the one's complement sum of
 * the entire VRRP message starting with the version field and a pseudo-header" (RFC 5798 §5.2.8).
 *
 * <p>The pseudo-header for IPv6 is RFC 2460 §8.1: source, destination, 32-bit upper-layer length, three zero bytes
 * and next header 112. For IPv4, keepalived (and RFC 5798 §5.2.8 read for IPv4) uses the UDP-style pseudo-header:
 * source, destination, a zero byte, protocol 112 and a 16-bit length. For messages shorter than 64 KiB both
 * layouts contribute the same 16-bit words to the sum ({@code length} and {@code 0x0070}), so one calculation
 * serves both families.
 *
 * <p>Verifying a received message means computing this over the message as received, checksum field included:
 * the result is 0 when the checksum is right. That also accepts {@code 0xFFFF} in place of a computed
 * {@code 0x0000}, the other one's complement zero, as every RFC 1071 receiver does.
 */
public final class Checksum {
    /** The IP protocol number / IPv6 next header of VRRP (RFC 5798 §5.1.1.4, §5.1.2.3). */
    static final int VRRP_PROTOCOL = 112;

    private Checksum() {
    }

    /**
     * The VRRPv3 checksum of {@code length} bytes at {@code offset}, with the pseudo-header built from
     * {@code source}, {@code destination}, protocol 112 and {@code length}. To fill in the checksum field, call it
     * with the field set to zero; to verify a received message, call it on the message as is and compare with 0.
     *
     * @throws IllegalArgumentException if source and destination are of different families
     * @throws IndexOutOfBoundsException if the range is not inside {@code buf}
     */
    public static int vrrp(byte[] buf, int offset, int length, IpAddress source, IpAddress destination) {
        return complement(sum(pseudoHeaderSum(source, destination, length), buf, offset, length));
    }

    /** The checksum without a pseudo-header, as VRRPv2 (RFC 3768 §5.3.8) and some pre-RFC v3 senders use. */
    public static int withoutPseudoHeader(byte[] buf, int offset, int length) {
        return complement(sum(0, buf, offset, length));
    }

    /** RFC 1071 one's complement sum of the pseudo-header words, folded to 16 bits. */
    static int pseudoHeaderSum(IpAddress source, IpAddress destination, int length) {
        if (source.isV4() != destination.isV4()) {
            throw new IllegalArgumentException(
                    "source " + source + " and destination " + destination + " are of different families");
        }
        byte[] src = source.bytes();
        byte[] dst = destination.bytes();
        long total = sum(0, src, 0, src.length) + (long) sum(0, dst, 0, dst.length)
                + (length >>> 16) + (length & 0xFFFF) + VRRP_PROTOCOL;
        return fold(total);
    }

    /**
     * Adds the bytes, as big-endian 16-bit words, to a running one's complement sum and folds the carries back in
     * (RFC 1071 §4.1). An odd trailing byte is the high half of a word whose low half is zero. Chaining calls is
     * equivalent to one call over the concatenation as long as every range but the last has an even length.
     */
    static int sum(int initial, byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        long total = initial;
        int end = offset + length;
        int i = offset;
        for (; i + 1 < end; i += 2) {
            total += (buf[i] & 0xFF) << 8 | (buf[i + 1] & 0xFF);
        }
        if (i < end) {
            total += (buf[i] & 0xFF) << 8;
        }
        return fold(total);
    }

    static int complement(int sum) {
        return ~sum & 0xFFFF;
    }

    private static int fold(long total) {
        while ((total >>> 16) != 0) {
            total = (total & 0xFFFF) + (total >>> 16);
        }
        return (int) total;
    }
}
