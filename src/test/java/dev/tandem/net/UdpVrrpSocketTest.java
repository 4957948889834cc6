package dev.tandem.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The udp transport's socket between two network namespaces joined by a veth pair: what the election loop relies on
 * (a whole IP packet per receive, a timeout, wakeup, close) with a stand-in envelope that marks and checks datagrams.
 */
class UdpVrrpSocketTest {
    static final byte[] A = {10, 99, 2, 1};
    static final byte[] B = {10, 99, 2, 2};
    static final byte[] ADVERT = {0x31, 51, 100, 1, 0, 100, 0x12, 0x34, 10, 99, 2, 100};
    static final int PORT = 5798;

    /** Prefixes each message with 'T' and takes only datagrams that start with it; counts the rest. */
    static class MarkingEnvelope implements DatagramEnvelope {
        final List<String> dropped = new CopyOnWriteArrayList<>();

        @Override
        public byte[] seal(byte[] vrrpMessage) {
            byte[] out = new byte[vrrpMessage.length + 1];
            out[0] = 'T';
            System.arraycopy(vrrpMessage, 0, out, 1, vrrpMessage.length);
            return out;
        }

        @Override
        public int open(byte[] datagram, int length, byte[] source, byte[] out, int outOffset, Outbox replies) {
            if (length < 1 || datagram[0] != 'T') {
                dropped.add(length + " bytes");
                return -1;
            }
            System.arraycopy(datagram, 1, out, outOffset, length - 1);
            return length - 1;
        }
    }

    /**
     * As {@link MarkingEnvelope}, and sends "H" to {@code peer} at open and every {@code resend} on its timer until an
     * "A" comes back; answers every "H" with an "A". Neither reaches the caller.
     */
    static final class HandshakingEnvelope extends MarkingEnvelope {
        final byte[] peer;
        final Duration resend;
        final List<Long> hellosSentAt = new CopyOnWriteArrayList<>();
        volatile boolean answered;
        volatile long nextDue = System.nanoTime();

        HandshakingEnvelope(byte[] peer, Duration resend) {
            this.peer = peer;
            this.resend = resend;
        }

        @Override
        public int open(byte[] datagram, int length, byte[] source, byte[] out, int outOffset, Outbox replies) {
            try {
                if (length == 1 && datagram[0] == 'H') {
                    replies.send(new byte[] {'A'}, source);
                    return -1;
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            if (length == 1 && datagram[0] == 'A') {
                answered = true;
                return -1;
            }
            return super.open(datagram, length, source, out, outOffset, replies);
        }

        @Override
        public java.util.OptionalLong nextDueNanos() {
            return answered ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(nextDue);
        }

        @Override
        public void sendDue(long nowNanos, Outbox outbox) {
            if (answered || nowNanos - nextDue < 0) {
                return;
            }
            try {
                outbox.send(new byte[] {'H'}, peer);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            hellosSentAt.add(nowNanos);
            nextDue = nowNanos + resend.toNanos();
        }
    }

    NetNs a;
    NetNs b;
    final MarkingEnvelope envelopeA = new MarkingEnvelope();
    final MarkingEnvelope envelopeB = new MarkingEnvelope();

    @BeforeEach
    void namespaces() {
        NetNs.assumeAvailable();
        a = NetNs.create();
        b = NetNs.create();
        NetNs.veth(a, "va", b, "vb");
        a.ip("address", "add", "10.99.2.1/24", "dev", "va");
        b.ip("address", "add", "10.99.2.2/24", "dev", "vb");
        a.ip("address", "add", "fd99:2::1/64", "dev", "va", "nodad");
        b.ip("address", "add", "fd99:2::2/64", "dev", "vb", "nodad");
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
    void aMessageArrivesAsAWholeIpv4PacketWithTtl255AndProtocol112() throws Exception {
        try (UdpVrrpSocket sender = a.call(() -> UdpVrrpSocket.open("va", A, PORT, envelopeA));
             UdpVrrpSocket receiver = b.call(() -> UdpVrrpSocket.open("vb", B, PORT, envelopeB))) {
            sender.send(ADVERT, B);
            byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
            int length = receiver.receive(packet, Duration.ofSeconds(3));

            assertThat(length).isEqualTo(20 + ADVERT.length);
            assertThat(packet[0]).as("version 4, header length 5").isEqualTo((byte) 0x45);
            assertThat(((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF)).as("total length").isEqualTo(length);
            assertThat(packet[8] & 0xFF).as("TTL").isEqualTo(255);
            assertThat(packet[9] & 0xFF).as("protocol").isEqualTo(112);
            assertThat(Arrays.copyOfRange(packet, 12, 16)).as("source").isEqualTo(A);
            assertThat(Arrays.copyOfRange(packet, 16, 20)).as("destination").isEqualTo(B);
            assertThat(Arrays.copyOfRange(packet, 20, length)).isEqualTo(ADVERT);
        }
    }

    @Test
    void overIpv6TheRebuiltHeaderCarriesHopLimit255AndBothAddresses() throws Exception {
        byte[] a6 = InetAddress.getByName("fd99:2::1").getAddress();
        byte[] b6 = InetAddress.getByName("fd99:2::2").getAddress();
        try (UdpVrrpSocket sender = a.call(() -> UdpVrrpSocket.open("va", a6, PORT, envelopeA));
             UdpVrrpSocket receiver = b.call(() -> UdpVrrpSocket.open("vb", b6, PORT, envelopeB))) {
            sender.send(ADVERT, b6);
            byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
            int length = receiver.receive(packet, Duration.ofSeconds(3));

            assertThat(length).isEqualTo(40 + ADVERT.length);
            assertThat(packet[0] >> 4).isEqualTo(6);
            assertThat(((packet[4] & 0xFF) << 8) | (packet[5] & 0xFF)).as("payload length").isEqualTo(ADVERT.length);
            assertThat(packet[6] & 0xFF).as("next header").isEqualTo(112);
            assertThat(packet[7] & 0xFF).as("hop limit").isEqualTo(255);
            assertThat(Arrays.copyOfRange(packet, 8, 24)).isEqualTo(a6);
            assertThat(Arrays.copyOfRange(packet, 24, 40)).isEqualTo(b6);
            assertThat(Arrays.copyOfRange(packet, 40, length)).isEqualTo(ADVERT);
        }
    }

    @Test
    void aDatagramTheEnvelopeRefusesIsSkippedAndTheWaitGoesOn() throws Exception {
        try (UdpVrrpSocket receiver = b.call(() -> UdpVrrpSocket.open("vb", B, PORT, envelopeB));
             java.nio.channels.DatagramChannel plain = a.call(java.nio.channels.DatagramChannel::open)) {
            java.net.InetSocketAddress to = new java.net.InetSocketAddress(InetAddress.getByAddress(B), PORT);
            plain.send(java.nio.ByteBuffer.wrap(new byte[] {'x', 1, 2}), to);
            plain.send(java.nio.ByteBuffer.wrap(envelopeA.seal(ADVERT)), to);
            byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
            int length = receiver.receive(packet, Duration.ofSeconds(3));
            assertThat(Arrays.copyOfRange(packet, 20, length)).isEqualTo(ADVERT);
            assertThat(envelopeB.dropped).containsExactly("3 bytes");
        }
    }

    /** Selector counts whole milliseconds; the rest of a wait is parked, so no wait ends before its timeout. */
    @Test
    void waitsOfFractionalMillisecondsDoNotEndEarly() throws Exception {
        try (UdpVrrpSocket receiver = b.call(() -> UdpVrrpSocket.open("vb", B, PORT, envelopeB))) {
            byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
            for (long nanos : new long[] {300_000, 1_300_000, 2_700_000}) {
                for (int i = 0; i < 10; i++) {
                    long start = System.nanoTime();
                    assertThat(receiver.receive(packet, Duration.ofNanos(nanos))).isEqualTo(-1);
                    assertThat(System.nanoTime() - start).as("a wait of %d ns", nanos).isGreaterThanOrEqualTo(nanos);
                }
            }
        }
    }

    @Test
    void aWaitEndsAtItsTimeoutOrAtOnceOnAWakeup() throws Exception {
        try (UdpVrrpSocket receiver = b.call(() -> UdpVrrpSocket.open("vb", B, PORT, envelopeB))) {
            byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
            long start = System.nanoTime();
            assertThat(receiver.receive(packet, Duration.ofMillis(200))).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(190), Duration.ofSeconds(2));

            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return receiver.receive(packet, Duration.ofSeconds(30));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(100);
            start = System.nanoTime();
            receiver.wakeup();
            assertThat(waiting.get(2, TimeUnit.SECONDS)).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

            receiver.wakeup(); // nobody waits: the next wait returns at once
            start = System.nanoTime();
            assertThat(receiver.receive(packet, Duration.ofSeconds(30))).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void theEnvelopesOwnDatagramsGoOutAtOpenOnItsTimerAndAsAnswersAndNeverReachTheCaller() throws Exception {
        HandshakingEnvelope atA = new HandshakingEnvelope(B, Duration.ofMillis(50));
        HandshakingEnvelope atB = new HandshakingEnvelope(A, Duration.ofMillis(50));
        try (UdpVrrpSocket sa = a.call(() -> UdpVrrpSocket.open("va", A, PORT, atA))) {
            assertThat(atA.hellosSentAt).as("sent at open, to nobody yet").hasSize(1);
            try (UdpVrrpSocket sb = b.call(() -> UdpVrrpSocket.open("vb", B, PORT, atB))) {
                // Both wait as the election does; each answers the other's hello, and A re-sends on its timer the one
                // B missed. Nothing of it is handed to the caller: each wait runs to its timeout.
                CompletableFuture<Integer> waitingA = CompletableFuture.supplyAsync(() -> receive(sa, Duration.ofMillis(400)));
                long start = System.nanoTime();
                int atReceiverB = receive(sb, Duration.ofMillis(400));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(390));
                assertThat(atReceiverB).isEqualTo(-1);
                assertThat(waitingA.get(3, TimeUnit.SECONDS)).isEqualTo(-1);
                assertThat(atA.answered).as("B answered a re-sent hello of A").isTrue();
                assertThat(atB.answered).as("A answered B's hello from within its receive").isTrue();
                assertThat(atA.hellosSentAt).hasSizeBetween(2, 4);
                int sent = atA.hellosSentAt.size();

                // Answered: the timer stops; adverts pass as before.
                sa.send(ADVERT, B);
                byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
                int length = sb.receive(packet, Duration.ofSeconds(3));
                assertThat(Arrays.copyOfRange(packet, 20, length)).isEqualTo(ADVERT);
                assertThat(receive(sa, Duration.ofMillis(150))).isEqualTo(-1);
                assertThat(atA.hellosSentAt).hasSize(sent);
            }
        }
    }

    @Test
    void anEnvelopeTimerNeitherEndsAWaitEarlyNorDelaysAWakeup() throws Exception {
        HandshakingEnvelope neverAnswered = new HandshakingEnvelope(A, Duration.ofMillis(20));
        try (UdpVrrpSocket receiver = b.call(() -> UdpVrrpSocket.open("vb", B, PORT, neverAnswered))) {
            byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
            long start = System.nanoTime();
            assertThat(receiver.receive(packet, Duration.ofMillis(200))).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(190), Duration.ofSeconds(2));
            assertThat(neverAnswered.hellosSentAt).as("every 20 ms while waiting").hasSizeGreaterThanOrEqualTo(5);

            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> receive(receiver, Duration.ofSeconds(30)));
            Thread.sleep(100);
            start = System.nanoTime();
            receiver.wakeup();
            assertThat(waiting.get(2, TimeUnit.SECONDS)).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        }
    }

    static int receive(UdpVrrpSocket socket, Duration timeout) {
        try {
            return socket.receive(new byte[VrrpSocket.MAX_PACKET_SIZE], timeout);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void closingWakesAReceiverAndAClosedSocketSaysSo() throws Exception {
        UdpVrrpSocket receiver = b.call(() -> UdpVrrpSocket.open("vb", B, PORT, envelopeB));
        byte[] packet = new byte[VrrpSocket.MAX_PACKET_SIZE];
        CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                receiver.receive(packet, Duration.ofSeconds(30));
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        Thread.sleep(100);
        receiver.close();
        assertThat(waiting.get(2, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
        assertThatThrownBy(receiver::wakeup).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> receiver.send(ADVERT, A)).isInstanceOf(ClosedChannelException.class);
        receiver.close(); // idempotent
    }

    @Test
    void bindingToAnAddressThisHostHasNotIsAnErrorThatNamesIt() {
        assertThatThrownBy(() -> b.call(() -> UdpVrrpSocket.open("vb", A, PORT, envelopeB)))
                .hasMessageContaining("cannot bind the udp transport to 10.99.2.1 port 5798 on vb")
                .hasMessageContaining("is the member's address on this host");
        assertThatThrownBy(() -> b.call(() -> UdpVrrpSocket.open("nope0", B, PORT, envelopeB)))
                .isInstanceOf(InterfaceNotFoundException.class);
    }
}
