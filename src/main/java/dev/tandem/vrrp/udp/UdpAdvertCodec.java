package dev.tandem.vrrp.udp;

import dev.tandem.vrrp.IpAddress;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The wire format of the udp transport: one message per UDP datagram in a small authenticated envelope. A message is
 * a VRRPv3 advert (RFC 5798 §5.2, exactly as {@link dev.tandem.vrrp.AdvertCodec} encodes it, checksum included) or
 * one half of the freshness handshake ({@link UdpAuthenticator}): a hello carrying a random nonce, or the answer that
 * echoes it. All fields big-endian:
 *
 * <pre>
 *  0      3  magic "tdm" (0x74 0x64 0x6d)
 *  3      1  version, 2
 *  4      1  address family of the sender (and of the advert): 4 or 6
 *  5      1  message type: 1 advert, 2 hello, 3 hello ack ({@link Type})
 *  6      2  reserved, zero
 *  8      4  key id ({@link AuthKey#id()}) of the key that made the MAC
 * 12      8  sender counter: unsigned, strictly increasing per sender over all its messages (microseconds since the
 *            epoch at the least, so that it keeps increasing across a restart of the sender)
 * 20   4/16  sender address: the member address the datagram comes from
 *  ..     n  advert: the VRRPv3 advert, 8 + 4k (IPv4) or 8 + 16k (IPv6) bytes;
 *            hello: the sender's nonce, 8 bytes; hello ack: the nonce of the hello it answers, 8 bytes
 *  ..    32  HMAC-SHA256 (RFC 2104, FIPS 198-1) under the key, over every byte before it
 * </pre>
 *
 * <p>The MAC covers the type, sender address, counter and nonce, so none can be changed without the key; the receiver
 * checks the sender against the datagram's source and the counter against a {@link ReplayWindow}. The whole MAC is
 * sent, not a truncated one: 32 bytes per advert cost nothing at advert rates. Version 1 had no type (byte 5 was
 * reserved) and no handshake; a version 1 member and a version 2 member refuse each other's messages as
 * {@link UdpRejectReason#WRONG_VERSION}.
 *
 * <p>Pure: bytes and keys in, bytes or a {@link Opened} verdict out. {@link #open} never throws because of what the
 * bytes contain.
 */
public final class UdpAdvertCodec {
    public static final byte[] MAGIC = {0x74, 0x64, 0x6d};
    public static final int VERSION = 2;
    public static final int HEADER_LENGTH = 20;
    public static final int MAC_LENGTH = 32;
    private static final int VRRP_HEADER = 8;
    /** The body of a hello and of a hello ack: one 64-bit nonce. */
    public static final int NONCE_LENGTH = 8;
    /** The longest message: IPv6 sender and an advert of 255 IPv6 addresses. */
    public static final int MAX_LENGTH = HEADER_LENGTH + 16 + VRRP_HEADER + 255 * 16 + MAC_LENGTH;

    private UdpAdvertCodec() {
    }

    /** What a message is, byte 5 of the header. */
    public enum Type {
        /** A VRRPv3 advert for the election. */
        ADVERT(1),
        /** "Answer this now": a fresh nonce for the receiver to echo, proving that its answer is not a recording. */
        HELLO(2),
        /** The answer to a hello, echoing its nonce. */
        HELLO_ACK(3);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** The type with this code on the wire, or null. */
        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    /** What {@link #open} made of a datagram. */
    public sealed interface Opened {
        /**
         * Authentic under {@code key}. The body is at {@code [bodyOffset, bodyOffset + bodyLength)}: for an advert the
         * VRRPv3 advert, for a hello or hello ack the nonce, which is also in {@code nonce} (0 for an advert).
         */
        record Authentic(Type type, AuthKey key, long counter, IpAddress sender, int bodyOffset, int bodyLength,
                         long nonce) implements Opened {
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
        Objects.requireNonNull(vrrp, "vrrp");
        if (vrrp.length < VRRP_HEADER) {
            throw new IllegalArgumentException("a VRRP advert has at least " + VRRP_HEADER + " bytes, got " + vrrp.length);
        }
        return seal(Type.ADVERT, key, counter, sender, vrrp);
    }

    /** Seals a hello ({@link Type#HELLO}) or the answer to one ({@link Type#HELLO_ACK}) carrying {@code nonce}. */
    public static byte[] sealHandshake(Type type, AuthKey key, long counter, IpAddress sender, long nonce) {
        if (type == Type.ADVERT) {
            throw new IllegalArgumentException("an advert carries a VRRP message, not a nonce");
        }
        byte[] body = new byte[NONCE_LENGTH];
        putLong(body, 0, nonce);
        return seal(type, key, counter, sender, body);
    }

    private static byte[] seal(Type type, AuthKey key, long counter, IpAddress sender, byte[] body) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sender, "sender");
        byte[] address = sender.bytes();
        int macAt = HEADER_LENGTH + address.length + body.length;
        byte[] out = new byte[macAt + MAC_LENGTH];
        System.arraycopy(MAGIC, 0, out, 0, 3);
        out[3] = VERSION;
        out[4] = (byte) (address.length == 4 ? 4 : 6);
        out[5] = (byte) type.code;
        putInt(out, 8, key.id());
        putLong(out, 12, counter);
        System.arraycopy(address, 0, out, HEADER_LENGTH, address.length);
        System.arraycopy(body, 0, out, HEADER_LENGTH + address.length, body.length);
        byte[] mac = key.sign(out, 0, macAt);
        System.arraycopy(mac, 0, out, macAt, MAC_LENGTH);
        return out;
    }

    /**
     * Checks, in this order, and returns the first failure: length, magic, version, family, type and reserved bits,
     * the body's length for the type, key id, MAC. The sender and counter are returned for the caller to check (they
     * need state: the members, the window).
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
                    + VERSION + " (every member of a pair on udp must run a build of the same wire version)");
        }
        // An advert's 8-byte VRRP header and a handshake's 8-byte nonce make the same minimum.
        int minimum = HEADER_LENGTH + 4 + VRRP_HEADER + MAC_LENGTH;
        if (length < minimum) {
            return reject(UdpRejectReason.TRUNCATED, "message of " + length + " bytes is shorter than the " + minimum
                    + "-byte minimum");
        }
        int family = buf[offset + 4] & 0xFF;
        if (family != 4 && family != 6) {
            return reject(UdpRejectReason.MALFORMED, "address family " + family + ", expected 4 or 6");
        }
        Type type = Type.of(buf[offset + 5] & 0xFF);
        if (type == null) {
            return reject(UdpRejectReason.MALFORMED, "message type " + (buf[offset + 5] & 0xFF)
                    + ", expected 1 (advert), 2 (hello) or 3 (hello ack)");
        }
        if (buf[offset + 6] != 0 || buf[offset + 7] != 0) {
            return reject(UdpRejectReason.MALFORMED, "reserved bytes 0x"
                    + HexFormat.of().formatHex(buf, offset + 6, offset + 8) + " are not zero");
        }
        int addressLength = family == 4 ? 4 : 16;
        int bodyOffset = offset + HEADER_LENGTH + addressLength;
        int bodyLength = length - HEADER_LENGTH - addressLength - MAC_LENGTH;
        if (type == Type.ADVERT && bodyLength < VRRP_HEADER) {
            return reject(UdpRejectReason.TRUNCATED, "IPv" + family + " advert of " + length
                    + " bytes leaves " + bodyLength + " bytes for the VRRP message, fewer than its " + VRRP_HEADER
                    + "-byte header");
        }
        if (type != Type.ADVERT && bodyLength != NONCE_LENGTH) {
            return reject(bodyLength < NONCE_LENGTH ? UdpRejectReason.TRUNCATED : UdpRejectReason.MALFORMED,
                    "IPv" + family + " " + describe(type) + " of " + length + " bytes leaves " + bodyLength
                            + " bytes for its body, which is exactly the " + NONCE_LENGTH + "-byte nonce");
        }
        int keyId = getInt(buf, offset + 8);
        AuthKey key = keys.withId(keyId);
        if (key == null) {
            return reject(UdpRejectReason.UNKNOWN_KEY, describe(type) + " signed with key "
                    + HexFormat.of().toHexDigits(keyId) + ", this member accepts " + keys.describe());
        }
        int macAt = offset + length - MAC_LENGTH;
        byte[] expected = key.sign(buf, offset, length - MAC_LENGTH);
        byte[] received = Arrays.copyOfRange(buf, macAt, macAt + MAC_LENGTH);
        if (!MessageDigest.isEqual(expected, received)) { // constant time
            return reject(UdpRejectReason.BAD_MAC, "the HMAC-SHA256 of a " + describe(type) + " under " + key
                    + " does not match: forged, altered, or signed with another key of the same id");
        }
        long counter = getLong(buf, offset + 12);
        IpAddress sender = IpAddress.of(Arrays.copyOfRange(buf, offset + HEADER_LENGTH, bodyOffset));
        long nonce = type == Type.ADVERT ? 0 : getLong(buf, bodyOffset);
        return new Opened.Authentic(type, key, counter, sender, bodyOffset, bodyLength, nonce);
    }

    /** The type's name in messages: "advert", "hello", "hello ack". */
    static String describe(Type type) {
        return type.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
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
