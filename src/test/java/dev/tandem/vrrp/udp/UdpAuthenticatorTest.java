package dev.tandem.vrrp.udp;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.tandem.vrrp.udp.TestMembers.ADVERT;
import static dev.tandem.vrrp.udp.TestMembers.LB1;
import static dev.tandem.vrrp.udp.TestMembers.LB2;
import static dev.tandem.vrrp.udp.TestMembers.NEW;
import static dev.tandem.vrrp.udp.TestMembers.OLD;
import static dev.tandem.vrrp.udp.TestMembers.STRANGER;
import static dev.tandem.vrrp.udp.TestMembers.WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

/** Keys, counters, members and replays between members that have done their handshake ({@link FreshnessHandshakeTest}). */
class UdpAuthenticatorTest {
    final TestMembers net = new TestMembers(1);

    /** lb1 and lb2, each confirmed by the other. */
    UdpAuthenticator[] pair(Keyring keys1, Keyring keys2) {
        UdpAuthenticator lb1 = net.member(LB1, LB2, keys1);
        UdpAuthenticator lb2 = net.member(LB2, LB1, keys2);
        net.handshake(lb2, LB2, lb1, LB1);
        assertThat(lb1.confirmed(LB2)).isTrue();
        assertThat(lb2.confirmed(LB1)).isTrue();
        return new UdpAuthenticator[] {lb1, lb2};
    }

    @Test
    void aReplayedAdvertIsRefusedAndAFreshOnePasses() {
        UdpAuthenticator[] p = pair(Keyring.of(OLD), Keyring.of(OLD));
        byte[] first = p[0].seal(ADVERT, 0);
        byte[] second = p[0].seal(ADVERT, 0);
        assertThat(net.open(p[1], first, LB1)).isEqualTo("advert");
        assertThat(net.open(p[1], first, LB1)).isEqualTo(UdpRejectReason.REPLAYED);
        assertThat(net.open(p[1], second, LB1)).isEqualTo("advert");
        assertThat(net.open(p[1], first, LB1)).isEqualTo(UdpRejectReason.REPLAYED);
    }

    @Test
    void theCounterRisesWithinASecondAndAcrossARestartOfTheSenderWhichNeedsNothingFromTheReceiver() {
        UdpAuthenticator[] p = pair(Keyring.of(OLD), Keyring.of(OLD));
        UdpAuthenticator before = p[0];
        UdpAuthenticator lb2 = p[1];
        for (int i = 0; i < 5; i++) {
            assertThat(net.open(lb2, before.seal(ADVERT, 0), LB1)).as("same microsecond, message %d", i).isEqualTo("advert");
        }
        net.advance(Duration.ofSeconds(2)); // lb1 restarts 2 s later: its counter starts from the clock again
        UdpAuthenticator after = net.member(LB1, LB2);
        assertThat(net.open(lb2, after.seal(ADVERT, 0), LB1)).as("lb2's window for lb1 stays valid").isEqualTo("advert");
    }

    @Test
    void aForgedMessageDoesNotMoveTheWindow() {
        UdpAuthenticator[] p = pair(Keyring.of(OLD), Keyring.of(OLD));
        byte[] genuine = p[0].seal(ADVERT, 0);
        // A forger sends a far-future counter with a wrong MAC; if it counted, every genuine advert would be "too old".
        byte[] forged = genuine.clone();
        forged[12] = 0x7f;
        assertThat(net.open(p[1], forged, LB1)).isEqualTo(UdpRejectReason.BAD_MAC);
        assertThat(net.open(p[1], genuine, LB1)).isEqualTo("advert");
    }

    @Test
    void onlyMembersMaySendAndOnlyFromTheirOwnAddress() {
        UdpAuthenticator[] p = pair(Keyring.of(OLD), Keyring.of(OLD));
        UdpAuthenticator stranger = net.member(STRANGER, LB2);
        assertThat(net.open(p[1], p[0].seal(ADVERT, 0), STRANGER)).isEqualTo(UdpRejectReason.SENDER_MISMATCH);
        assertThat(net.open(p[1], stranger.seal(ADVERT, 0), STRANGER)).isEqualTo(UdpRejectReason.UNKNOWN_SENDER);
    }

    @Test
    void aRotationKeepsSigningWithThePreviousKeyForTheWindowSoAPeerThatIsLateNeverRejects() {
        UdpAuthenticator[] p = pair(Keyring.of(OLD), Keyring.of(OLD));
        UdpAuthenticator lb1 = p[0];
        UdpAuthenticator lb2 = p[1];
        long t0 = 1_000_000_000L;
        // lb1 learns of the new keyring first; lb2 only 30 s later.
        assertThat(lb1.updateKeys(new Keyring(NEW, OLD), t0)).isTrue();
        assertThat(lb1.updateKeys(new Keyring(NEW, OLD), t0 + 1)).as("the same keyring again").isFalse();
        assertThat(lb1.signingKey(t0)).isEqualTo(OLD);
        assertThat(net.open(lb2, lb1.seal(ADVERT, t0 + 1_000_000_000L), LB1)).isEqualTo("advert");
        long t30 = t0 + Duration.ofSeconds(30).toNanos();
        assertThat(net.open(lb2, lb1.seal(ADVERT, t30 - 1), LB1)).as("lb2 still knows the old key only").isEqualTo("advert");
        lb2.updateKeys(new Keyring(NEW, OLD), t30);
        long t60 = t0 + WINDOW.toNanos();
        assertThat(lb1.signingKey(t60)).isEqualTo(NEW);
        assertThat(net.open(lb2, lb1.seal(ADVERT, t60), LB1)).as("lb2 accepts both now").isEqualTo("advert");
        assertThat(net.open(lb1, lb2.seal(ADVERT, t60), LB2)).as("lb2 still signs with the old key").isEqualTo("advert");
        // previousKey removed everywhere: the old key is no longer accepted.
        lb1.updateKeys(Keyring.of(NEW), t60 + 1);
        assertThat(net.open(lb1, lb2.seal(ADVERT, t60 + 2), LB2)).isEqualTo(UdpRejectReason.UNKNOWN_KEY);
    }

    @Test
    void aKeyringWithoutAPreviousKeySignsWithTheKeyAtOnce() {
        UdpAuthenticator lb1 = net.member(LB1, LB2);
        lb1.updateKeys(Keyring.of(NEW), 5);
        assertThat(lb1.signingKey(5)).isEqualTo(NEW);
        assertThat(new Keyring(NEW, NEW).previous()).as("the same key twice is no rotation").isNull();
    }
}
