package dev.tandem.net;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gratuitous ARP frames byte for byte (Ethernet II, RFC 826 layout, RFC 5227 §3 announcement). */
class GratuitousArpTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] MAC = HEX.parseHex("02005e109901");
    static final byte[] VIP = {10, 99, 3, 10};

    @Test
    void requestIsTheRfc5227Announcement() {
        assertThat(HEX.formatHex(GratuitousArp.request(MAC, VIP))).isEqualTo(
                "ffffffffffff" + "02005e109901" + "0806"   // broadcast, from the interface, ARP
                + "0001" + "0800" + "06" + "04" + "0001"   // Ethernet, IPv4, 6, 4, request
                + "02005e109901" + "0a63030a"              // sender MAC and IP
                + "000000000000" + "0a63030a");            // target MAC zero (RFC 5227 §2.1.1), target IP = sender IP
    }

    @Test
    void replyRepeatsTheSenderMacAsTarget() {
        assertThat(HEX.formatHex(GratuitousArp.reply(MAC, VIP))).isEqualTo(
                "ffffffffffff" + "02005e109901" + "0806"
                + "0001" + "0800" + "06" + "04" + "0002"   // reply
                + "02005e109901" + "0a63030a"
                + "02005e109901" + "0a63030a");            // target MAC = sender MAC: Linux then treats it as gratuitous
    }

    @Test
    void framesAre42Bytes() {
        assertThat(GratuitousArp.request(MAC, VIP)).hasSize(GratuitousArp.FRAME_SIZE).hasSize(42);
    }

    @Test
    void wrongLengthsAreRejected() {
        assertThatThrownBy(() -> GratuitousArp.request(MAC, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> GratuitousArp.reply(new byte[8], VIP))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 bytes, got 8");
    }
}
