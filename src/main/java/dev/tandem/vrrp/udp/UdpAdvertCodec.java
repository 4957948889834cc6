package dev.tandem.vrrp.udp;

import dev.tandem.vrrp.IpAddress;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The wire format of the udp transport: one VRRPv3 advert (RFC 5798 §5.2, exactly as {@link dev.tandem.vrrp.AdvertCodec}
 * encodes it, checksum included) in a small authenticated envelope, one per UDP datagram. All fields big-endian:
 *
 * <pre>
 *  0      3  magic "tdm" (0x74 0x64 0x6d)
 *  3      1  version, 1
 *  4      1  address family of the sender and the advert: 4 or 6
 *  5      3  reserved, zero
 *  8      4  key id ({@link AuthKey#id()}) of the key that made the MAC
 * 12      8  sender counter: unsigned, strictly increasing per sender (microseconds since the epoch at the least,
 *            so that it keeps increasing across a restart of the sender)
 * 20   4/16  sender address: the member address the datagram comes from
 *  ..     n  the VRRPv3 advert, 8 + 4k (IPv4) or 8 + 16k (IPv6) bytes
 *  ..    32  HMAC-SHA256 (RFC 2104, FIPS 198-1) under the key, over every byte before it
 * </pre>
 *
 * <p>The MAC covers the sender address and counter, so neither can be changed without the key; the receiver checks the
 * sender against the datagram's source and the counter against a {@link ReplayWindow}. The whole MAC is sent, not a
 * truncated one: 32 bytes per advert cost nothing at advert rates.
 *
 * <p>Pure: bytes and keys in, bytes or a {@link Opened} verdict out. {@link #open} never throws because of what the
 * bytes contain.
 */
public final class UdpAdvertCodec {
    public static final byte[] MAGIC = {0x74, 0x64, 0x6d};
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 20;
    public static final int MAC_LENGTH = 32;
    private static final int VRRP_HEADER = 8;
    /** The longest message: IPv6 sender and an advert of 255 IPv6 addresses. */
    public static final int MAX_LENGTH = HEADER_LENGTH + 16 + VRRP_HEADER + 255 * 16 + MAC_LENGTH;

    private UdpAdvertCodec() {
    }

    /** What {@link #open} made of a datagram. */
    public sealed interface Opened {
        /** Authentic under {@code key}: the advert is at {@code [vrrpOffset, vrrpOffset + vrrpLength)}. */
        record Authentic(AuthKey key, long counter, IpAddress sender, int vrrpOffset, int vrrpLength)
                implements Opened {
        }

        record Rejected(UdpRejectReason reason, String message) implements Opened {
            public Rejected {
                Objects.requireNonNull(reason, "reason");
                Objects.requireNonNull(message, "message");
            }
        }
    }

    /**
     * Seals one advert.
     *
     * @param vrrp   the VRRPv3 advert as sent on the wire (at least its 8-byte header)
     * @param sender this member's address, of the advert's family
     */
    public static byte[] seal(AuthKey key, long counter, IpAddress sender, byte[] vrrp) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(vrrp, "vrrp");
        if (vrrp.length < VRRP_HEADER) {
            throw new IllegalArgumentException("a VRRP advert has at least " + VRRP_HEADER + " bytes, got " + vrrp.length);
        }
        byte[] address = sender.bytes();
        int macAt = HEADER_LENGTH + address.length + vrrp.length;
        byte[] out = new byte[macAt + MAC_LENGTH];
        System.arraycopy(MAGIC, 0, out, 0, 3);
        out[3] = VERSION;
        out[4] = (byte) (address.length == 4 ? 4 : 6);
        putInt(out, 8, key.id());
        putLong(out, 12, counter);
        System.arraycopy(address, 0, out, HEADER_LENGTH, address.length);
        System.arraycopy(vrrp, 0, out, HEADER_LENGTH + address.length, vrrp.length);
        byte[] mac = key.sign(out, 0, macAt);
        System.arraycopy(mac, 0, out, macAt, MAC_LENGTH);
        return out;
    }

    /**
     * Checks, in this order, and returns the first failure: length, magic, version, family and reserved bits, key id,
     * MAC. The sender and counter are returned for the caller to check (they need state: the members, the window).
     *
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not describe a range of {@code buf}
     */
    public static Opened open(byte[] buf, int offset, int length, Keyring keys) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        Objects.requireNonNull(keys, "keys");
        if (length < 4) {
            return reject(UdpRejectReason.TRUNCATED, "datagram of " + length + " bytes");
        }
        if (buf[offset] != MAGIC[0] || buf[offset + 1] != MAGIC[1] || buf[offset + 2] != MAGIC[2]) {
            return reject(UdpRejectReason.NOT_TANDEM, "datagram of " + length + " bytes starting 0x"
                    + HexFormat.of().formatHex(buf, offset, offset + 3) + " is not a tandem udp message");
        }
        int version = buf[offset + 3] & 0xFF;
        if (version != VERSION) {
            return reject(UdpRejectReason.WRONG_VERSION, "tandem udp wire version " + version + ", this agent speaks "
                    + VERSION);
        }
        int minimum = HEADER_LENGTH + 4 + VRRP_HEADER + MAC_LENGTH;
        if (length < minimum) {
            return reject(UdpRejectReason.TRUNCATED, "message of " + length + " bytes is shorter than the " + minimum
                    + "-byte minimum");
        }
        int family = buf[offset + 4] & 0xFF;
        if (family != 4 && family != 6) {
            return reject(UdpRejectReason.MALFORMED, "address family " + family + ", expected 4 or 6");
        }
        if (buf[offset + 5] != 0 || buf[offset + 6] != 0 || buf[offset + 7] != 0) {
            return reject(UdpRejectReason.MALFORMED, "reserved bytes 0x"
                    + HexFormat.of().formatHex(buf, offset + 5, offset + 8) + " are not zero");
        }
        int addressLength = family == 4 ? 4 : 16;
        int vrrpOffset = offset + HEADER_LENGTH + addressLength;
        int vrrpLength = length - HEADER_LENGTH - addressLength - MAC_LENGTH;
        if (vrrpLength < VRRP_HEADER) {
            return reject(UdpRejectReason.TRUNCATED, "IPv" + family + " message of " + length
                    + " bytes leaves " + vrrpLength + " bytes for the advert, fewer than its " + VRRP_HEADER
                    + "-byte header");
        }
        int keyId = getInt(buf, offset + 8);
        AuthKey key = keys.withId(keyId);
        if (key == null) {
            return reject(UdpRejectReason.UNKNOWN_KEY, "signed with key " + HexFormat.of().toHexDigits(keyId)
                    + ", this member accepts " + keys.describe());
        }
        int macAt = offset + length - MAC_LENGTH;
        byte[] expected = key.sign(buf, offset, length - MAC_LENGTH);
        byte[] received = Arrays.copyOfRange(buf, macAt, macAt + MAC_LENGTH);
        if (!MessageDigest.isEqual(expected, received)) { // constant time
            return reject(UdpRejectReason.BAD_MAC, "the HMAC-SHA256 under " + key + " does not match: forged, altered,"
                    + " or signed with another key of the same id");
        }
        long counter = getLong(buf, offset + 12);
        IpAddress sender = IpAddress.of(Arrays.copyOfRange(buf, offset + HEADER_LENGTH, vrrpOffset));
        return new Opened.Authentic(key, counter, sender, vrrpOffset, vrrpLength);
    }

    private static Opened.Rejected reject(UdpRejectReason reason, String message) {
        return new Opened.Rejected(reason, message);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static long getLong(byte[] b, int at) {
        return (long) getInt(b, at) << 32 | (getInt(b, at + 4) & 0xFFFF_FFFFL);
    }
}
