package dev.tandem.vrrp;

import static dev.tandem.vrrp.ReferenceChecksum.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.vrrp.DecodeResult.Accepted;
import dev.tandem.vrrp.DecodeResult.RejectReason;
import dev.tandem.vrrp.DecodeResult.Rejected;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Packets written out byte by byte from the RFC 5798 §5.1 and §5.2 layouts. Checksums were worked out by hand
 * (see {@link #oneAddressChecksumByHand()}) and are cross-checked against {@link ReferenceChecksum}.
 */
class AdvertCodecTest {
    private static final IpAddress GROUP_V4 = IpAddress.parse("224.0.0.18");
    private static final IpAddress GROUP_V6 = IpAddress.parse("ff02::12");

    /** 192.0.2.1 -> 224.0.0.18, VRID 7, priority 100, 100 cs, one address 192.0.2.100. */
    private static final String ONE_ADDRESS_IPV4 = """
            45c0 0020 0000 0000 ff70 189a c000 0201 e000 0012
            3107 6401 0064 059e c000 0264
            """;
    /** Unicast 10.0.0.1 -> 10.0.0.2, VRID 255, priority 255, 4095 cs, three addresses. */
    private static final String THREE_ADDRESSES_IPV4 = """
            45c0 0028 0000 0000 ff70 a6a3 0a00 0001 0a00 0002
            31ff ff03 0fff ea4f 0a00 000a 0a00 000b ac10 0001
            """;
    /** VRRP part only (fe80::1 -> ff02::12), VRID 1, priority 0 (stopping), 1 cs, fe80::100 and 2001:db8::100. */
    private static final String TWO_ADDRESSES_IPV6 = """
            3101 0002 0001 a292
            fe80 0000 0000 0000 0000 0000 0000 0100
            2001 0db8 0000 0000 0000 0000 0000 0100
            """;
    /** A VRRPv2 (RFC 3768) advert: auth type 0, 1 s interval, checksum without pseudo-header, 8 bytes auth data. */
    private static final String VRRP_V2_IPV4 = """
            45c0 0028 0000 0000 ff70 1892 c000 0201 e000 0012
            2107 6401 0001 b891 c000 0264 0000 0000 0000 0000
            """;

    @Test
    void oneAddressChecksumByHand() {
        // Pseudo-header c000 0201 e000 0012 0070 000c, message 3107 6401 0064 0000 c000 0264:
        // the words sum to 0x2fa5f; folding gives 0xfa5f + 0x2 = 0xfa61, and its complement is 0x059e.
        long sum = 0xc000L + 0x0201 + 0xe000 + 0x0012 + 0x0070 + 0x000c
                + 0x3107 + 0x6401 + 0x0064 + 0x0000 + 0xc000 + 0x0264;
        assertThat(sum).isEqualTo(0x2fa5fL);
        assertThat(~(0xfa5f + 0x2) & 0xFFFF).isEqualTo(0x059e);
        byte[] packet = hex(ONE_ADDRESS_IPV4);
        assertThat(ReferenceChecksum.of(ip("192.0.2.1"), ip("224.0.0.18"), zeroChecksum(vrrpPart(packet))))
                .isEqualTo(0x059e);
        // and the whole message, checksum in place, verifies to 0
        assertThat(ReferenceChecksum.of(ip("192.0.2.1"), ip("224.0.0.18"), vrrpPart(packet))).isZero();
        assertThat(ReferenceChecksum.of(ip("10.0.0.1"), ip("10.0.0.2"), vrrpPart(hex(THREE_ADDRESSES_IPV4))))
                .isZero();
        assertThat(ReferenceChecksum.of(ip("fe80::1"), ip("ff02::12"), hex(TWO_ADDRESSES_IPV6))).isZero();
    }

    @Test
    void encodesOneIpv4Address() {
        byte[] vrrp = AdvertCodec.encode(Advert.of(7, 100, 100, addresses("192.0.2.100")),
                IpAddress.parse("192.0.2.1"), GROUP_V4);
        assertThat(vrrp).isEqualTo(vrrpPart(hex(ONE_ADDRESS_IPV4)));
    }

    @Test
    void encodesSeveralIpv4AddressesUnicast() {
        byte[] vrrp = AdvertCodec.encode(Advert.of(255, 255, 4095, addresses("10.0.0.10", "10.0.0.11", "172.16.0.1")),
                IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.2"));
        assertThat(vrrp).isEqualTo(vrrpPart(hex(THREE_ADDRESSES_IPV4)));
    }

    @Test
    void encodesIpv6() {
        byte[] vrrp = AdvertCodec.encode(Advert.of(1, 0, 1, addresses("fe80::100", "2001:db8::100")),
                IpAddress.parse("fe80::1"), GROUP_V6);
        assertThat(vrrp).isEqualTo(hex(TWO_ADDRESSES_IPV6));
    }

    @Test
    void decodesOneIpv4Address() {
        Accepted accepted = accepted(AdvertCodec.decodeIpv4Packet(hex(ONE_ADDRESS_IPV4), 0, 32));
        assertThat(accepted.advert()).isEqualTo(new Advert(3, 1, 7, 100, 100, addresses("192.0.2.100")));
        assertThat(accepted.source()).isEqualTo(IpAddress.parse("192.0.2.1"));
        assertThat(accepted.destination()).isEqualTo(GROUP_V4);
        assertThat(accepted.ttl()).isEqualTo(255);
    }

    @Test
    void decodesSeveralIpv4Addresses() {
        Accepted accepted = accepted(AdvertCodec.decodeIpv4Packet(hex(THREE_ADDRESSES_IPV4), 0, 40));
        assertThat(accepted.advert()).isEqualTo(
                Advert.of(255, 255, 4095, addresses("10.0.0.10", "10.0.0.11", "172.16.0.1")));
        assertThat(accepted.destination()).isEqualTo(IpAddress.parse("10.0.0.2"));
    }

    @Test
    void decodesIpv6WithHeaderFieldsFromTheSocket() {
        byte[] vrrp = hex(TWO_ADDRESSES_IPV6);
        Accepted accepted = accepted(AdvertCodec.decodeVrrp(vrrp, 0, vrrp.length,
                IpAddress.parse("fe80::1"), GROUP_V6, 255));
        assertThat(accepted.advert()).isEqualTo(Advert.of(1, 0, 1, addresses("fe80::100", "2001:db8::100")));
        assertThat(accepted.source()).isEqualTo(IpAddress.parse("fe80::1"));
    }

    @Test
    void decodesAtAnOffsetAndIgnoresBytesAfterTheIpv4TotalLength() {
        byte[] packet = hex(ONE_ADDRESS_IPV4);
        byte[] framed = new byte[5 + packet.length + 6];
        Arrays.fill(framed, (byte) 0xAA);
        System.arraycopy(packet, 0, framed, 5, packet.length);
        Accepted accepted = accepted(AdvertCodec.decodeIpv4Packet(framed, 5, packet.length + 6));
        assertThat(accepted.advert().vrid()).isEqualTo(7);
    }

    @Test
    void skipsIpv4Options() {
        // IHL 6: one 4-byte option word (a no-op list) between the fixed header and VRRP.
        byte[] packet = hex("""
                46c0 0024 0000 0000 ff70 0000 c000 0201 e000 0012 0101 0100
                3107 6401 0064 059e c000 0264
                """);
        assertThat(accepted(AdvertCodec.decodeIpv4Packet(packet, 0, packet.length)).advert().priority())
                .isEqualTo(100);
    }

    @Test
    void ignoresReservedBitsOnReception() {
        // RFC 5798 §5.2.6: reserved bits set; the checksum (covering them) is recomputed.
        byte[] vrrp = vrrpPart(hex(ONE_ADDRESS_IPV4));
        vrrp[4] = (byte) 0xF0;
        fixChecksum(vrrp, ip("192.0.2.1"), ip("224.0.0.18"));
        Accepted accepted = accepted(AdvertCodec.decodeVrrp(vrrp, 0, vrrp.length,
                IpAddress.parse("192.0.2.1"), GROUP_V4, 255));
        assertThat(accepted.advert().maxAdvertIntervalCentis()).isEqualTo(100);
    }

    @Test
    void acceptsDfButRejectsFragments() {
        byte[] dontFragment = hex(ONE_ADDRESS_IPV4);
        dontFragment[6] = 0x40;
        assertThat(AdvertCodec.decodeIpv4Packet(dontFragment, 0, 32)).isInstanceOf(Accepted.class);
        byte[] moreFragments = hex(ONE_ADDRESS_IPV4);
        moreFragments[6] = 0x20;
        assertRejected(AdvertCodec.decodeIpv4Packet(moreFragments, 0, 32), RejectReason.BAD_IP_HEADER, "fragment");
    }

    // ---- malformed packets ----

    @Test
    void empty() {
        assertRejected(AdvertCodec.decodeIpv4Packet(new byte[0], 0, 0), RejectReason.TRUNCATED, "0 bytes");
        assertRejected(AdvertCodec.decodeVrrp(new byte[0], 0, 0, IpAddress.parse("fe80::1"), GROUP_V6, 255),
                RejectReason.TRUNCATED, "0 bytes");
    }

    @Test
    void oneByte() {
        assertRejected(AdvertCodec.decodeIpv4Packet(new byte[] {0x45}, 0, 1), RejectReason.TRUNCATED, "1 bytes");
        assertRejected(AdvertCodec.decodeVrrp(new byte[] {0x31}, 0, 1, IpAddress.parse("fe80::1"), GROUP_V6, 255),
                RejectReason.TRUNCATED, "1 bytes");
    }

    @Test
    void truncatedIpv4Header() {
        byte[] packet = hex(ONE_ADDRESS_IPV4);
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, 19), RejectReason.TRUNCATED, "19 bytes");
        byte[] withOptions = hex(ONE_ADDRESS_IPV4);
        withOptions[0] = 0x4F; // IHL 15: a 60-byte header, but only 32 bytes arrived
        assertRejected(AdvertCodec.decodeIpv4Packet(withOptions, 0, 32), RejectReason.TRUNCATED, "60-byte header");
    }

    @Test
    void truncatedVrrpHeader() {
        byte[] packet = hex("45c0 001b 0000 0000 ff70 0000 c000 0201 e000 0012 3107 6401 0064 05");
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, packet.length), RejectReason.TRUNCATED, "7 bytes");
    }

    @Test
    void truncatedAddresses() {
        // the IPv4 total length says 40 but the read returned 38 bytes
        byte[] packet = hex(THREE_ADDRESSES_IPV4);
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, 38), RejectReason.TRUNCATED, "total length is 40");
        // without an IP header to tell: 3 addresses announced, 2.5 present
        byte[] vrrp = Arrays.copyOf(vrrpPart(packet), 18);
        assertRejected(AdvertCodec.decodeVrrp(vrrp, 0, vrrp.length, IpAddress.parse("10.0.0.1"),
                IpAddress.parse("10.0.0.2"), 255), RejectReason.BAD_LENGTH, "not a multiple of 4");
    }

    @Test
    void ihlBelowFive() {
        byte[] packet = hex(ONE_ADDRESS_IPV4);
        packet[0] = 0x44;
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, 32), RejectReason.BAD_IP_HEADER, "header length 16");
    }

    @Test
    void notIpv4() {
        byte[] packet = hex(ONE_ADDRESS_IPV4);
        packet[0] = 0x65;
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, 32), RejectReason.BAD_IP_HEADER, "IP version 6");
    }

    @Test
    void totalLengthLargerThanBuffer() {
        byte[] packet = hex(ONE_ADDRESS_IPV4);
        packet[3] = 0x40;
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, 32), RejectReason.TRUNCATED, "total length is 64");
    }

    @Test
    void totalLengthShorterThanHeader() {
        byte[] packet = hex(ONE_ADDRESS_IPV4);
        packet[3] = 0x10;
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, 32), RejectReason.BAD_IP_HEADER, "total length 16");
    }

    @Test
    void protocolSix() {
        byte[] packet = hex("45c0 0020 0000 0000 ff06 1904 c000 0201 e000 0012 3107 6401 0064 059e c000 0264");
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, 32), RejectReason.WRONG_PROTOCOL, "protocol 6");
    }

    @Test
    void vrrpVersionTwo() {
        byte[] packet = hex(VRRP_V2_IPV4);
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, packet.length), RejectReason.WRONG_VERSION,
                "version 2 (RFC 3768)");
    }

    @Test
    void typeTwo() {
        byte[] packet = hex(ONE_ADDRESS_IPV4);
        packet[20] = 0x32;
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, 32), RejectReason.UNKNOWN_TYPE, "type 2");
    }

    @Test
    void oneFlippedBitInTheChecksum() {
        byte[] packet = hex(ONE_ADDRESS_IPV4);
        packet[27] ^= 0x01;
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, 32), RejectReason.BAD_CHECKSUM,
                "checksum 0x059f", "expected 0x059e");
    }

    @Test
    void oneFlippedBitInAnAddress() {
        byte[] packet = hex(THREE_ADDRESSES_IPV4);
        packet[39] ^= 0x10;
        // the address word grew by 0x10, so the checksum it needs shrank by 0x10
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, 40), RejectReason.BAD_CHECKSUM,
                "checksum 0xea4f from 10.0.0.1 to 10.0.0.2", "expected 0xea3f");
    }

    @Test
    void ttl254And64() {
        byte[] ttl254 = hex("45c0 0020 0000 0000 fe70 199a c000 0201 e000 0012 3107 6401 0064 059e c000 0264");
        assertRejected(AdvertCodec.decodeIpv4Packet(ttl254, 0, 32), RejectReason.TTL_NOT_255, "TTL 254");
        byte[] ttl64 = hex(ONE_ADDRESS_IPV4);
        ttl64[8] = 64;
        assertRejected(AdvertCodec.decodeIpv4Packet(ttl64, 0, 32), RejectReason.TTL_NOT_255, "TTL 64");
        byte[] vrrp = hex(TWO_ADDRESSES_IPV6);
        assertRejected(AdvertCodec.decodeVrrp(vrrp, 0, vrrp.length, IpAddress.parse("fe80::1"), GROUP_V6, 64),
                RejectReason.TTL_NOT_255, "hop limit 64");
    }

    @Test
    void countZero() {
        byte[] noAddresses = hex("45c0 001c 0000 0000 ff70 0000 c000 0201 e000 0012 3107 6400 0064 0000");
        fixChecksum(noAddresses, 20, ip("192.0.2.1"), ip("224.0.0.18"));
        assertRejected(AdvertCodec.decodeIpv4Packet(noAddresses, 0, 28), RejectReason.BAD_ADDRESS_COUNT, "count 0");
        byte[] zeroButOneThere = hex(ONE_ADDRESS_IPV4);
        zeroButOneThere[23] = 0;
        assertRejected(AdvertCodec.decodeIpv4Packet(zeroButOneThere, 0, 32), RejectReason.BAD_ADDRESS_COUNT,
                "count 0", "but 1 IPv4 addresses");
    }

    @Test
    void countLargerThanPayload() {
        byte[] packet = hex(ONE_ADDRESS_IPV4);
        packet[23] = 3;
        assertRejected(AdvertCodec.decodeIpv4Packet(packet, 0, 32), RejectReason.BAD_ADDRESS_COUNT,
                "count 3", "but 1 IPv4");
        byte[] vrrp = hex(TWO_ADDRESSES_IPV6);
        vrrp[3] = (byte) 255;
        assertRejected(AdvertCodec.decodeVrrp(vrrp, 0, vrrp.length, IpAddress.parse("fe80::1"), GROUP_V6, 255),
                RejectReason.BAD_ADDRESS_COUNT, "count 255", "but 2 IPv6");
    }

    @Test
    void vridZero() {
        byte[] vrrp = vrrpPart(hex(ONE_ADDRESS_IPV4));
        vrrp[1] = 0;
        fixChecksum(vrrp, ip("192.0.2.1"), ip("224.0.0.18"));
        assertRejected(AdvertCodec.decodeVrrp(vrrp, 0, vrrp.length, IpAddress.parse("192.0.2.1"), GROUP_V4, 255),
                RejectReason.BAD_VRID, "VRID 0");
    }

    @Test
    void mixedFamilies() {
        // an IPv6 advert body behind an IPv4 header: 16 address bytes read as four IPv4 addresses, count says 1
        byte[] v6InV4 = hex("45c0 002c 0000 0000 ff70 0000 c000 0201 e000 0012 3101 0001 0001 0000"
                + "fe80 0000 0000 0000 0000 0000 0000 0100");
        assertRejected(AdvertCodec.decodeIpv4Packet(v6InV4, 0, v6InV4.length), RejectReason.BAD_ADDRESS_COUNT,
                "count 1", "but 4 IPv4");
        // the socket layer handing over a v4 source with a v6 destination
        byte[] vrrp = hex(TWO_ADDRESSES_IPV6);
        assertRejected(AdvertCodec.decodeVrrp(vrrp, 0, vrrp.length, IpAddress.parse("192.0.2.1"), GROUP_V6, 255),
                RejectReason.BAD_IP_HEADER, "different families");
        // an advert cannot mix families, nor travel on the other family
        assertThatThrownBy(() -> Advert.of(1, 100, 100, addresses("192.0.2.1", "2001:db8::1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AdvertCodec.encode(Advert.of(1, 100, 100, addresses("192.0.2.100")),
                IpAddress.parse("fe80::1"), GROUP_V6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPv4 advert");
    }

    // ---- checksum compatibility ----

    @Test
    void unicastChecksumOverTheMulticastGroupIsRejectedAndNamed() {
        // keepalived <= 1.3.6 in unicast mode put 224.0.0.18 in the pseudo-header instead of the peer.
        byte[] vrrp = vrrpPart(hex(THREE_ADDRESSES_IPV4));
        fixChecksum(vrrp, ip("10.0.0.1"), ip("224.0.0.18"));
        assertRejected(AdvertCodec.decodeVrrp(vrrp, 0, vrrp.length, IpAddress.parse("10.0.0.1"),
                IpAddress.parse("10.0.0.2"), 255), RejectReason.BAD_CHECKSUM, "expected 0xea4f", "keepalived 1.3.6");
    }

    @Test
    void checksumWithoutPseudoHeaderIsRejectedAndNamed() {
        byte[] vrrp = vrrpPart(hex(ONE_ADDRESS_IPV4));
        vrrp[6] = 0;
        vrrp[7] = 0;
        int plain = ReferenceChecksum.plain(vrrp);
        vrrp[6] = (byte) (plain >> 8);
        vrrp[7] = (byte) plain;
        assertRejected(AdvertCodec.decodeVrrp(vrrp, 0, vrrp.length, IpAddress.parse("192.0.2.1"), GROUP_V4, 255),
                RejectReason.BAD_CHECKSUM, "without the pseudo-header");
    }

    @Test
    void callerBugsThrow() {
        byte[] packet = hex(ONE_ADDRESS_IPV4);
        assertThatThrownBy(() -> AdvertCodec.decodeIpv4Packet(packet, 4, 32))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> AdvertCodec.decodeVrrp(packet, -1, 2, GROUP_V4, GROUP_V4, 255))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void reasonLabelsSuitMetrics() {
        assertThat(RejectReason.BAD_CHECKSUM.label()).isEqualTo("bad_checksum");
        assertThat(RejectReason.TTL_NOT_255.label()).isEqualTo("ttl_not_255");
    }

    // ---- helpers ----

    static Accepted accepted(DecodeResult result) {
        assertThat(result).isInstanceOf(Accepted.class);
        return (Accepted) result;
    }

    static void assertRejected(DecodeResult result, RejectReason reason, String... messageParts) {
        assertThat(result).isInstanceOf(Rejected.class);
        Rejected rejected = (Rejected) result;
        assertThat(rejected.reason()).as(rejected.message()).isEqualTo(reason);
        assertThat(rejected.message()).contains(messageParts);
    }

    private static List<IpAddress> addresses(String... text) {
        return Arrays.stream(text).map(IpAddress::parse).toList();
    }

    private static byte[] ip(String text) {
        return IpAddress.parse(text).bytes();
    }

    private static byte[] vrrpPart(byte[] ipv4Packet) {
        return Arrays.copyOfRange(ipv4Packet, (ipv4Packet[0] & 0x0F) * 4, ipv4Packet.length);
    }

    private static byte[] zeroChecksum(byte[] vrrp) {
        byte[] copy = vrrp.clone();
        copy[6] = 0;
        copy[7] = 0;
        return copy;
    }

    private static void fixChecksum(byte[] vrrp, byte[] src, byte[] dst) {
        fixChecksum(vrrp, 0, src, dst);
    }

    /** Recomputes the checksum of the VRRP message starting at {@code at} with the reference implementation. */
    private static void fixChecksum(byte[] buf, int at, byte[] src, byte[] dst) {
        byte[] vrrp = zeroChecksum(Arrays.copyOfRange(buf, at, buf.length));
        int checksum = ReferenceChecksum.of(src, dst, vrrp);
        buf[at + 6] = (byte) (checksum >> 8);
        buf[at + 7] = (byte) checksum;
    }
}
