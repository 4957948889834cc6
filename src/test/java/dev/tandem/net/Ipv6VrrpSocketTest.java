package dev.tandem.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VRRP over IPv6 between two namespaces (a: va 2001:2:0:1::1, b: vb 2001:2:0:1::2, from the RFC 5180 benchmarking
 * range). DAD is off in these namespaces so that the link-local addresses are usable at once.
 */
class Ipv6VrrpSocketTest {
    static final byte[] A = address("2001:2:0:1::1");
    static final byte[] B = address("2001:2:0:1::2");
    /** A VRRPv3 advert for VRID 51 with one IPv6 address and a deliberately wrong checksum, which the kernel fixes. */
    static final byte[] ADVERT = concat(new byte[] {0x31, 51, 100, 1, 0, 100, 0x12, 0x34}, address("2001:2:0:1::100"));

    NetNs a;
    NetNs b;

    @BeforeEach
    void namespaces() {
        NetNs.assumeAvailable();
        a = NetNs.create();
        b = NetNs.create();
        for (NetNs ns : new NetNs[] {a, b}) {
            ns.sysctl("net.ipv6.conf.default.accept_dad", "0");
            ns.sysctl("net.ipv6.conf.all.accept_dad", "0");
        }
        NetNs.veth(a, "va", b, "vb");
        a.ip("address", "add", "2001:2:0:1::1/64", "dev", "va");
        b.ip("address", "add", "2001:2:0:1::2/64", "dev", "vb");
    }

    @AfterEach
    void cleanUp() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void multicastAdvertArrivesFromTheLinkLocalAddressWithHopLimit255AndAValidChecksum() throws Exception {
        byte[] linkLocalA = a.call(() -> {
            try (AddressTable table = AddressTable.open()) {
                return table.list("va").stream().filter(x -> x.isIpv6() && x.scope() == 253).findFirst()
                        .orElseThrow().address();
            }
        });
        try (VrrpSocket sender = a.call(() -> VrrpSocket.openIpv6("va", true));
             VrrpSocket member = b.call(() -> VrrpSocket.openIpv6("vb", true));
             VrrpSocket notMember = b.call(() -> VrrpSocket.openIpv6("vb", false))) {
            sender.send(ADVERT, VrrpSocket.ipv6Group());

            byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
            int length = member.receive(packet, Duration.ofSeconds(3));

            assertThat(length).isEqualTo(40 + ADVERT.length);
            assertThat((packet[0] & 0xFF) >> 4).as("version").isEqualTo(6);
            assertThat(((packet[4] & 0xFF) << 8) | (packet[5] & 0xFF)).as("payload length").isEqualTo(ADVERT.length);
            assertThat(packet[6] & 0xFF).as("next header").isEqualTo(112);
            assertThat(packet[7] & 0xFF).as("hop limit (RFC 5798 §5.1.2.3)").isEqualTo(255);
            assertThat(Arrays.copyOfRange(packet, 8, 24)).as("source: va's link-local address").isEqualTo(linkLocalA);
            assertThat(Arrays.copyOfRange(packet, 24, 40)).as("destination").isEqualTo(VrrpSocket.ipv6Group());
            byte[] payload = Arrays.copyOfRange(packet, 40, length);
            assertThat(Arrays.copyOfRange(payload, 8, payload.length)).isEqualTo(Arrays.copyOfRange(ADVERT, 8, ADVERT.length));
            assertThat(Arrays.copyOfRange(payload, 6, 8)).as("the kernel computed the checksum").isNotEqualTo(new byte[] {0x12, 0x34});
            assertThat(onesComplementSum(linkLocalA, VrrpSocket.ipv6Group(), 112, payload))
                    .as("RFC 5798 §5.2.8 checksum with the IPv6 pseudo-header verifies").isEqualTo(0xFFFF);
            assertThat(notMember.receive(packet, Duration.ofMillis(300))).as("no other group (kernel ignores IPV6_MULTICAST_ALL for raw sockets; filtered by destination)").isEqualTo(-1);
            assertThat(sender.receive(packet, Duration.ofMillis(100))).as("IPV6_MULTICAST_LOOP off").isEqualTo(-1);
        }
    }

    @Test
    void unicastAdvertCarriesItsDestinationAndHopLimit() throws Exception {
        try (VrrpSocket sender = a.call(() -> VrrpSocket.openIpv6("va", false, A));
             VrrpSocket receiver = b.call(() -> VrrpSocket.openIpv6("vb", false))) {
            sender.send(ADVERT, B);

            byte[] packet = new byte[200];
            int length = receiver.receive(packet, Duration.ofSeconds(3));

            assertThat(length).isEqualTo(40 + ADVERT.length);
            assertThat(packet[7] & 0xFF).as("hop limit").isEqualTo(255);
            assertThat(Arrays.copyOfRange(packet, 8, 24)).as("source").isEqualTo(A);
            assertThat(Arrays.copyOfRange(packet, 24, 40)).as("destination from IPV6_PKTINFO").isEqualTo(B);
        }
    }

    @Test
    void aWrongChecksumIsDroppedByTheKernelBeforeReceive() throws Exception {
        byte[] correct = ADVERT.clone();
        correct[6] = 0;
        correct[7] = 0;
        int checksum = ~onesComplementSum(A, B, 112, correct) & 0xFFFF;
        correct[6] = (byte) (checksum >> 8);
        correct[7] = (byte) checksum;
        // A plain raw socket without IPV6_CHECKSUM sends the bytes as they are.
        try (NativeSocket plain = a.call(() -> NativeSocket.open(Libc.AF_INET6, Libc.SOCK_RAW, 112, "socket", "va"));
             VrrpSocket receiver = b.call(() -> VrrpSocket.openIpv6("vb", false));
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment to = SocketAddresses.ipv6(arena, B, 0);
            byte[] packet = new byte[200];

            Libc.check(Libc.sendto(plain.fd(), arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, ADVERT),
                    ADVERT.length, 0, to), "sendto", "va");
            assertThat(receiver.receive(packet, Duration.ofMillis(500))).as("wrong checksum 0x1234").isEqualTo(-1);

            Libc.check(Libc.sendto(plain.fd(), arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, correct),
                    correct.length, 0, to), "sendto", "va");
            assertThat(receiver.receive(packet, Duration.ofSeconds(3))).as("the same advert, checksum right")
                    .isEqualTo(40 + correct.length);
        }
    }

    /** One's complement sum over the pseudo-header (RFC 8200 §8.1) and the message; 0xFFFF when the checksum holds. */
    static int onesComplementSum(byte[] source, byte[] destination, int nextHeader, byte[] message) {
        byte[] pseudo = concat(concat(source, destination),
                new byte[] {0, 0, (byte) (message.length >> 8), (byte) message.length, 0, 0, 0, (byte) nextHeader});
        byte[] all = concat(pseudo, message);
        long sum = 0;
        for (int i = 0; i < all.length; i += 2) {
            sum += ((all[i] & 0xFF) << 8) | (i + 1 < all.length ? all[i + 1] & 0xFF : 0);
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) sum;
    }

    static byte[] address(String text) {
        try {
            return java.net.InetAddress.ofLiteral(text).getAddress();
        } catch (IllegalArgumentException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** The takeover rehearsal goes down to sendmsg with MSG_OOB, which the kernel refuses for raw sockets: no packet. */
    @Test
    void aRehearsedSendPutsNothingOnTheWire() throws Exception {
        try (VrrpSocket sender = a.call(() -> VrrpSocket.openIpv6("va", false));
             VrrpSocket receiver = b.call(() -> VrrpSocket.openIpv6("vb", false))) {
            sender.rehearseSend(ADVERT, B);

            byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
            assertThat(receiver.receive(packet, Duration.ofMillis(300))).as("nothing arrived").isEqualTo(-1);
            sender.send(ADVERT, B);
            assertThat(receiver.receive(packet, Duration.ofSeconds(3))).isEqualTo(40 + ADVERT.length);
        }
    }
}
