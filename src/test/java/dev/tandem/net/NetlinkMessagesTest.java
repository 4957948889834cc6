package dev.tandem.net;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;

import static dev.tandem.net.Ipv6VrrpSocketTest.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Netlink encoding byte for byte against the layouts of linux/netlink.h, linux/rtnetlink.h and linux/if_addr.h
 * (little-endian host), and decoding of answers recorded from a Linux 6.18 kernel.
 */
class NetlinkMessagesTest {
    static final HexFormat HEX = HexFormat.of();

    @BeforeEach
    void littleEndianHost() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the expected bytes are those of x86_64");
    }

    @Test
    void newIpv4AddressWithTheTandemProtocol() {
        byte[] message = NetlinkMessages.newAddress(7, new NetlinkMessages.AddressRequest(
                2, new byte[] {10, 99, 0, 10}, 32, 0, 0xE7, ""));
        assertThat(HEX.formatHex(message)).isEqualTo(
                "30000000" + "1400" + "0506" + "07000000" + "00000000"  // nlmsghdr: 48 bytes, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE, seq 7
                + "02200000" + "02000000"                                // ifaddrmsg: AF_INET, /32, flags 0, scope global, ifindex 2
                + "08000200" + "0a63000a"                                // IFA_LOCAL 10.99.0.10
                + "08000100" + "0a63000a"                                // IFA_ADDRESS 10.99.0.10
                + "05000b00" + "e7000000");                              // IFA_PROTO 0xe7, padded to 4
    }

    @Test
    void newIpv4AddressWithTheFallbackLabel() {
        byte[] message = NetlinkMessages.newAddress(1, new NetlinkMessages.AddressRequest(
                2, new byte[] {10, 99, 0, 10}, 32, 0, 0, "va:tdm"));
        assertThat(HEX.formatHex(message)).isEqualTo(
                "34000000" + "1400" + "0506" + "01000000" + "00000000"
                + "02200000" + "02000000"
                + "08000200" + "0a63000a"
                + "08000100" + "0a63000a"
                + "0b000300" + "76613a74646d00" + "00");                // IFA_LABEL "va:tdm\0": length 11, padded to 12
    }

    @Test
    void newIpv6AddressWithNodad() {
        byte[] message = NetlinkMessages.newAddress(3, new NetlinkMessages.AddressRequest(
                3, address("2001:2:0:2::10"), 128, InstalledAddress.IFA_F_NODAD, 0xE7, "ignored for IPv6"));
        assertThat(HEX.formatHex(message)).isEqualTo(
                "50000000" + "1400" + "0506" + "03000000" + "00000000"
                + "0a800200" + "03000000"                                // AF_INET6, /128, ifa_flags NODAD, ifindex 3
                + "14000200" + "20010002000000020000000000000010"        // IFA_LOCAL
                + "14000100" + "20010002000000020000000000000010"        // IFA_ADDRESS
                + "08000800" + "02000000"                                // IFA_FLAGS IFA_F_NODAD (u32)
                + "05000b00" + "e7000000");
    }

    @Test
    void deleteAddressCarriesNoMarks() {
        byte[] message = NetlinkMessages.deleteAddress(9, new NetlinkMessages.AddressRequest(
                2, new byte[] {10, 99, 0, 10}, 32, 0, 0xE7, "va:tdm"));
        assertThat(HEX.formatHex(message)).isEqualTo(
                "28000000" + "1500" + "0500" + "09000000" + "00000000"  // RTM_DELADDR, REQUEST|ACK
                + "02200000" + "02000000"
                + "08000200" + "0a63000a"
                + "08000100" + "0a63000a");
    }

    @Test
    void dumpAndLinkRequests() {
        assertThat(HEX.formatHex(NetlinkMessages.dumpAddresses(4, Libc.AF_UNSPEC))).isEqualTo(
                "18000000" + "1600" + "0103" + "04000000" + "00000000" + "00000000" + "00000000");
        assertThat(HEX.formatHex(NetlinkMessages.getLink(5, "va"))).isEqualTo(
                "28000000" + "1200" + "0100" + "05000000" + "00000000"
                + "00000000" + "00000000" + "00000000" + "00000000"      // ifinfomsg, all zero
                + "07000300" + "766100" + "00");                         // IFLA_IFNAME "va\0"
    }

    @Test
    void decodesAnIpv6DumpEntryRecordedFromTheKernel() {
        byte[] datagram = HEX.parseHex("5000000014000200030000003c6c00000a8082000200000014000100200100020000000200"
                + "0000000000001014000600ffffffffffffffff8b1104008b110400080008008200000005000b00e70000005000000014"
                + "000200030000003c6c00000a4080fd0200000014000100fe8000000000000044d0a5fffe92bff314000600ffffffffff"
                + "ffffff5211040052110400080008008000000005000b00030000001400000003000200030000003c6c000000000000");
        List<ByteBuffer> messages = NetlinkMessages.split(ByteBuffer.wrap(datagram));

        assertThat(messages).extracting(m -> NetlinkMessages.header(m).type())
                .containsExactly(NetlinkMessages.RTM_NEWADDR, NetlinkMessages.RTM_NEWADDR, NetlinkMessages.NLMSG_DONE);
        InstalledAddress vip = NetlinkMessages.address(messages.get(0));
        assertThat(vip.text()).isEqualTo("2001:2:0:2::10/128");
        assertThat(vip.interfaceIndex()).isEqualTo(2);
        assertThat(vip.flags()).isEqualTo(InstalledAddress.IFA_F_NODAD | InstalledAddress.IFA_F_PERMANENT);
        assertThat(vip.protocol()).isEqualTo(0xE7);
        assertThat(vip.scope()).isZero();
        InstalledAddress linkLocal = NetlinkMessages.address(messages.get(1));
        assertThat(linkLocal.text()).isEqualTo("fe80::44d0:a5ff:fe92:bff3/64");
        assertThat(linkLocal.scope()).isEqualTo(253);
        assertThat(linkLocal.protocol()).as("IFAPROT_KERNEL_LL").isEqualTo(3);
    }

    @Test
    void decodesAnIpv4DumpEntryWithALabel() {
        byte[] datagram = HEX.parseHex("5000000014000200040000003c6c00000218800002000000080001000a630201080002000a"
                + "6302010900030076613a7800000000080008008000000014000600ffffffffffffffff5211040052110400");
        InstalledAddress address = NetlinkMessages.address(NetlinkMessages.split(ByteBuffer.wrap(datagram)).getFirst());
        assertThat(address.text()).isEqualTo("10.99.2.1/24");
        assertThat(address.label()).isEqualTo("va:x");
        assertThat(address.protocol()).isZero();
        assertThat(address.flags()).isEqualTo(InstalledAddress.IFA_F_PERMANENT);
    }

    @Test
    void decodesErrorsWithTheKernelsExtendedAck() {
        NetlinkMessages.Error exists = NetlinkMessages.error(only("4800000002000003020000003c6c0000efffffff5000000014"
                + "000506020000000000000023000100697076363a206164647265737320616c72656164792061737369676e65640000"));
        assertThat(exists).isEqualTo(new NetlinkMessages.Error(17, "ipv6: address already assigned"));

        NetlinkMessages.Error absent = NetlinkMessages.error(only("4000000002000003070000003c6c00009dffffff2800000015"
                + "00050007000000000000001c000100697076343a2041646472657373206e6f7420666f756e6400"));
        assertThat(absent).isEqualTo(new NetlinkMessages.Error(99, "ipv4: Address not found"));

        NetlinkMessages.Error noDevice = NetlinkMessages.error(only("2400000002000001050000003c6c0000edffffff2c00000012"
                + "0001000500000000000000"));
        assertThat(noDevice).isEqualTo(new NetlinkMessages.Error(19, ""));

        NetlinkMessages.Error ack = NetlinkMessages.error(only("2400000002000001010000003c6c00000000000050000000140005"
                + "060100000000000000"));
        assertThat(ack.errno()).isZero();
    }

    @Test
    void aLengthBeyondTheDatagramIsRejected() {
        byte[] broken = HEX.parseHex("ff00000014000200030000003c6c0000");
        assertThatThrownBy(() -> NetlinkMessages.split(ByteBuffer.wrap(broken)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length 255 at offset 0 of a 16-byte datagram");
    }

    @Test
    void alignmentIsToFourBytes() {
        assertThat(List.of(0, 1, 4, 5, 7, 8, 11)).map(NetlinkMessages::align).containsExactly(0, 4, 4, 8, 8, 8, 12);
    }

    private static ByteBuffer only(String hex) {
        List<ByteBuffer> messages = NetlinkMessages.split(ByteBuffer.wrap(HEX.parseHex(hex)));
        assertThat(messages).hasSize(1);
        return messages.getFirst();
    }
}
