package dev.tandem.vrrp.udp;

import dev.tandem.vrrp.Advert;
import dev.tandem.vrrp.AdvertCodec;
import dev.tandem.vrrp.DecodeResult;
import dev.tandem.vrrp.IpAddress;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UdpAdvertCodecTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] KEY_BYTES = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final AuthKey KEY = AuthKey.of(KEY_BYTES, "test key");
    static final IpAddress LB1 = IpAddress.parse("10.0.0.1");
    static final IpAddress LB2 = IpAddress.parse("10.0.0.2");
    /** VRID 51, priority 150, 1 address, 5 cs, checksum 0x1234 (not checked here), 10.0.0.100. */
    static final byte[] ADVERT = HEX.parseHex("3133960100051234" + "0a000064");

    static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    @Test
    void theMacIsHmacSha256AsRfc4231Defines() {
        // RFC 4231 §4.7, test case 6: a 131-byte key, hashed first (RFC 2104 §2).
        byte[] key = new byte[131];
        Arrays.fill(key, (byte) 0xaa);
        byte[] data = "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII);
        assertThat(HEX.formatHex(AuthKey.of(key, "rfc key").sign(data, 0, data.length)))
                .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    @Test
    void aSealedIpv4AdvertIsTheHeaderTheAdvertAndTheMacByteForByte() throws Exception {
        byte[] sealed = UdpAdvertCodec.seal(KEY, 0x0102030405060708L, LB1, ADVERT);

        String keyId = HEX.toHexDigits(KEY.id());
        String body = "74646d" + "02" + "04" + "01" + "0000" + keyId + "0102030405060708" + "0a000001"
                + HEX.formatHex(ADVERT);
        byte[] expectedBody = HEX.parseHex(body);
        assertThat(HEX.formatHex(sealed)).isEqualTo(body + HEX.formatHex(hmac(KEY_BYTES, expectedBody)));
        assertThat(sealed).hasSize(20 + 4 + 12 + 32);
    }

    @Test
    void theKeyIdIsTheStartOfSha256OverTheLabelAndTheKey() throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update("tandem udp key id\0".getBytes(StandardCharsets.US_ASCII));
        byte[] d = sha.digest(KEY_BYTES);
        assertThat(HEX.toHexDigits(KEY.id())).isEqualTo(HEX.formatHex(d, 0, 4));
        assertThat(KEY.toString()).isEqualTo("key " + HEX.formatHex(d, 0, 4)).doesNotContain("0123456789");
    }

    @Test
    void anIpv6AdvertRoundTripsAndTheAdvertInsideDecodesAsVrrp() {
        IpAddress self = IpAddress.parse("fd00::1");
        IpAddress peer = IpAddress.parse("fd00::2");
        Advert advert = Advert.of(7, 200, 100, List.of(IpAddress.parse("fd00::100"), IpAddress.parse("fd00::101")));
        byte[] vrrp = AdvertCodec.encode(advert, self, peer);
        byte[] sealed = UdpAdvertCodec.seal(KEY, 42, self, vrrp);
        assertThat(sealed[4]).isEqualTo((byte) 6);

        UdpAdvertCodec.Opened opened = UdpAdvertCodec.open(sealed, 0, sealed.length, Keyring.of(KEY));
        assertThat(opened).isInstanceOfSatisfying(UdpAdvertCodec.Opened.Authentic.class, a -> {
            assertThat(a.counter()).isEqualTo(42);
            assertThat(a.sender()).isEqualTo(self);
            assertThat(a.key()).isEqualTo(KEY);
            assertThat(a.type()).isEqualTo(UdpAdvertCodec.Type.ADVERT);
            DecodeResult d = AdvertCodec.decodeVrrp(sealed, a.bodyOffset(), a.bodyLength(), self, peer, 255);
            assertThat(d).isInstanceOfSatisfying(DecodeResult.Accepted.class, ok -> assertThat(ok.advert()).isEqualTo(advert));
        });
    }

    @Test
    void aMessageInsideALargerBufferOpensAtItsOffset() {
        byte[] sealed = UdpAdvertCodec.seal(KEY, 9, LB1, ADVERT);
        byte[] buf = new byte[sealed.length + 20];
        System.arraycopy(sealed, 0, buf, 7, sealed.length);
        assertThat(UdpAdvertCodec.open(buf, 7, sealed.length, Keyring.of(KEY)))
                .isInstanceOfSatisfying(UdpAdvertCodec.Opened.Authentic.class, a -> {
                    assertThat(a.bodyOffset()).isEqualTo(7 + 24);
                    assertThat(Arrays.copyOfRange(buf, a.bodyOffset(), a.bodyOffset() + a.bodyLength())).isEqualTo(ADVERT);
                });
    }

    static UdpRejectReason rejection(byte[] b, Keyring keys) {
        return rejected(b, keys).reason();
    }

    static UdpAdvertCodec.Opened.Rejected rejected(byte[] b, Keyring keys) {
        UdpAdvertCodec.Opened o = UdpAdvertCodec.open(b, 0, b.length, keys);
        assertThat(o).isInstanceOf(UdpAdvertCodec.Opened.Rejected.class);
        UdpAdvertCodec.Opened.Rejected r = (UdpAdvertCodec.Opened.Rejected) o;
        assertThat(r.message()).isNotBlank().doesNotContain("0123456789abcdef");
        return r;
    }

    static UdpRejectReason rejection(byte[] b) {
        return rejection(b, Keyring.of(KEY));
    }

    @Test
    void malformedDatagramsAreRejectedByReasonAndNeverThrow() {
        byte[] good = UdpAdvertCodec.seal(KEY, 1, LB1, ADVERT);

        assertThat(rejection(new byte[0])).isEqualTo(UdpRejectReason.TRUNCATED);
        assertThat(rejection(Arrays.copyOf(good, 3))).isEqualTo(UdpRejectReason.TRUNCATED);
        assertThat(rejection(Arrays.copyOf(good, good.length - 1))).as("one MAC byte missing")
                .isEqualTo(UdpRejectReason.BAD_MAC);
        assertThat(rejection(Arrays.copyOf(good, 20 + 4 + 7 + 32))).as("advert header cut")
                .isEqualTo(UdpRejectReason.TRUNCATED);

        // A plain VRRPv3 advert sent to the port, as a misconfigured keepalived would.
        assertThat(rejection(ADVERT)).isEqualTo(UdpRejectReason.NOT_TANDEM);

        byte[] v1 = good.clone();
        v1[3] = 1; // an agent from before the handshake
        assertThat(rejected(v1, Keyring.of(KEY)).reason()).isEqualTo(UdpRejectReason.WRONG_VERSION);
        assertThat(rejected(v1, Keyring.of(KEY)).message()).isEqualTo("tandem udp wire version 1, this agent speaks 2"
                + " (every member of a pair on udp must run a build of the same wire version)");

        byte[] family = good.clone();
        family[4] = 5;
        assertThat(rejection(family)).isEqualTo(UdpRejectReason.MALFORMED);
        byte[] reserved = good.clone();
        reserved[6] = 1;
        assertThat(rejection(reserved)).isEqualTo(UdpRejectReason.MALFORMED);
        for (int type : new int[] {0, 4, 0xff}) {
            byte[] unknownType = good.clone();
            unknownType[5] = (byte) type;
            assertThat(rejected(unknownType, Keyring.of(KEY)).message())
                    .isEqualTo("message type " + type + ", expected 1 (advert), 2 (hello) or 3 (hello ack)");
        }

        byte[] ipv6Short = good.clone();
        ipv6Short[4] = 6; // an IPv6 sender would leave 0 bytes for the advert in this length
        assertThat(rejection(ipv6Short)).isEqualTo(UdpRejectReason.TRUNCATED);
    }

    @Test
    void aHelloAndItsAckCarryTheNonceUnderTheMac() throws Exception {
        byte[] hello = UdpAdvertCodec.sealHandshake(UdpAdvertCodec.Type.HELLO, KEY, 0x0102030405060708L, LB1,
                0x1122334455667788L);
        String body = "74646d" + "02" + "04" + "02" + "0000" + HEX.toHexDigits(KEY.id()) + "0102030405060708"
                + "0a000001" + "1122334455667788";
        assertThat(HEX.formatHex(hello)).isEqualTo(body + HEX.formatHex(hmac(KEY_BYTES, HEX.parseHex(body))));
        assertThat(UdpAdvertCodec.open(hello, 0, hello.length, Keyring.of(KEY)))
                .isInstanceOfSatisfying(UdpAdvertCodec.Opened.Authentic.class, a -> {
                    assertThat(a.type()).isEqualTo(UdpAdvertCodec.Type.HELLO);
                    assertThat(a.nonce()).isEqualTo(0x1122334455667788L);
                    assertThat(a.sender()).isEqualTo(LB1);
                });

        IpAddress v6 = IpAddress.parse("fd00::2");
        byte[] ack = UdpAdvertCodec.sealHandshake(UdpAdvertCodec.Type.HELLO_ACK, KEY, 7, v6, -1L);
        assertThat(ack).hasSize(20 + 16 + 8 + 32);
        assertThat(UdpAdvertCodec.open(ack, 0, ack.length, Keyring.of(KEY)))
                .isInstanceOfSatisfying(UdpAdvertCodec.Opened.Authentic.class, a -> {
                    assertThat(a.type()).isEqualTo(UdpAdvertCodec.Type.HELLO_ACK);
                    assertThat(a.nonce()).isEqualTo(-1L);
                    assertThat(a.counter()).isEqualTo(7);
                });

        // The type is signed: a hello cannot be passed off as the answer to itself.
        byte[] retyped = hello.clone();
        retyped[5] = 3;
        assertThat(rejection(retyped)).isEqualTo(UdpRejectReason.BAD_MAC);
        assertThatThrownBy(() -> UdpAdvertCodec.sealHandshake(UdpAdvertCodec.Type.ADVERT, KEY, 1, LB1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHelloOrAckWhoseBodyIsNotExactlyTheNonceIsRejectedByReason() {
        // A hello cut short by one byte is below every message's minimum.
        byte[] hello = UdpAdvertCodec.sealHandshake(UdpAdvertCodec.Type.HELLO, KEY, 1, LB1, 42);
        assertThat(rejection(Arrays.copyOf(hello, hello.length - 1))).isEqualTo(UdpRejectReason.TRUNCATED);

        // An advert's body relabelled as a hello: 12 bytes where the nonce's 8 belong.
        byte[] long12 = UdpAdvertCodec.seal(KEY, 1, LB1, ADVERT);
        long12[5] = 2;
        UdpAdvertCodec.Opened.Rejected tooLong = rejected(long12, Keyring.of(KEY));
        assertThat(tooLong.reason()).isEqualTo(UdpRejectReason.MALFORMED);
        assertThat(tooLong.message()).isEqualTo("IPv4 hello of 68 bytes leaves 12 bytes for its body, which is exactly"
                + " the 8-byte nonce");

        // An IPv4-sized ack that claims an IPv6 sender leaves no room for the nonce.
        byte[] ack = UdpAdvertCodec.sealHandshake(UdpAdvertCodec.Type.HELLO_ACK, KEY, 1, LB1, 42);
        ack[4] = 6;
        UdpAdvertCodec.Opened.Rejected short6 = rejected(ack, Keyring.of(KEY));
        assertThat(short6.reason()).isEqualTo(UdpRejectReason.TRUNCATED);
        assertThat(short6.message()).isEqualTo("IPv6 hello ack of 64 bytes leaves -4 bytes for its body, which is"
                + " exactly the 8-byte nonce");
    }

    @Test
    void anyChangedBitOfAnAuthenticMessageIsRejected() {
        byte[] advert = UdpAdvertCodec.seal(KEY, 1, LB1, ADVERT);
        byte[] hello = UdpAdvertCodec.sealHandshake(UdpAdvertCodec.Type.HELLO, KEY, 1, LB1, 42);
        for (byte[] good : List.of(advert, hello)) {
            for (int i = 8; i < good.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] altered = good.clone();
                    altered[i] ^= (byte) (1 << bit);
                    UdpRejectReason reason = rejection(altered);
                    if (i < 12) {
                        assertThat(reason).as("byte %d bit %d (key id)", i, bit).isEqualTo(UdpRejectReason.UNKNOWN_KEY);
                    } else {
                        assertThat(reason).as("byte %d bit %d", i, bit).isEqualTo(UdpRejectReason.BAD_MAC);
                    }
                }
            }
        }
    }

    @Test
    void aMessageSignedWithAnotherKeyIsUnknownAndAForgedMacIsBad() {
        AuthKey other = AuthKey.of("another key, also thirty-two bytes!".getBytes(StandardCharsets.US_ASCII), "other");
        byte[] foreign = UdpAdvertCodec.seal(other, 1, LB1, ADVERT);
        assertThat(rejection(foreign)).isEqualTo(UdpRejectReason.UNKNOWN_KEY);

        // A forger who read our key id off the wire but has not got the key.
        byte[] forged = UdpAdvertCodec.seal(other, 1, LB1, ADVERT);
        System.arraycopy(UdpAdvertCodec.seal(KEY, 1, LB1, ADVERT), 8, forged, 8, 4);
        assertThat(rejection(forged)).isEqualTo(UdpRejectReason.BAD_MAC);

        // During a rotation both keys open.
        assertThat(UdpAdvertCodec.open(foreign, 0, foreign.length, new Keyring(KEY, other)))
                .isInstanceOfSatisfying(UdpAdvertCodec.Opened.Authentic.class, a -> assertThat(a.key()).isEqualTo(other));
    }

    @Test
    void keysAreAtLeast32BytesAndTextKeysLoseOneLineEnding() {
        assertThatThrownBy(() -> AuthKey.of(new byte[31], "key \"key\" of Secret web-auth"))
                .hasMessage("key \"key\" of Secret web-auth has 31 bytes; an HMAC-SHA256 key needs at least 32");
        assertThatThrownBy(() -> AuthKey.of(new byte[1025], "k")).hasMessageContaining("at most 1024");
        String text = "q6J0hWq8r3p1x0yDkU5mS2n4T7vB9cZaE3fGhJkL0mN=";
        AuthKey printf = AuthKey.fromStored(text.getBytes(StandardCharsets.US_ASCII), "k");
        assertThat(AuthKey.fromStored((text + "\n").getBytes(StandardCharsets.US_ASCII), "k")).isEqualTo(printf);
        assertThat(AuthKey.fromStored((text + "\r\n").getBytes(StandardCharsets.US_ASCII), "k")).isEqualTo(printf);
        // Binary keys are kept as they are, a final 0x0a included.
        byte[] binary = new byte[32];
        binary[0] = (byte) 0xff;
        binary[31] = '\n';
        assertThat(AuthKey.fromStored(binary, "k")).isEqualTo(AuthKey.of(binary, "k"));
        assertThatThrownBy(() -> AuthKey.fromStored("short\n".getBytes(StandardCharsets.US_ASCII), "file /x/key"))
                .hasMessageContaining("file /x/key has 5 bytes");
    }
}
