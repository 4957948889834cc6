package dev.tandem.vrrp.udp;

import dev.tandem.vrrp.IpAddress;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class UdpAuthenticatorTest {
    static final AuthKey OLD = AuthKey.of("old key old key old key old key!".getBytes(StandardCharsets.US_ASCII), "old");
    static final AuthKey NEW = AuthKey.of("new key new key new key new key!".getBytes(StandardCharsets.US_ASCII), "new");
    static final IpAddress LB1 = IpAddress.parse("10.0.0.1");
    static final IpAddress LB2 = IpAddress.parse("10.0.0.2");
    static final IpAddress STRANGER = IpAddress.parse("10.0.0.66");
    static final byte[] ADVERT = HexFormat.of().parseHex("3133960100051234" + "0a000064");
    static final Duration WINDOW = Duration.ofSeconds(60);

    final AtomicLong clock = new AtomicLong(1_700_000_000_000_000L); // wall-clock microseconds

    UdpAuthenticator member(IpAddress self, IpAddress peer, Keyring keys) {
        return new UdpAuthenticator(self, List.of(peer), keys, WINDOW, clock::get, 0);
    }

    static Object open(UdpAuthenticator a, byte[] m, IpAddress from) {
        UdpAdvertCodec.Opened o = a.open(m, 0, m.length, from);
        return o instanceof UdpAdvertCodec.Opened.Rejected r ? r.reason() : "authentic";
    }

    @Test
    void aReplayedAdvertIsRefusedAndAFreshOnePasses() {
        UdpAuthenticator lb1 = member(LB1, LB2, Keyring.of(OLD));
        UdpAuthenticator lb2 = member(LB2, LB1, Keyring.of(OLD));
        byte[] first = lb1.seal(ADVERT, 0);
        byte[] second = lb1.seal(ADVERT, 0);
        assertThat(open(lb2, first, LB1)).isEqualTo("authentic");
        assertThat(open(lb2, first, LB1)).isEqualTo(UdpRejectReason.REPLAYED);
        assertThat(open(lb2, second, LB1)).isEqualTo("authentic");
        assertThat(open(lb2, first, LB1)).isEqualTo(UdpRejectReason.REPLAYED);
    }

    @Test
    void theCounterRisesWithinASecondAndAcrossARestartOfTheSender() {
        UdpAuthenticator lb2 = member(LB2, LB1, Keyring.of(OLD));
        UdpAuthenticator before = member(LB1, LB2, Keyring.of(OLD));
        for (int i = 0; i < 5; i++) {
            assertThat(open(lb2, before.seal(ADVERT, 0), LB1)).as("same microsecond, message %d", i).isEqualTo("authentic");
        }
        clock.addAndGet(2_000_000); // the sender restarts 2 s later: its counter starts from the clock again
        UdpAuthenticator after = member(LB1, LB2, Keyring.of(OLD));
        assertThat(open(lb2, after.seal(ADVERT, 0), LB1)).isEqualTo("authentic");
    }

    @Test
    void aForgedMessageDoesNotMoveTheWindow() {
        UdpAuthenticator lb1 = member(LB1, LB2, Keyring.of(OLD));
        UdpAuthenticator lb2 = member(LB2, LB1, Keyring.of(OLD));
        byte[] genuine = lb1.seal(ADVERT, 0);
        // A forger sends a far-future counter with a wrong MAC; if it counted, every genuine advert would be "too old".
        byte[] forged = genuine.clone();
        forged[12] = 0x7f;
        assertThat(open(lb2, forged, LB1)).isEqualTo(UdpRejectReason.BAD_MAC);
        assertThat(open(lb2, genuine, LB1)).isEqualTo("authentic");
    }

    @Test
    void onlyMembersMaySendAndOnlyFromTheirOwnAddress() {
        UdpAuthenticator lb1 = member(LB1, LB2, Keyring.of(OLD));
        UdpAuthenticator lb2 = member(LB2, LB1, Keyring.of(OLD));
        UdpAuthenticator stranger = member(STRANGER, LB2, Keyring.of(OLD));
        assertThat(open(lb2, lb1.seal(ADVERT, 0), STRANGER)).isEqualTo(UdpRejectReason.SENDER_MISMATCH);
        assertThat(open(lb2, stranger.seal(ADVERT, 0), STRANGER)).isEqualTo(UdpRejectReason.UNKNOWN_SENDER);
    }

    @Test
    void aRotationKeepsSigningWithThePreviousKeyForTheWindowSoAPeerThatIsLateNeverRejects() {
        UdpAuthenticator lb1 = member(LB1, LB2, Keyring.of(OLD));
        UdpAuthenticator lb2 = member(LB2, LB1, Keyring.of(OLD));
        long t0 = 1_000_000_000L;
        // lb1 learns of the new keyring first; lb2 only 30 s later.
        assertThat(lb1.updateKeys(new Keyring(NEW, OLD), t0)).isTrue();
        assertThat(lb1.updateKeys(new Keyring(NEW, OLD), t0 + 1)).as("the same keyring again").isFalse();
        assertThat(lb1.signingKey(t0)).isEqualTo(OLD);
        assertThat(open(lb2, lb1.seal(ADVERT, t0 + 1_000_000_000L), LB1)).isEqualTo("authentic");
        long t30 = t0 + Duration.ofSeconds(30).toNanos();
        assertThat(open(lb2, lb1.seal(ADVERT, t30 - 1), LB1)).as("lb2 still knows the old key only").isEqualTo("authentic");
        lb2.updateKeys(new Keyring(NEW, OLD), t30);
        long t60 = t0 + WINDOW.toNanos();
        assertThat(lb1.signingKey(t60)).isEqualTo(NEW);
        assertThat(open(lb2, lb1.seal(ADVERT, t60), LB1)).as("lb2 accepts both now").isEqualTo("authentic");
        assertThat(open(lb1, lb2.seal(ADVERT, t60), LB2)).as("lb2 still signs with the old key").isEqualTo("authentic");
        // previousKey removed everywhere: the old key is no longer accepted.
        lb1.updateKeys(Keyring.of(NEW), t60 + 1);
        assertThat(open(lb1, lb2.seal(ADVERT, t60 + 2), LB2)).isEqualTo(UdpRejectReason.UNKNOWN_KEY);
    }

    @Test
    void aKeyringWithoutAPreviousKeySignsWithTheKeyAtOnce() {
        UdpAuthenticator lb1 = member(LB1, LB2, Keyring.of(OLD));
        lb1.updateKeys(Keyring.of(NEW), 5);
        assertThat(lb1.signingKey(5)).isEqualTo(NEW);
        assertThat(new Keyring(NEW, NEW).previous()).as("the same key twice is no rotation").isNull();
    }
}
