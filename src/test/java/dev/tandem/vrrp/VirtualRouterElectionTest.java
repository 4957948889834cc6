package dev.tandem.vrrp;

import dev.tandem.vrrp.Action.BecomeBackup;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.tandem.vrrp.Routers.LOW_PEER;
import static dev.tandem.vrrp.Routers.PEER;
import static dev.tandem.vrrp.Routers.SECOND;
import static dev.tandem.vrrp.Routers.SELF;
import static dev.tandem.vrrp.Routers.T0;
import static dev.tandem.vrrp.Routers.VIP;
import static dev.tandem.vrrp.Routers.VRID;
import static dev.tandem.vrrp.Routers.advert;
import static dev.tandem.vrrp.Routers.advertPriorities;
import static dev.tandem.vrrp.Routers.config;
import static dev.tandem.vrrp.Routers.deadline;
import static dev.tandem.vrrp.Routers.masterAfterStartup;
import static dev.tandem.vrrp.Routers.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How adverts move a router between BACKUP and MASTER (RFC 5798 §6.4.2, §6.4.3; RFC 9568 §6.4.3). */
class VirtualRouterElectionTest {

    @Test
    void aMasterHearingAHigherPriorityStepsDown() {
        VirtualRouter router = masterAfterStartup(config(100));
        long heard = T0 + 10 * SECOND;
        assertThat(router.onAdvert(advert(101), LOW_PEER, heard))
                .containsExactly(new BecomeBackup(RouterState.MASTER, Reason.HIGHER_PRIORITY_ADVERT));
        assertThat(router.state()).isEqualTo(RouterState.BACKUP);
        assertThat(router.currentMaster()).contains(LOW_PEER);
        assertThat(deadline(router)).isEqualTo(heard + router.masterDownIntervalNanos());
    }

    @Test
    void onAPriorityTieTheHigherPrimaryAddressWins() {
        VirtualRouter router = masterAfterStartup(config(100)); // 10.0.0.10
        assertThat(router.onAdvert(advert(100), LOW_PEER, T0 + 10 * SECOND)) // 10.0.0.3 is lower
                .extracting(Object::getClass).containsExactly((Class) Action.SendAdvert.class);
        assertThat(router.state()).isEqualTo(RouterState.MASTER);

        assertThat(router.onAdvert(advert(100), PEER, T0 + 11 * SECOND)) // 10.0.0.20 is higher
                .containsExactly(new BecomeBackup(RouterState.MASTER, Reason.HIGHER_ADDRESS_ADVERT));
    }

    @Test
    void theTieBreakComparesAddressesAsUnsignedNumbers() {
        RouterConfig dot3 = RouterConfig.of(VRID, 100, IpAddress.parse("10.0.0.3"), List.of(VIP));
        VirtualRouter router = masterAfterStartup(dot3);
        router.onAdvert(advert(100), IpAddress.parse("10.0.0.200"), T0 + 10 * SECOND);
        assertThat(router.state()).as("10.0.0.200 > 10.0.0.3 although (byte) 200 < 0").isEqualTo(RouterState.BACKUP);
    }

    @Test
    void aMasterHearingALowerPriorityAssertsItselfAtOnceWithoutMovingItsTimer() {
        VirtualRouter router = masterAfterStartup(config(200));
        long due = deadline(router);
        assertThat(advertPriorities(router.onAdvert(advert(100), PEER, due - SECOND / 2))).containsExactly(200);
        assertThat(router.state()).isEqualTo(RouterState.MASTER);
        assertThat(deadline(router)).isEqualTo(due);
    }

    @Test
    void aMasterHearingPriorityZeroAdvertisesAtOnceAndRestartsItsTimer() {
        VirtualRouter router = masterAfterStartup(config(200));
        long heard = deadline(router) - SECOND / 3;
        assertThat(advertPriorities(router.onAdvert(advert(0), PEER, heard))).containsExactly(200);
        assertThat(deadline(router)).isEqualTo(heard + SECOND);
    }

    @Test
    void aBackupDoesNotBreakTiesByAddress() {
        VirtualRouter router = started(config(100), T0);
        router.onAdvert(advert(100), LOW_PEER, T0 + SECOND);
        assertThat(deadline(router)).as("equal priority is accepted (RFC 5798 §6.4.2)")
                .isEqualTo(T0 + SECOND + router.masterDownIntervalNanos());
        assertThat(router.counters().lowerPriorityDiscarded()).isZero();
    }

    @Test
    void withoutPreemptABackupLeavesALowerPriorityMasterAlone() {
        VirtualRouter router = started(config(200).withPreempt(false, 0), T0);
        for (int i = 1; i <= 20; i++) {
            long t = T0 + i * SECOND;
            router.onAdvert(advert(100), LOW_PEER, t);
            assertThat(router.onTick(t)).isEmpty();
        }
        assertThat(router.state()).isEqualTo(RouterState.BACKUP);
        assertThat(router.currentMaster()).contains(LOW_PEER);
        // ... until that master goes silent.
        long lastHeard = T0 + 20 * SECOND;
        assertThat(router.onTick(lastHeard + router.masterDownIntervalNanos()))
                .contains(new Action.BecomeMaster(RouterState.BACKUP, Reason.MASTER_DOWN, List.of(VIP)));
    }

    @Test
    void theOwnerPreemptsEvenWithPreemptOff() {
        VirtualRouter owner = new VirtualRouter(config(255).withPreempt(false, 60 * SECOND));
        owner.start(T0);
        owner.onAdvert(advert(255), PEER, T0 + SECOND); // a misconfigured second owner wins the tie by address
        assertThat(owner.state()).isEqualTo(RouterState.BACKUP);
        owner.onAdvert(advert(100), LOW_PEER, T0 + 2 * SECOND);
        assertThat(owner.counters().lowerPriorityDiscarded()).isEqualTo(1);
    }

    @Test
    void aBackupWhosePriorityRisesAboveTheMastersPreemptsIt() {
        VirtualRouter router = started(config(100), T0);
        router.onAdvert(advert(150), PEER, T0 + SECOND);
        assertThat(router.setEffectivePriority(200, T0 + SECOND + 1)).isEmpty();
        router.onAdvert(advert(150), PEER, T0 + 2 * SECOND);
        router.onAdvert(advert(150), PEER, T0 + 3 * SECOND);
        // The countdown armed at 1 s with priority 100 keeps running; the adverts no longer reset it.
        assertThat(router.onTick(T0 + SECOND + 3_609_375_000L))
                .contains(new Action.BecomeMaster(RouterState.BACKUP, Reason.PREEMPTED, List.of(VIP)));
    }

    @Test
    void aMasterAdvertisesItsLoweredPriority() {
        VirtualRouter router = masterAfterStartup(config(200));
        router.setEffectivePriority(120, T0 + 5 * SECOND);
        assertThat(advertPriorities(router.onTick(deadline(router)))).containsExactly(120);
        assertThat(router.effectivePriority()).isEqualTo(120);
    }

    @Test
    void effectivePriorityMustBeAValidNonZeroPriorityAnd255OnlyForTheOwner() {
        VirtualRouter router = started(config(100), T0);
        assertThatThrownBy(() -> router.setEffectivePriority(0, T0)).hasMessageContaining("got 0");
        assertThatThrownBy(() -> router.setEffectivePriority(255, T0)).hasMessageContaining("reserved for the address owner");
        VirtualRouter owner = started(config(255), T0);
        owner.setEffectivePriority(205, T0);
        owner.setEffectivePriority(255, T0);
        assertThat(owner.effectivePriority()).isEqualTo(255);
    }

    @Test
    void ownAdvertsLoopedBackAreIgnored() {
        VirtualRouter router = masterAfterStartup(config(100));
        assertThat(router.onAdvert(advert(100), SELF, T0 + 10 * SECOND)).isEmpty();
        assertThat(router.counters().ownAdvertsIgnored()).isEqualTo(1);
        assertThat(router.state()).isEqualTo(RouterState.MASTER);
    }

    @Test
    void advertsForAnotherVirtualRouterOrFamilyAreTheDriversMistake() {
        VirtualRouter router = started(config(100), T0);
        Advert otherVrid = Advert.of(VRID + 1, 200, 100, List.of(VIP));
        assertThatThrownBy(() -> router.onAdvert(otherVrid, PEER, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VRID 8 handed to virtual router 7");
        Advert v6 = Advert.of(VRID, 200, 100, List.of(IpAddress.parse("2001:db8::1")));
        assertThatThrownBy(() -> router.onAdvert(v6, IpAddress.parse("fe80::2"), T0))
                .hasMessageContaining("another address family");
    }

    @Test
    void anAdvertWithIntervalZeroIsDiscardedUnlessItIsPriorityZero() {
        VirtualRouter router = started(config(100), T0);
        long before = deadline(router);
        assertThat(router.onAdvert(advert(200, 0), PEER, T0 + SECOND)).isEmpty();
        assertThat(deadline(router)).isEqualTo(before);
        assertThat(router.counters().malformedDiscarded()).isEqualTo(1);

        router.onAdvert(advert(0, 0), PEER, T0 + 2 * SECOND);
        assertThat(deadline(router)).isEqualTo(T0 + 2 * SECOND + router.skewTimeNanos());
    }

    @Test
    void aDifferentAddressListIsCountedButStillObeyed() {
        VirtualRouter router = masterAfterStartup(config(100));
        Advert other = Advert.of(VRID, 200, 100, List.of(IpAddress.parse("192.0.2.222")));
        router.onAdvert(other, PEER, T0 + 10 * SECOND);
        assertThat(router.counters().addressListMismatches()).isEqualTo(1);
        assertThat(router.state()).isEqualTo(RouterState.BACKUP);
    }

    @Test
    void advertsAreIgnoredBeforeStart() {
        VirtualRouter router = new VirtualRouter(config(100));
        assertThat(router.onAdvert(advert(200), PEER, T0)).isEmpty();
        assertThat(router.onTick(T0)).isEmpty();
        assertThat(router.nextDeadlineNanos()).isEmpty();
        assertThat(router.state()).isEqualTo(RouterState.INITIALIZE);
        assertThat(router.counters().advertsReceived()).isEqualTo(1);
    }

    @Test
    void startingTwiceIsRefused() {
        VirtualRouter router = started(config(100), T0);
        assertThatThrownBy(() -> router.start(T0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started (BACKUP)");
    }
}
