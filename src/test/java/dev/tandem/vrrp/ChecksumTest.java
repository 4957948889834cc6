package dev.tandem.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChecksumTest {
    private static final IpAddress V4_SRC = IpAddress.parse("192.0.2.1");
    private static final IpAddress V4_DST = IpAddress.parse("224.0.0.18");

    @Test
    void rfc1071WorkedExample() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (with end-around carry), checksum 220d.
        byte[] data = ReferenceChecksum.hex("0001 f203 f4f5 f6f7");
        assertThat(Checksum.sum(0, data, 0, data.length)).isEqualTo(0xddf2);
        assertThat(Checksum.withoutPseudoHeader(data, 0, data.length)).isEqualTo(0x220d);
    }

    @Test
    void oddLengthIsPaddedWithAZeroByte() {
        byte[] odd = ReferenceChecksum.hex("3107 6401 ab");
        byte[] padded = ReferenceChecksum.hex("3107 6401 ab00");
        // 0x3107 + 0x6401 + 0xab00 = 0x14008, folded 0x4009, complemented 0xbff6
        int expected = 0xbff6;
        assertThat(Checksum.withoutPseudoHeader(odd, 0, odd.length)).isEqualTo(expected);
        assertThat(Checksum.withoutPseudoHeader(padded, 0, padded.length)).isEqualTo(expected);
        assertThat(Checksum.vrrp(odd, 0, odd.length, V4_SRC, V4_DST))
                .isEqualTo(ReferenceChecksum.of(V4_SRC.bytes(), V4_DST.bytes(), odd));
    }

    @Test
    void carriesWrapAroundEvenWhenTheSumOverflowsManyTimes() {
        // 40 words of 0xffff: the raw sum 40 * 0xffff = 0x27ffd8 folds to 0xffff, checksum 0.
        byte[] ones = new byte[80];
        Arrays.fill(ones, (byte) 0xFF);
        assertThat(Checksum.withoutPseudoHeader(ones, 0, ones.length)).isZero();
        // 0x8000 * 3 = 0x18000 folds to 0x8001. 0xffff + 0xffff + 0x0001 = 0x1ffff folds to 0x10000, which needs
        // a second fold to give 0x0001.
        assertThat(Checksum.sum(0, ReferenceChecksum.hex("8000 8000 8000"), 0, 6)).isEqualTo(0x8001);
        assertThat(Checksum.sum(0, ReferenceChecksum.hex("ffff ffff 0001"), 0, 6)).isEqualTo(0x0001);
        byte[] mixed = ReferenceChecksum.hex("fffe fffd fffc 8001 7fff 0001 ff00 00ff");
        assertThat(Checksum.withoutPseudoHeader(mixed, 0, mixed.length)).isEqualTo(ReferenceChecksum.plain(mixed));
    }

    @Test
    void rangeAtAnOffsetIsSummedAlone() {
        byte[] framed = ReferenceChecksum.hex("dead 3107 6401 beef");
        assertThat(Checksum.withoutPseudoHeader(framed, 2, 4)).isEqualTo(~(0x3107 + 0x6401) & 0xFFFF);
    }

    @Test
    void pseudoHeaderMatchesKeepalivedLayoutForIpv4AndRfc2460ForIpv6() {
        byte[] message = ReferenceChecksum.hex("3107 6401 0064 0000 c000 0264");
        assertThat(Checksum.vrrp(message, 0, message.length, V4_SRC, V4_DST)).isEqualTo(0x059e)
                .isEqualTo(ReferenceChecksum.of(V4_SRC.bytes(), V4_DST.bytes(), message));
        IpAddress src = IpAddress.parse("fe80::1");
        IpAddress dst = IpAddress.parse("ff02::12");
        byte[] v6 = ReferenceChecksum.hex("3101 0002 0001 0000 fe80 0000 0000 0000 0000 0000 0000 0100"
                + "2001 0db8 0000 0000 0000 0000 0000 0100");
        assertThat(Checksum.vrrp(v6, 0, v6.length, src, dst)).isEqualTo(0xa292)
                .isEqualTo(ReferenceChecksum.of(src.bytes(), dst.bytes(), v6));
    }

    @Test
    void aMessageWithItsChecksumInPlaceVerifiesToZero() {
        byte[] message = ReferenceChecksum.hex("3107 6401 0064 059e c000 0264");
        assertThat(Checksum.vrrp(message, 0, message.length, V4_SRC, V4_DST)).isZero();
    }

    @Test
    void ffffIsAcceptedWhereTheComputedChecksumIsZero() {
        // Search the last address word for a message whose checksum comes out as 0x0000.
        byte[] message = ReferenceChecksum.hex("3107 6401 0064 0000 c000 0000");
        int word = 0;
        for (; word <= 0xFFFF; word++) {
            message[10] = (byte) (word >> 8);
            message[11] = (byte) word;
            if (Checksum.vrrp(message, 0, message.length, V4_SRC, V4_DST) == 0) {
                break;
            }
        }
        assertThat(word).as("a last word that makes the checksum 0").isLessThanOrEqualTo(0xFFFF);
        // Field 0x0000 verifies, and so does 0xffff, the other one's complement zero.
        assertThat(Checksum.vrrp(message, 0, message.length, V4_SRC, V4_DST)).isZero();
        message[6] = (byte) 0xFF;
        message[7] = (byte) 0xFF;
        assertThat(Checksum.vrrp(message, 0, message.length, V4_SRC, V4_DST)).isZero();
        assertThat(ReferenceChecksum.of(V4_SRC.bytes(), V4_DST.bytes(), message)).isZero();
    }

    @Test
    void familiesMustAgree() {
        byte[] message = new byte[8];
        assertThatThrownBy(() -> Checksum.vrrp(message, 0, 8, V4_SRC, IpAddress.parse("ff02::12")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different families");
    }
}
