package dev.tandem.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** VRRP over IPv4 between two network namespaces joined by a veth pair (a: va 10.99.1.1, b: vb 10.99.1.2). */
class Ipv4VrrpSocketTest {
    static final byte[] A = {10, 99, 1, 1};
    static final byte[] A_SECOND = {10, 99, 1, 11};
    static final byte[] B = {10, 99, 1, 2};
    /** A VRRPv3 advert for VRID 51, priority 100, 1 s, one address; the checksum does not matter to the socket. */
    static final byte[] ADVERT = {0x31, 51, 100, 1, 0, 100, 0x12, 0x34, 10, 99, 1, 100};

    NetNs a;
    NetNs b;

    @BeforeEach
    void namespaces() {
        NetNs.assumeAvailable();
        a = NetNs.create();
        b = NetNs.create();
        NetNs.veth(a, "va", b, "vb");
        a.ip("address", "add", "10.99.1.1/24", "dev", "va");
        b.ip("address", "add", "10.99.1.2/24", "dev", "vb");
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
    void multicastAdvertArrivesWithTtl255OnlyWhereTheGroupWasJoined() throws Exception {
        try (VrrpSocket sender = a.call(() -> VrrpSocket.openIpv4("va", true));
             VrrpSocket member = b.call(() -> VrrpSocket.openIpv4("vb", true));
             VrrpSocket notMember = b.call(() -> VrrpSocket.openIpv4("vb", false))) {
            sender.send(ADVERT, VrrpSocket.ipv4Group());

            byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
            int length = member.receive(packet, Duration.ofSeconds(3));

            assertThat(length).isEqualTo(20 + ADVERT.length);
            assertThat(packet[0] >> 4).as("IP version").isEqualTo(4);
            assertThat(packet[8] & 0xFF).as("TTL (RFC 5798 §5.1.1.3)").isEqualTo(255);
            assertThat(packet[9] & 0xFF).as("protocol").isEqualTo(112);
            assertThat(Arrays.copyOfRange(packet, 12, 16)).as("source: va's primary address").isEqualTo(A);
            assertThat(Arrays.copyOfRange(packet, 16, 20)).isEqualTo(VrrpSocket.ipv4Group());
            assertThat(Arrays.copyOfRange(packet, 20, length)).isEqualTo(ADVERT);
            // IP_MULTICAST_ALL off: a socket that did not join does not see the group the other one joined.
            assertThat(notMember.receive(packet, Duration.ofMillis(300))).isEqualTo(-1);
            // IP_MULTICAST_LOOP off: the sender does not hear itself although it joined the group.
            assertThat(sender.receive(packet, Duration.ofMillis(100))).isEqualTo(-1);
        }
    }

    @Test
    void unicastAdvertFromAnExplicitSourceArrivesWithTtl255() throws Exception {
        a.ip("address", "add", "10.99.1.11/24", "dev", "va");
        try (VrrpSocket sender = a.call(() -> VrrpSocket.openIpv4("va", false, A_SECOND));
             VrrpSocket receiver = b.call(() -> VrrpSocket.openIpv4("vb", false))) {
            sender.send(ADVERT, B);

            byte[] packet = new byte[100];
            int length = receiver.receive(packet, Duration.ofSeconds(3));

            assertThat(length).isEqualTo(20 + ADVERT.length);
            assertThat(packet[8] & 0xFF).as("TTL").isEqualTo(255);
            assertThat(Arrays.copyOfRange(packet, 12, 16)).as("source").isEqualTo(A_SECOND);
            assertThat(Arrays.copyOfRange(packet, 16, 20)).as("destination").isEqualTo(B);
        }
    }

    /**
     * What an agent with multicast peering opens: a group member with its own address as the source. Found by the lab,
     * where three members all stayed MASTER: a raw socket bound to its source address hears nothing sent to the group.
     */
    @Test
    void aGroupMemberWithAnExplicitSourceHearsTheGroupAndSendsFromItsSource() throws Exception {
        a.ip("address", "add", "10.99.1.11/24", "dev", "va");
        try (VrrpSocket sender = a.call(() -> VrrpSocket.openIpv4("va", true, A_SECOND));
             VrrpSocket member = b.call(() -> VrrpSocket.openIpv4("vb", true, B))) {
            sender.send(ADVERT, VrrpSocket.ipv4Group());

            byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
            int length = member.receive(packet, Duration.ofSeconds(3));

            assertThat(length).as("the advert to 224.0.0.18 reached the member").isEqualTo(20 + ADVERT.length);
            assertThat(Arrays.copyOfRange(packet, 12, 16)).as("source: the explicit one, not va's primary")
                    .isEqualTo(A_SECOND);
            assertThat(Arrays.copyOfRange(packet, 16, 20)).isEqualTo(VrrpSocket.ipv4Group());
        }
    }

    @Test
    void receiveTimesOutWithMinusOne() throws Exception {
        try (VrrpSocket receiver = b.call(() -> VrrpSocket.openIpv4("vb", true))) {
            long start = System.nanoTime();
            assertThat(receiver.receive(new byte[100], Duration.ofMillis(200))).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(190), Duration.ofSeconds(2));
            assertThat(receiver.receive(new byte[100], Duration.ZERO)).isEqualTo(-1);
        }
    }

    /**
     * The wait is a ppoll(2) with a timespec: a timeout of whole seconds and nanoseconds must be split into tv_sec
     * and tv_nsec (the kernel refuses tv_nsec of a second or more with EINVAL), and a sub-millisecond timeout must
     * not end early (poll(2) could not express one).
     */
    @Test
    void waitsForTimeoutsOfSecondsAndOfMicroseconds() throws Exception {
        try (VrrpSocket receiver = b.call(() -> VrrpSocket.openIpv4("vb", true))) {
            long start = System.nanoTime();
            assertThat(receiver.receive(new byte[100], Duration.ofMillis(1_150))).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1_150));
            for (int i = 0; i < 20; i++) {
                start = System.nanoTime();
                assertThat(receiver.receive(new byte[100], Duration.ofNanos(300_000))).isEqualTo(-1);
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(300_000L);
            }
        }
    }

    @Test
    void closeWakesABlockedReceiveAndLaterCallsFail() throws Exception {
        VrrpSocket receiver = b.call(() -> VrrpSocket.openIpv4("vb", true));
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return receiver.receive(new byte[100], Duration.ofSeconds(30));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, r -> Thread.ofPlatform().start(r));
        Thread.sleep(200);
        long start = System.nanoTime();
        receiver.close();

        assertThatThrownBy(() -> blocked.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(AsynchronousCloseException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThatThrownBy(() -> receiver.send(ADVERT, B)).isInstanceOf(ClosedChannelException.class);
        receiver.close(); // idempotent
    }

    @Test
    void wakeupEndsABlockedReceiveWithMinusOneAndTheSocketStaysUsable() throws Exception {
        try (VrrpSocket sender = a.call(() -> VrrpSocket.openIpv4("va", true));
             VrrpSocket receiver = b.call(() -> VrrpSocket.openIpv4("vb", true))) {
            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return receiver.receive(new byte[100], Duration.ofSeconds(30));
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, r -> Thread.ofPlatform().start(r));
            Thread.sleep(200);
            long start = System.nanoTime();
            receiver.wakeup();

            assertThat(blocked.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

            // A wakeup with nobody waiting cuts the next wait short once, then waits are whole again.
            receiver.wakeup();
            assertThat(receiver.receive(new byte[100], Duration.ofSeconds(30))).isEqualTo(-1);
            long quiet = System.nanoTime();
            assertThat(receiver.receive(new byte[100], Duration.ofMillis(150))).isEqualTo(-1);
            assertThat(System.nanoTime() - quiet).isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());

            sender.send(ADVERT, VrrpSocket.ipv4Group());
            assertThat(receiver.receive(new byte[100], Duration.ofSeconds(5))).isPositive();
        }
    }

    @Test
    void aMissingInterfaceIsNamedWithTheOnesThatExist() {
        assertThatThrownBy(() -> a.call(() -> VrrpSocket.openIpv4("eth9", true)))
                .isInstanceOf(InterfaceNotFoundException.class)
                .hasMessage("interface eth9 does not exist on this host; interfaces: lo, va");
    }

    @Test
    void sendingToAnIpv6AddressOnAnIpv4SocketIsRefused() throws Exception {
        try (VrrpSocket sender = a.call(() -> VrrpSocket.openIpv4("va", false))) {
            assertThatThrownBy(() -> sender.send(ADVERT, VrrpSocket.ipv6Group()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("4-byte addresses, got 16 bytes");
        }
    }

    @Test
    void aSourceAddressThisHostDoesNotHaveIsAClearError() {
        assertThatThrownBy(() -> a.call(() -> VrrpSocket.openIpv4("va", false, new byte[] {10, 99, 1, 77})))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("bind(10.99.1.77) on va failed: Cannot assign requested address (errno 99)");
    }

    /** The takeover rehearsal goes down to sendto with MSG_OOB, which the kernel refuses for raw sockets: no packet. */
    @Test
    void aRehearsedSendPutsNothingOnTheWire() throws Exception {
        try (VrrpSocket sender = a.call(() -> VrrpSocket.openIpv4("va", false));
             VrrpSocket receiver = b.call(() -> VrrpSocket.openIpv4("vb", false))) {
            sender.rehearseSend(ADVERT, B);

            byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
            assertThat(receiver.receive(packet, Duration.ofMillis(300))).as("nothing arrived").isEqualTo(-1);
            sender.send(ADVERT, B);
            assertThat(receiver.receive(packet, Duration.ofSeconds(3))).isEqualTo(20 + ADVERT.length);
        }
    }
}
