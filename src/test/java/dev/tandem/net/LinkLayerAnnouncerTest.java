package dev.tandem.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HexFormat;

import static dev.tandem.net.Ipv6VrrpSocketTest.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Announcements from namespace a (va, MAC 02:00:5e:10:99:01) seen from namespace b (vb): b's neighbour table first
 * holds a stale entry for the floating address pointing at another MAC, as a client's would after a failover.
 */
class LinkLayerAnnouncerTest {
    static final String MAC_A = "02:00:5e:10:99:01";
    static final String OLD_MAC = "02:00:5e:10:99:99";
    static final byte[] VIP4 = {10, 99, 3, 10};
    static final byte[] VIP6 = address("2001:2:0:3::10");

    NetNs a;
    NetNs b;
    Announcer announcer;

    @BeforeEach
    void namespaces() throws Exception {
        NetNs.assumeAvailable();
        a = NetNs.create();
        b = NetNs.create();
        NetNs.veth(a, "va", b, "vb");
        a.ip("link", "set", "va", "address", MAC_A);
        a.ip("address", "add", "10.99.3.1/24", "dev", "va");
        b.ip("address", "add", "10.99.3.2/24", "dev", "vb");
        b.ip("-6", "address", "add", "2001:2:0:3::2/64", "dev", "vb", "nodad");
        announcer = a.call(LinkLayerAnnouncer::open);
    }

    @AfterEach
    void cleanUp() {
        if (announcer != null) {
            announcer.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void gratuitousArpMovesTheNeighboursEntryToTheNewHolder() throws Exception {
        b.ip("neigh", "add", "10.99.3.10", "lladdr", OLD_MAC, "dev", "vb", "nud", "stale");
        try (PacketCapture capture = b.call(() -> PacketCapture.open("vb"))) {
            assertThat(announcer.announce("va", VIP4)).isEqualTo(2);

            byte[] mac = HexFormat.ofDelimiter(":").parseHex(MAC_A);
            byte[] request = capture.next(Duration.ofSeconds(3), f -> PacketCapture.hasEtherType(f, 0x0806));
            byte[] reply = capture.next(Duration.ofSeconds(3), f -> PacketCapture.hasEtherType(f, 0x0806));
            assertThat(request).as("the request frame as b received it").isEqualTo(GratuitousArp.request(mac, VIP4));
            assertThat(reply).as("the reply frame as b received it").isEqualTo(GratuitousArp.reply(mac, VIP4));
        }
        assertThat(awaitNeighbour(b, "10.99.3.10")).contains("lladdr " + MAC_A).doesNotContain(OLD_MAC);
    }

    @Test
    void unsolicitedNeighbourAdvertisementMovesTheIpv6Entry() throws Exception {
        b.ip("-6", "neigh", "add", "2001:2:0:3::10", "lladdr", OLD_MAC, "dev", "vb", "nud", "stale");
        try (PacketCapture capture = b.call(() -> PacketCapture.open("vb"))) {
            assertThat(announcer.announce("va", VIP6)).isEqualTo(1);

            byte[] advert = capture.next(Duration.ofSeconds(3),
                    f -> PacketCapture.hasEtherType(f, 0x86DD) && f.length > 54 && (f[54] & 0xFF) == 136);
            byte[] mac = HexFormat.ofDelimiter(":").parseHex(MAC_A);
            assertThat(advert).isEqualTo(NeighbourAdvertisement.unsolicited(mac, VIP6, false));
        }
        // b's kernel verified the hop limit (255), the ICMPv6 checksum and the option before taking the new MAC.
        assertThat(awaitNeighbour(b, "2001:2:0:3::10")).contains("lladdr " + MAC_A).doesNotContain(OLD_MAC);
    }

    @Test
    void theRouterFlagFollowsIpv6ForwardingOfTheInterface() throws Exception {
        a.sysctl("net.ipv6.conf.va.forwarding", "1");
        try (PacketCapture capture = b.call(() -> PacketCapture.open("vb"))) {
            a.call(() -> announcer.announce("va", VIP6)); // /proc/sys is read in the caller's namespace
            byte[] advert = capture.next(Duration.ofSeconds(3),
                    f -> PacketCapture.hasEtherType(f, 0x86DD) && f.length > 54 && (f[54] & 0xFF) == 136);
            assertThat(advert[58] & 0xFF).as("flags: Router and Override").isEqualTo(0xA0);
        }
    }

    @Test
    void nothingIsSentOnAnInterfaceWithoutNeighbours() throws Exception {
        assertThat(announcer.announce("lo", VIP4)).isZero();
        a.ip("link", "set", "va", "arp", "off");
        assertThat(announcer.announce("va", VIP4)).isZero();
    }

    @Test
    void aMissingInterfaceIsAClearError() {
        assertThatThrownBy(() -> a.call(() -> announcer.announce("eth9", VIP4)))
                .isInstanceOf(InterfaceNotFoundException.class)
                .hasMessage("interface eth9 does not exist on this host; interfaces: lo, va");
    }

    @Test
    void aDownInterfaceIsAClearError() {
        a.ip("link", "set", "va", "down");
        assertThatThrownBy(() -> announcer.announce("va", VIP4))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("sendto(gratuitous ARP request for 10.99.3.10) on va failed: Network is down (errno 100)");
    }

    /** {@code ip neigh show ADDRESS} once it names a MAC other than the old one, or after 3 s whatever it says. */
    static String awaitNeighbour(NetNs ns, String address) throws InterruptedException {
        String shown = "";
        for (int i = 0; i < 60; i++) {
            shown = ns.ip("neigh", "show", address, "dev", "vb");
            if (!shown.contains(OLD_MAC)) {
                return shown;
            }
            Thread.sleep(50);
        }
        return shown;
    }

    /** The takeover rehearsal builds and hands over the same frames, to interface index 0: none goes out. */
    @Test
    void aRehearsalSendsNoFrame() throws Exception {
        try (PacketCapture capture = b.call(() -> PacketCapture.open("vb"))) {
            announcer.rehearse("va", VIP4);
            announcer.rehearse("va", VIP6);

            assertThat(capture.next(Duration.ofMillis(300), f -> PacketCapture.hasEtherType(f, 0x0806)
                    || PacketCapture.hasEtherType(f, 0x86DD) && f.length > 54 && (f[54] & 0xFF) == 136))
                    .as("no ARP frame and no neighbour advertisement").isNull();
            assertThat(announcer.announce("va", VIP4)).as("the real one still goes out").isEqualTo(2);
            assertThat(capture.next(Duration.ofSeconds(3), f -> PacketCapture.hasEtherType(f, 0x0806))).isNotNull();
        }
    }
}
