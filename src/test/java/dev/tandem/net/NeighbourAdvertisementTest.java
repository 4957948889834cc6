package dev.tandem.net;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;

import static dev.tandem.net.Ipv6VrrpSocketTest.address;
import static org.assertj.core.api.Assertions.assertThat;

/** The unsolicited neighbour advertisement byte for byte; the expected checksum was computed separately (Python). */
class NeighbourAdvertisementTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] MAC = HEX.parseHex("02005e109901");
    static final byte[] VIP = address("2001:2:0:3::10");

    @Test
    void frameForAHost() {
        assertThat(HEX.formatHex(NeighbourAdvertisement.unsolicited(MAC, VIP, false))).isEqualTo(
                "333300000001" + "02005e109901" + "86dd"             // to all nodes' MAC, IPv6
                + "60000000" + "0020" + "3a" + "ff"                  // version 6, 32 bytes, ICMPv6, hop limit 255
                + "20010002000000030000000000000010"                 // source: the floating address
                + "ff020000000000000000000000000001"                 // destination: all nodes
                + "88" + "00" + "1d62"                               // type 136, code 0, checksum
                + "20000000"                                         // Override; not Router, not Solicited
                + "20010002000000030000000000000010"                 // target
                + "02" + "01" + "02005e109901");                     // target link-layer address option
    }

    @Test
    void routerFlagIsSetForARouterAndTheChecksumFollows() {
        byte[] frame = NeighbourAdvertisement.unsolicited(MAC, VIP, true);
        assertThat(frame[58] & 0xFF).as("Router and Override").isEqualTo(0xA0);
        byte[] icmp = Arrays.copyOfRange(frame, 54, frame.length);
        assertThat(Ipv6VrrpSocketTest.onesComplementSum(VIP, NeighbourAdvertisement.ALL_NODES, 58, icmp))
                .isEqualTo(0xFFFF);
    }
}
