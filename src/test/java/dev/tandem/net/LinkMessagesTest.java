package dev.tandem.net;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Bond and link requests byte for byte (little-endian host), twice over: against the layouts of linux/rtnetlink.h
 * ({@code struct ifinfomsg}) and linux/if_link.h (IFLA_LINKINFO, IFLA_INFO_KIND, IFLA_INFO_DATA, IFLA_BOND_*), spelt
 * out field by field; and against what iproute2 6.1 sent for the same {@code ip link} command, recorded with
 * {@code strace -e trace=sendmsg -e write=3} (the kernel here has no bonding driver and refused, but the request had
 * been sent; sequence numbers set to ours). The kernel checks IFLA_BOND_* payloads by type (bond_policy in
 * drivers/net/bonding/bond_netlink.c): u8 for mode, primary_reselect, fail_over_mac and num_peer_notif, u32 for the
 * rest, be32 addresses inside the ARP target nest.
 */
class LinkMessagesTest {
    static final HexFormat HEX = HexFormat.of();

    @BeforeEach
    void littleEndianHost() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the expected bytes are those of x86_64");
    }

    /** Seed 001's bond with seed 000's reselect policy: miimon 100, delays 200, primary eth9 (index 3). */
    static BondOptions seedBond() {
        return new BondOptions(BondOptions.ACTIVE_BACKUP, 100, 200, 200, 3, BondOptions.RESELECT_ALWAYS,
                BondOptions.MAC_ACTIVE, 3, 0, List.of());
    }

    @Test
    void createAnActiveBackupBondWithMiiMonitoring() {
        byte[] message = LinkMessages.createBond(0x6b025e5c, "bond0", seedBond());
        assertThat(HEX.formatHex(message)).isEqualTo(
                "84000000" + "1000" + "0506" + "5c5e026b" + "00000000"   // nlmsghdr: 132 bytes, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE
                + "00000000" + "00000000" + "00000000" + "00000000"     // ifinfomsg: AF_UNSPEC, type 0, index 0, flags 0, change 0
                + "0a000300" + "626f6e6430" + "000000"                   // IFLA_IFNAME (3) "bond0\0", padded
                + "58001200"                                             // IFLA_LINKINFO (18), 88 bytes
                + "08000100" + "626f6e64"                                //   IFLA_INFO_KIND (1) "bond"
                + "4c000200"                                             //   IFLA_INFO_DATA (2), 76 bytes
                + "05000100" + "01000000"                                //     IFLA_BOND_MODE (1) u8 1 active-backup
                + "08000300" + "64000000"                                //     IFLA_BOND_MIIMON (3) u32 100
                + "08000400" + "c8000000"                                //     IFLA_BOND_UPDELAY (4) u32 200
                + "08000500" + "c8000000"                                //     IFLA_BOND_DOWNDELAY (5) u32 200
                + "08000b00" + "03000000"                                //     IFLA_BOND_PRIMARY (11) u32 ifindex 3
                + "05000c00" + "00000000"                                //     IFLA_BOND_PRIMARY_RESELECT (12) u8 0 always
                + "05000d00" + "01000000"                                //     IFLA_BOND_FAIL_OVER_MAC (13) u8 1 active
                + "05001000" + "03000000"                                //     IFLA_BOND_NUM_PEER_NOTIF (16) u8 3
                + "08000700" + "00000000");                              //     IFLA_BOND_ARP_INTERVAL (7) u32 0
        // ip link add bond0 type bond mode active-backup miimon 100 updelay 200 downdelay 200 primary eth9
        //   primary_reselect always fail_over_mac active num_grat_arp 3 arp_interval 0
        assertThat(HEX.formatHex(message)).isEqualTo("84000000100005065c5e026b00000000"
                + "00000000000000000000000000000000"
                + "0a000300626f6e6430000000580012000800010062" + "6f6e644c000200050001000100000008000300"
                + "6400000008000400c800000008000500c800000008000b000300000005000c00000000000500"
                + "0d000100000005001000030000000800070000000000");
    }

    @Test
    void createABondWithArpMonitoring() {
        BondOptions arp = new BondOptions(BondOptions.ACTIVE_BACKUP, 0, 0, 0, 0, BondOptions.RESELECT_ALWAYS,
                BondOptions.MAC_NONE, 1, 200, List.of(ipv4("10.98.1.1"), ipv4("10.98.2.1")));
        byte[] message = LinkMessages.createBond(0x6b025fcf, "bond0", arp);
        assertThat(HEX.formatHex(message)).isEqualTo(
                "80000000" + "1000" + "0506" + "cf5f026b" + "00000000"
                + "00000000000000000000000000000000"
                + "0a000300" + "626f6e6430000000"
                + "54001200"
                + "08000100" + "626f6e64"
                + "48000200"
                + "05000100" + "01000000"                                // mode active-backup
                + "08000300" + "00000000"                                // miimon 0: MII monitoring off, no delays
                + "05000c00" + "00000000"                                // primary_reselect always (no primary)
                + "05000d00" + "00000000"                                // fail_over_mac none
                + "05001000" + "01000000"                                // num_peer_notif 1
                + "08000700" + "c8000000"                                // arp_interval 200
                + "14000800"                                             // IFLA_BOND_ARP_IP_TARGET (8), a nest of 20 bytes
                + "08000000" + "0a620101"                                //   target 0: 10.98.1.1 (be32)
                + "08000100" + "0a620201");                              //   target 1: 10.98.2.1
        // ip link add bond0 type bond mode active-backup miimon 0 primary_reselect always fail_over_mac none
        //   num_grat_arp 1 arp_interval 200 arp_ip_target 10.98.1.1,10.98.2.1
        assertThat(HEX.formatHex(message)).isEqualTo("8000000010000506cf5f026b000000000000000000000000000000000000"
                + "00000a000300626f6e64300000005400120008000100626f6e6448000200050001000100000008000300000000000500"
                + "0c000000000005000d0000000000050010000100000008000700c800000014000800080000000a620101080001000a620201");
    }

    @Test
    void changeABondsOptionsLeavesModeAndMacPolicyAlone() {
        BondOptions changed = new BondOptions(BondOptions.ACTIVE_BACKUP, 100, 200, 200, 3, BondOptions.RESELECT_BETTER,
                BondOptions.MAC_ACTIVE, 2, 0, List.of());
        byte[] message = LinkMessages.changeBond(0x6b025fcf, 2, changed);
        // ip link set dev eth0 type bond miimon 100 updelay 200 downdelay 200 primary eth1 primary_reselect better
        //   num_grat_arp 2 arp_interval 0   (eth0 index 2, eth1 index 3)
        assertThat(HEX.formatHex(message)).isEqualTo(
                "68000000" + "1000" + "0500" + "cf5f026b" + "00000000"   // RTM_NEWLINK, REQUEST|ACK: no create
                + "00000000" + "02000000" + "00000000" + "00000000"     // ifinfomsg for index 2
                + "48001200" + "08000100" + "626f6e64" + "3c000200"
                + "08000300" + "64000000" + "08000400" + "c8000000" + "08000500" + "c8000000"
                + "08000b00" + "03000000"
                + "05000c00" + "01000000"                                // better
                + "05001000" + "02000000"
                + "08000700" + "00000000");
    }

    @Test
    void clearingThePrimarySendsIndexZero() {
        BondOptions none = new BondOptions(BondOptions.ACTIVE_BACKUP, 100, 0, 0, 0, 0, 0, 1, 0, List.of());
        assertThat(HEX.formatHex(LinkMessages.changeBond(1, 5, none))).contains("08000b00" + "00000000");
        assertThat(HEX.formatHex(LinkMessages.createBond(1, "bond0", none))).doesNotContain("08000b00");
    }

    @Test
    void enslaveReleaseUpDownAndDelete() {
        // ip link set dev eth0 master eth1 (eth0 index 2, eth1 index 3)
        assertThat(HEX.formatHex(LinkMessages.setMaster(0x6b025ed0, 2, 3))).isEqualTo(
                "28000000100005" + "00d05e026b00000000" + "00000000020000000000000000000000" + "08000a00" + "03000000");
        // ip link set dev eth0 nomaster
        assertThat(HEX.formatHex(LinkMessages.setMaster(0x6b025ed0, 2, 0))).isEqualTo(
                "2800000010000500d05e026b00000000" + "00000000020000000000000000000000" + "08000a0000000000");
        // ip link set dev eth0 down: flags 0, change IFF_UP
        assertThat(HEX.formatHex(LinkMessages.setUp(0x6b025ed0, 2, false))).isEqualTo(
                "2000000010000500d05e026b00000000" + "00000000" + "02000000" + "00000000" + "01000000");
        // ip link set dev eth0 up
        assertThat(HEX.formatHex(LinkMessages.setUp(0x6b025fcf, 2, true))).isEqualTo(
                "2000000010000500cf5f026b0000000000000000020000000100000001000000");
        // ip link del dev eth0: RTM_DELLINK (17)
        assertThat(HEX.formatHex(LinkMessages.deleteLink(0x6b025fcf, 2))).isEqualTo(
                "2000000011000500cf5f026b0000000000000000020000000000000000000000");
    }

    @Test
    void theKernelsReportOfABondIsRead() {
        // An RTM_NEWLINK as the kernel reports bond0 (index 7) with eth1 (index 3) active: the options it was made with.
        String hex = "00000000" + "1000" + "0200" + "00000000" + "00000000"
                + "00000100" + "07000000" + "43100100" + "00000000"     // ARPHRD_ETHER, index 7, UP|LOWER_UP|...
                + "0a000300" + "626f6e6430000000"
                + "5c001200"
                + "09000100" + "626f6e6400000000"                        // the kernel's kind has its NUL
                + "4c000200"
                + "05000100" + "01000000"
                + "08000200" + "03000000"                                // IFLA_BOND_ACTIVE_SLAVE 3
                + "08000300" + "64000000" + "08000400" + "c8000000" + "08000500" + "c8000000"
                + "08000b00" + "02000000"
                + "05000c00" + "00000000" + "05000d00" + "01000000" + "05001000" + "03000000"
                + "08000700" + "00000000";
        byte[] bytes = HEX.parseHex(hex);
        ByteBuffer message = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        message.putInt(0, bytes.length);
        LinkState link = LinkMessages.link(message);
        assertThat(link.name()).isEqualTo("bond0");
        assertThat(link.index()).isEqualTo(7);
        assertThat(link.isBond()).isTrue();
        assertThat(link.activeSlave()).isEqualTo(3);
        assertThat(link.bond()).isEqualTo(new BondOptions(BondOptions.ACTIVE_BACKUP, 100, 200, 200, 2,
                BondOptions.RESELECT_ALWAYS, BondOptions.MAC_ACTIVE, 3, 0, List.of()));
        assertThat(link.isUp()).isTrue();
        assertThat(link.hasCarrier()).isTrue();
    }

    @Test
    void theKernelRefusesBothMonitorsSoTheOptionsDoToo() {
        assertThatThrownBy(() -> new BondOptions(1, 100, 0, 0, 0, 0, 0, 1, 200, List.of(ipv4("192.0.2.1"))))
                .hasMessageContaining("MII monitoring (miimon 100) together with ARP monitoring (arp_interval 200)");
    }

    static Inet4Address ipv4(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
