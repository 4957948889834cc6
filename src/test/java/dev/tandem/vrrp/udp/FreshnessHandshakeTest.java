package dev.tandem.vrrp.udp;

import dev.tandem.vrrp.IpAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static dev.tandem.vrrp.udp.TestMembers.ADVERT;
import static dev.tandem.vrrp.udp.TestMembers.LB1;
import static dev.tandem.vrrp.udp.TestMembers.LB2;
import static dev.tandem.vrrp.udp.TestMembers.LEAVING;
import static dev.tandem.vrrp.udp.TestMembers.NEW;
import static dev.tandem.vrrp.udp.TestMembers.OLD;
import static dev.tandem.vrrp.udp.TestMembers.STRANGER;
import static dev.tandem.vrrp.udp.TestMembers.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The udp transport's freshness handshake ({@link UdpAuthenticator}): after a start, a member believes a peer's adverts
 * only once the peer has answered a hello of this start, so that nothing recorded earlier is ever believed.
 */
class FreshnessHandshakeTest {
    final TestMembers net = new TestMembers(7);

    static UdpAuthenticator.Received.Dropped dropped(UdpAuthenticator.Received r) {
        assertThat(r).isInstanceOf(UdpAuthenticator.Received.Dropped.class);
        return (UdpAuthenticator.Received.Dropped) r;
    }

    @Test
    void anAdvertBeforeTheAnswerIsDroppedAsUnconfirmedPromptsAHelloAndLeavesTheWindowAlone() {
        UdpAuthenticator lb1 = net.member(LB1, LB2);
        UdpAuthenticator lb2 = net.member(LB2, LB1);
        // An authentic advert of lb1 with a counter far ahead: had it seeded the window, lb1's adverts would be refused.
        byte[] ahead = UdpAdvertCodec.seal(OLD, net.wallMicros + 3_600_000_000L, LB1, ADVERT);

        UdpAuthenticator.Received.Dropped d = dropped(net.receive(lb2, ahead, LB1));
        assertThat(d.reason()).isEqualTo(UdpRejectReason.UNCONFIRMED);
        assertThat(d.reason().label()).isEqualTo("unconfirmed");
        assertThat(d.message()).isEqualTo("authentic advert from 10.0.0.1 before it answered this member's hello;"
                + " freshness not proven yet");
        assertThat(d.replies()).as("lb1 is up: a hello now").singleElement().satisfies(o -> {
            assertThat(o.to()).isEqualTo(LB1);
            assertThat(type(o.datagram())).isEqualTo(UdpAdvertCodec.Type.HELLO);
        });

        net.deliver(d.replies(), LB2, Map.of(LB1, lb1, LB2, lb2), new ArrayList<>(), m -> false);
        assertThat(lb2.confirmed(LB1)).isTrue();
        assertThat(net.open(lb2, lb1.seal(ADVERT, net.nanos), LB1)).isEqualTo("advert");
        assertThat(net.open(lb2, ahead, LB1)).as("an authentic advert counts only once confirmed").isEqualTo("advert");
    }

    @Test
    void aRecordingOfTheMasterFromBeforeTheBackupRestartedIsRefusedBeforeAndAfterTheHandshake() {
        UdpAuthenticator lb1 = net.member(LB1, LB2);
        UdpAuthenticator lb2 = net.member(LB2, LB1);
        List<byte[]> recorded = new ArrayList<>();
        net.deliver(lb2.hellosDue(net.nanos), LB2, Map.of(LB1, lb1, LB2, lb2), recorded, m -> false);
        net.deliver(lb1.hellosDue(net.nanos), LB1, Map.of(LB1, lb1, LB2, lb2), recorded, m -> false);
        for (int i = 0; i < 10; i++) {
            net.advance(Duration.ofMillis(50));
            recorded.add(lb1.seal(i == 9 ? LEAVING : ADVERT, net.nanos));
        }
        recorded.removeIf(m -> !TestMembers.sender(m).equals(LB1)); // what lb1 sent: the replayer takes on its address
        assertThat(recorded).extracting(TestMembers::type).as("lb1's hello, its ack to lb2's, its adverts")
                .contains(UdpAdvertCodec.Type.HELLO, UdpAdvertCodec.Type.HELLO_ACK, UdpAdvertCodec.Type.ADVERT);

        // lb2 restarts. An eavesdropper replays all it recorded, the priority-0 advert included, before ...
        net.advance(Duration.ofSeconds(5));
        UdpAuthenticator restarted = net.member(LB2, LB1);
        List<UdpAuthenticator.Outgoing> outgoing = restarted.hellosDue(net.nanos);
        for (byte[] m : recorded) {
            assertThat(net.open(restarted, m, LB1)).isNotEqualTo("advert").isNotEqualTo(UdpRejectReason.REPLAYED)
                    .isIn(UdpRejectReason.UNCONFIRMED, UdpRejectReason.WRONG_NONCE, "handshake");
        }
        assertThat(restarted.confirmed(LB1)).as("no recorded ack confirms").isFalse();

        // ... and after lb1 answered the hello of this start.
        net.deliver(outgoing, LB2, Map.of(LB1, lb1, LB2, restarted), new ArrayList<>(), m -> false);
        assertThat(restarted.confirmed(LB1)).isTrue();
        for (byte[] m : recorded) {
            if (type(m) == UdpAdvertCodec.Type.ADVERT) {
                assertThat(net.open(restarted, m, LB1)).isEqualTo(UdpRejectReason.REPLAYED);
            }
        }
        assertThat(net.open(restarted, lb1.seal(ADVERT, net.nanos), LB1)).as("lb1's next advert").isEqualTo("advert");
    }

    @Test
    void anAckThatEchoesAnotherNonceConfirmsNothing() {
        UdpAuthenticator lb2 = net.member(LB2, LB1);
        byte[] hello = lb2.hellosDue(net.nanos).getFirst().datagram();
        long nonce = ((UdpAdvertCodec.Opened.Authentic) UdpAdvertCodec.open(hello, 0, hello.length, Keyring.of(OLD)))
                .nonce();
        byte[] wrong = UdpAdvertCodec.sealHandshake(UdpAdvertCodec.Type.HELLO_ACK, OLD, net.wallMicros, LB1, nonce + 1);

        UdpAuthenticator.Received.Dropped d = dropped(net.receive(lb2, wrong, LB1));
        assertThat(d.reason()).isEqualTo(UdpRejectReason.WRONG_NONCE);
        assertThat(d.message()).isEqualTo("hello ack from 10.0.0.1 echoes a nonce this member did not send it since it"
                + " started: an answer recorded earlier, replayed");
        assertThat(lb2.confirmed(LB1)).isFalse();
        byte[] right = UdpAdvertCodec.sealHandshake(UdpAdvertCodec.Type.HELLO_ACK, OLD, net.wallMicros + 1, LB1, nonce);
        assertThat(net.open(lb2, right, LB1)).isEqualTo("handshake");
        assertThat(lb2.confirmed(LB1)).isTrue();
        assertThat(net.open(lb2, wrong, LB1)).as("still, once confirmed").isEqualTo(UdpRejectReason.WRONG_NONCE);
        assertThat(net.open(lb2, right, LB1)).as("the answer again changes nothing").isEqualTo("handshake");
    }

    @Test
    void anAckToAnyOfTheLastHellosConfirmsSoARoundTripLongerThanTheResendStillCompletes() {
        UdpAuthenticator lb1 = net.member(LB1, LB2);
        UdpAuthenticator lb2 = net.member(LB2, LB1);
        List<UdpAuthenticator.Outgoing> first = lb2.hellosDue(net.nanos);
        for (int i = 0; i < PeerHandshake.REMEMBERED_NONCES - 1; i++) {
            net.advance(Duration.ofSeconds(1));
            assertThat(lb2.hellosDue(net.nanos)).hasSize(1);
        }
        net.deliver(first, LB2, Map.of(LB1, lb1, LB2, lb2), new ArrayList<>(), m -> false);
        assertThat(lb2.confirmed(LB1)).isTrue();
    }

    @Test
    void aForgedHelloOrOneFromAStrangerGetsNoAnswer() {
        UdpAuthenticator lb1 = net.member(LB1, LB2);
        AuthKey mallorys = AuthKey.of("mallory's own key, 32 bytes long!".getBytes(StandardCharsets.US_ASCII), "m");
        byte[] unknownKey = UdpAdvertCodec.sealHandshake(UdpAdvertCodec.Type.HELLO, mallorys, net.wallMicros, LB2, 1);
        byte[] badMac = unknownKey.clone();
        System.arraycopy(UdpAdvertCodec.sealHandshake(UdpAdvertCodec.Type.HELLO, OLD, 1, LB2, 1), 8, badMac, 8, 4);
        byte[] genuine = net.member(LB2, LB1).hellosDue(net.nanos).getFirst().datagram();
        byte[] stranger = net.member(STRANGER, LB1).hellosDue(net.nanos).getFirst().datagram();

        assertThat(dropped(net.receive(lb1, unknownKey, LB2)).reason()).isEqualTo(UdpRejectReason.UNKNOWN_KEY);
        assertThat(dropped(net.receive(lb1, badMac, LB2)).reason()).isEqualTo(UdpRejectReason.BAD_MAC);
        UdpAuthenticator.Received.Dropped mismatch = dropped(net.receive(lb1, genuine, STRANGER));
        assertThat(mismatch.reason()).isEqualTo(UdpRejectReason.SENDER_MISMATCH);
        assertThat(mismatch.message()).startsWith("authentic hello of 10.0.0.2 arrived from 10.0.0.66");
        assertThat(dropped(net.receive(lb1, stranger, STRANGER)).reason()).isEqualTo(UdpRejectReason.UNKNOWN_SENDER);
        for (byte[] m : List.of(unknownKey, badMac, genuine, stranger)) {
            assertThat(net.receive(lb1, m, STRANGER).replies()).isEmpty();
        }
    }

    @Test
    void everyAuthenticHelloGetsOneAckToItsSenderWhateverTheReceiversState() {
        UdpAuthenticator lb1 = net.member(LB1, LB2);
        UdpAuthenticator lb2 = net.member(LB2, LB1);
        net.handshake(lb2, LB2, lb1, LB1);
        assertThat(lb1.confirmed(LB2)).as("lb2's hello made lb1 ask too").isTrue();

        UdpAuthenticator restarted = net.member(LB2, LB1);
        byte[] hello = restarted.hellosDue(net.nanos).getFirst().datagram();
        for (int i = 0; i < 3; i++) { // the same hello, replayed: still one datagram back per datagram in
            UdpAuthenticator.Received r = net.receive(lb1, hello, LB2);
            assertThat(r).isInstanceOf(UdpAuthenticator.Received.Handshake.class);
            assertThat(r.replies()).singleElement().satisfies(o -> {
                assertThat(o.to()).isEqualTo(LB2);
                assertThat(type(o.datagram())).isEqualTo(UdpAdvertCodec.Type.HELLO_ACK);
                assertThat(o.datagram()).hasSameSizeAs(hello);
            });
        }
    }

    @Test
    void hellosAreResentWithABackoffToOnePerSecondUntilAnswered() {
        UdpAuthenticator lb2 = net.member(LB2, LB1);
        long start = net.nanos;
        List<Long> sentAtMillis = new ArrayList<>();
        while (net.nanos - start <= Duration.ofSeconds(30).toNanos()) {
            if (!lb2.hellosDue(net.nanos).isEmpty()) {
                sentAtMillis.add((net.nanos - start) / 1_000_000);
            }
            net.advance(Duration.ofMillis(1));
        }
        assertThat(sentAtMillis).startsWith(0L, 10L, 30L, 70L, 150L, 310L, 630L, 1270L, 2270L, 3270L);
        assertThat(sentAtMillis).as("a peer that is down: one hello a second").hasSize(9 + 27);
        assertThat(lb2.nextHelloNanos()).hasValue(start + Duration.ofMillis(30_270).toNanos());
    }

    @Test
    void trafficFromAnUnconfirmedPeerPromptsAHelloAtMostOnceIn10Ms() {
        UdpAuthenticator lb1 = net.member(LB1, LB2);
        UdpAuthenticator lb2 = net.member(LB2, LB1);
        assertThat(lb2.hellosDue(net.nanos)).hasSize(1);
        net.advance(Duration.ofMillis(5));
        assertThat(net.receive(lb2, lb1.seal(ADVERT, net.nanos), LB1).replies()).as("5 ms after the last").isEmpty();
        net.advance(Duration.ofMillis(5));
        assertThat(net.receive(lb2, lb1.seal(ADVERT, net.nanos), LB1).replies()).hasSize(1);
        assertThat(net.receive(lb2, lb1.seal(ADVERT, net.nanos), LB1).replies()).isEmpty();
    }

    @Test
    void onceConfirmedNoMoreHellosAndAPeersRestartNeedsNoneFromThisSide() {
        UdpAuthenticator lb1 = net.member(LB1, LB2);
        UdpAuthenticator lb2 = net.member(LB2, LB1);
        net.handshake(lb2, LB2, lb1, LB1);
        assertThat(lb2.nextHelloNanos()).isEmpty();
        assertThat(lb1.nextHelloNanos()).isEmpty();
        net.advance(Duration.ofSeconds(10));
        assertThat(lb1.hellosDue(net.nanos)).isEmpty();

        UdpAuthenticator lb1Again = net.member(LB1, LB2);
        assertThat(net.open(lb2, lb1Again.seal(ADVERT, net.nanos), LB1)).isEqualTo("advert");
        UdpAuthenticator.Received early = net.receive(lb1Again, lb2.seal(ADVERT, net.nanos), LB2);
        assertThat(dropped(early).reason()).isEqualTo(UdpRejectReason.UNCONFIRMED);
        net.deliver(early.replies(), LB1, Map.of(LB1, lb1Again, LB2, lb2), new ArrayList<>(), m -> false);
        assertThat(net.open(lb1Again, lb2.seal(ADVERT, net.nanos), LB2)).isEqualTo("advert");
    }

    @Test
    void aPeerRestartedWithItsClockSetBackIsStillAnsweredButItsAdvertsAreRefusedUntilTheClockCatchesUp() {
        UdpAuthenticator lb1 = net.member(LB1, LB2);
        UdpAuthenticator lb2 = net.member(LB2, LB1);
        net.handshake(lb2, LB2, lb1, LB1);
        net.advance(Duration.ofSeconds(1));
        assertThat(net.open(lb1, lb2.seal(ADVERT, net.nanos), LB2)).isEqualTo("advert");

        net.wallMicros -= 60_000_000; // lb2 restarts with its clock a minute behind
        UdpAuthenticator lb2Behind = net.member(LB2, LB1);
        net.handshake(lb2Behind, LB2, lb1, LB1);
        assertThat(lb2Behind.confirmed(LB1)).as("lb1 answered: lb2 believes lb1's adverts").isTrue();
        UdpAuthenticator.Received.Dropped d = dropped(net.receive(lb1, lb2Behind.seal(ADVERT, net.nanos), LB2));
        assertThat(d.reason()).isEqualTo(UdpRejectReason.REPLAYED);
        assertThat(d.message()).contains("or the sender's clock went back");
    }

    @Test
    void handshakesWorkThroughAKeyRotation() {
        UdpAuthenticator lb1 = net.member(LB1, LB2, new Keyring(NEW, OLD)); // signs with OLD for the window
        UdpAuthenticator lb2 = net.member(LB2, LB1, Keyring.of(OLD));
        net.handshake(lb2, LB2, lb1, LB1);
        assertThat(lb2.confirmed(LB1)).isTrue();
        assertThat(lb1.confirmed(LB2)).isTrue();

        // Past the window lb1 signs with NEW; a restarted lb2 that knows both completes its handshake with it.
        net.advance(TestMembers.WINDOW.plusSeconds(1));
        assertThat(lb1.signingKey(net.nanos)).isEqualTo(NEW);
        UdpAuthenticator lb2Again = net.member(LB2, LB1, new Keyring(NEW, OLD));
        net.handshake(lb2Again, LB2, lb1, LB1);
        assertThat(lb2Again.confirmed(LB1)).isTrue();
        assertThat(net.open(lb2Again, lb1.seal(ADVERT, net.nanos), LB1)).isEqualTo("advert");
        // One that missed the new key cannot: it drops lb1's answer as unknown_key, and stays unconfirmed.
        UdpAuthenticator lb2Late = net.member(LB2, LB1, Keyring.of(OLD));
        byte[] ack = net.receive(lb1, lb2Late.hellosDue(net.nanos).getFirst().datagram(), LB2).replies().getFirst()
                .datagram();
        assertThat(net.open(lb2Late, ack, LB1)).isEqualTo(UdpRejectReason.UNKNOWN_KEY);
        assertThat(lb2Late.confirmed(LB1)).isFalse();
    }

    /**
     * Whatever an eavesdropper replays, in whatever order, around a restart of the receiver, and whatever the network
     * loses: the restarted member believes no advert that is older than the answer that confirmed its peer (so none
     * from before its restart), and none twice. (An advert sent after that answer may be believed once, however late
     * it comes: a late datagram, as the replay window allows.)
     *
     * @param script each step: {@code step % 5} is what happens, {@code step / 5} picks a recorded message
     */
    @Property(tries = 300)
    void noRecordingIsBelievedAfterARestart(@ForAll @Size(min = 5, max = 80) List<@IntRange(min = 0, max = 2_000) Integer> script,
                                            @ForAll long seed) {
        TestMembers n = new TestMembers(seed);
        UdpAuthenticator lb1 = n.member(LB1, LB2);
        UdpAuthenticator lb2 = n.member(LB2, LB1);
        List<byte[]> recorded = new ArrayList<>();
        n.deliver(lb2.hellosDue(n.nanos), LB2, Map.of(LB1, lb1, LB2, lb2), recorded, m -> false);
        for (int i = 0; i < 20; i++) {
            n.advance(Duration.ofMillis(50));
            recorded.add(lb1.seal(i % 7 == 6 ? LEAVING : ADVERT, n.nanos));
        }
        long newestRecorded = n.wallMicros;

        n.advance(Duration.ofSeconds(2));
        UdpAuthenticator restarted = n.member(LB2, LB1);
        Map<IpAddress, UdpAuthenticator> members = Map.of(LB1, lb1, LB2, restarted);
        Set<Long> believed = new HashSet<>();
        for (int step : script) {
            int[] sent = {0};
            Predicate<byte[]> lost = m -> (step / 5 >> sent[0]++ & 1) == 1; // bit i of step / 5: datagram i is lost
            UdpAuthenticator.Received r = switch (step % 5) {
                case 0 -> { // lb1's next advert, which the eavesdropper records as well
                    byte[] m = lb1.seal(ADVERT, n.nanos);
                    recorded.add(m);
                    yield n.receive(restarted, m, LB1);
                }
                case 1, 2 -> n.receive(restarted, recorded.get(step / 5 % recorded.size()), LB1);
                case 3 -> {
                    n.deliver(restarted.hellosDue(n.nanos), LB2, members, recorded, lost);
                    yield null;
                }
                default -> {
                    n.advance(Duration.ofMillis(step % 40));
                    yield null;
                }
            };
            if (r != null) { // the hellos an advert prompts, and the acks to replayed hellos
                n.deliver(r.replies(), LB2, members, recorded, lost);
            }
            if (r instanceof UdpAuthenticator.Received.Advert a) {
                assertThat(a.counter()).as("believed advert").isGreaterThan(newestRecorded);
                assertThat(restarted.confirmed(LB1)).isTrue();
                assertThat(a.counter()).as("believed advert, against the answer that confirmed lb1")
                        .isGreaterThan(n.confirmedBy.get(restarted));
                assertThat(believed.add(a.counter())).as("counter %d believed twice", a.counter()).isTrue();
            }
        }
        // Not vacuous: in many runs lb1 is confirmed and its adverts believed while recordings are refused.
        Statistics.label("confirmed, adverts believed").collect(!believed.isEmpty())
                .coverage(c -> c.check(true).percentage(p -> p > 30));
    }
}
