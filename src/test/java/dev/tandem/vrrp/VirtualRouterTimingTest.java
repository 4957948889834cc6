package dev.tandem.vrrp;

import dev.tandem.vrrp.Action.BecomeBackup;
import dev.tandem.vrrp.Action.BecomeMaster;
import dev.tandem.vrrp.Action.SendAdvert;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.tandem.vrrp.Routers.LOW_PEER;
import static dev.tandem.vrrp.Routers.PEER;
import static dev.tandem.vrrp.Routers.SECOND;
import static dev.tandem.vrrp.Routers.T0;
import static dev.tandem.vrrp.Routers.VIP;
import static dev.tandem.vrrp.Routers.advert;
import static dev.tandem.vrrp.Routers.advertPriorities;
import static dev.tandem.vrrp.Routers.config;
import static dev.tandem.vrrp.Routers.deadline;
import static dev.tandem.vrrp.Routers.router;
import static dev.tandem.vrrp.Routers.started;
import static org.assertj.core.api.Assertions.assertThat;

/** Every timer of RFC 5798 §6 on a virtual clock, to the nanosecond. Priority 100, interval 1 s unless stated. */
class VirtualRouterTimingTest {
    /** 3 s + 60.9375 cs. */
    static final long MASTER_DOWN_100 = 3_609_375_000L;
    static final long SKEW_100 = 609_375_000L;

    @Test
    void aBackupBecomesMasterExactlyOneMasterDownIntervalAfterStartAndNotOneNanosecondEarlier() {
        VirtualRouter router = router(100);
        assertThat(router.start(T0)).containsExactly(new BecomeBackup(RouterState.INITIALIZE, Reason.STARTUP));
        assertThat(deadline(router)).isEqualTo(T0 + MASTER_DOWN_100);

        assertThat(router.onTick(T0 + MASTER_DOWN_100 - 1)).isEmpty();
        assertThat(router.state()).isEqualTo(RouterState.BACKUP);

        List<Action> actions = router.onTick(T0 + MASTER_DOWN_100);
        assertThat(actions).containsExactly(
                new SendAdvert(advert(100)),
                new BecomeMaster(RouterState.BACKUP, Reason.MASTER_DOWN, List.of(VIP)));
        assertThat(router.state()).isEqualTo(RouterState.MASTER);
        assertThat(router.stateSinceNanos()).isEqualTo(T0 + MASTER_DOWN_100);
        assertThat(router.counters().masterDownExpiries()).isEqualTo(1);
    }

    @Test
    void everyAdvertFromTheMasterRestartsTheMasterDownTimer() {
        VirtualRouter router = started(config(100), T0);
        long heard = T0 + 2 * SECOND;
        router.onAdvert(advert(200), PEER, heard);
        assertThat(deadline(router)).isEqualTo(heard + MASTER_DOWN_100);
        assertThat(router.onTick(T0 + MASTER_DOWN_100)).isEmpty();
        assertThat(router.onTick(heard + MASTER_DOWN_100 - 1)).isEmpty();
        assertThat(router.onTick(heard + MASTER_DOWN_100)).hasSize(2);
        assertThat(router.state()).isEqualTo(RouterState.MASTER);
    }

    @Test
    void theOwnerBecomesMasterAtOnceAndAdvertisesPriority255() {
        VirtualRouter owner = router(255);
        assertThat(owner.start(T0)).containsExactly(
                new SendAdvert(advert(255)),
                new BecomeMaster(RouterState.INITIALIZE, Reason.OWNER_STARTUP, List.of(VIP)));
        assertThat(owner.state()).isEqualTo(RouterState.MASTER);
        assertThat(deadline(owner)).isEqualTo(T0 + SECOND);
    }

    @Test
    void aMasterAdvertisesExactlyEveryInterval() {
        VirtualRouter router = started(config(255).withAdvertIntervalCentis(37), T0);
        long interval = 370_000_000L;
        List<Long> sentAt = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            long due = deadline(router);
            assertThat(router.onTick(due - 1)).as("one nanosecond early").isEmpty();
            List<Action> actions = router.onTick(due);
            assertThat(advertPriorities(actions)).containsExactly(255);
            assertThat(((SendAdvert) actions.getFirst()).advert().maxAdvertIntervalCentis()).isEqualTo(37);
            sentAt.add(due);
        }
        assertThat(sentAt).containsExactly(T0 + interval, T0 + 2 * interval, T0 + 3 * interval, T0 + 4 * interval,
                T0 + 5 * interval);
        assertThat(router.counters().advertsSent()).isEqualTo(6); // the one at startup too
    }

    @Test
    void aLateTickSendsOneAdvertAndCountsTheNextIntervalFromWhenItWasSent() {
        VirtualRouter router = started(config(255), T0);
        long late = T0 + 3 * SECOND + 5;
        assertThat(advertPriorities(router.onTick(late))).containsExactly(255);
        assertThat(deadline(router)).isEqualTo(late + SECOND);
    }

    @Test
    void afterPriorityZeroABackupTakesOverAfterExactlySkewTime() {
        VirtualRouter router = started(config(100), T0);
        router.onAdvert(advert(200), PEER, T0 + SECOND);
        long stopped = T0 + 1_500_000_000L;
        assertThat(router.onAdvert(advert(0), PEER, stopped)).isEmpty();
        assertThat(deadline(router)).isEqualTo(stopped + SKEW_100);

        assertThat(router.onTick(stopped + SKEW_100 - 1)).isEmpty();
        List<Action> actions = router.onTick(stopped + SKEW_100);
        assertThat(actions).containsExactly(
                new SendAdvert(advert(100)),
                new BecomeMaster(RouterState.BACKUP, Reason.PRIORITY_ZERO_RECEIVED, List.of(VIP)));
        assertThat(router.counters().priorityZeroReceived()).isEqualTo(1);
    }

    @Test
    void aBackupLearnsTheMastersIntervalAndTimesItsDownTimerWithIt() {
        VirtualRouter router = started(config(100), T0);
        long heard = T0 + 200_000_000L;
        router.onAdvert(advert(200, 50), PEER, heard);
        assertThat(router.masterAdverIntervalCentis()).isEqualTo(50);
        // 3 * 0.5 s + 156 * 50 cs / 256 = 1.5 s + 30.46875 cs
        assertThat(router.masterDownIntervalNanos()).isEqualTo(1_804_687_500L);
        assertThat(deadline(router)).isEqualTo(heard + 1_804_687_500L);
        assertThat(router.counters().intervalMismatches()).isEqualTo(1);

        // Skew_Time after priority 0 uses the learned interval too.
        router.onAdvert(advert(0, 50), PEER, heard + SECOND);
        assertThat(deadline(router)).isEqualTo(heard + SECOND + 304_687_500L);
    }

    @Test
    void aBackupThatBecomesMasterAdvertisesItsOwnInterval() {
        VirtualRouter router = started(config(100), T0);
        router.onAdvert(advert(200, 50), PEER, T0);
        long takeover = deadline(router);
        List<Action> actions = router.onTick(takeover);
        assertThat(((SendAdvert) actions.getFirst()).advert().maxAdvertIntervalCentis()).isEqualTo(100);
        assertThat(deadline(router)).isEqualTo(takeover + SECOND);
        assertThat(router.masterAdverIntervalCentis()).isEqualTo(100);
    }

    @Test
    void aMasterSteppingDownLearnsTheNewMastersInterval() {
        VirtualRouter router = Routers.masterAfterStartup(config(100));
        long heard = T0 + 10 * SECOND;
        router.onAdvert(advert(200, 25), PEER, heard);
        assertThat(router.state()).isEqualTo(RouterState.BACKUP);
        // 3 * 0.25 s + 156 * 25 cs / 256 = 0.75 s + 15.234375 cs
        assertThat(deadline(router)).isEqualTo(heard + 902_343_750L);
    }

    @Test
    void withoutPreemptDelayAPreemptingBackupTakesOverOneMasterDownIntervalAfterStart() {
        VirtualRouter router = started(config(200), T0);
        long masterDown200 = 3_218_750_000L; // 3 s + 56 * 100 / 256 cs
        for (long t = T0 + SECOND / 2; t < T0 + masterDown200; t += SECOND) {
            assertThat(router.onAdvert(advert(100), LOW_PEER, t)).isEmpty();
        }
        assertThat(router.counters().lowerPriorityDiscarded()).isEqualTo(3);
        assertThat(router.onTick(T0 + masterDown200 - 1)).isEmpty();
        assertThat(router.onTick(T0 + masterDown200)).contains(
                new BecomeMaster(RouterState.BACKUP, Reason.PREEMPTED, List.of(VIP)));
    }

    @Test
    void preemptDelayAcceptsLowerPriorityAdvertsUntilItEndsThenTakesOverOneMasterDownIntervalLater() {
        long delay = 10 * SECOND;
        long masterDown200 = 3_218_750_000L;
        VirtualRouter router = started(config(200).withPreempt(true, delay), T0);

        long lastAccepted = T0 + delay - 1;
        router.onAdvert(advert(100), LOW_PEER, lastAccepted);
        assertThat(deadline(router)).as("accepted: timer restarted").isEqualTo(lastAccepted + masterDown200);
        assertThat(router.counters().lowerPriorityDiscarded()).isZero();

        router.onAdvert(advert(100), LOW_PEER, T0 + delay);
        router.onAdvert(advert(100), LOW_PEER, T0 + delay + SECOND);
        assertThat(deadline(router)).as("discarded from the end of the delay on").isEqualTo(lastAccepted + masterDown200);
        assertThat(router.counters().lowerPriorityDiscarded()).isEqualTo(2);

        assertThat(router.onTick(lastAccepted + masterDown200 - 1)).isEmpty();
        assertThat(router.onTick(lastAccepted + masterDown200))
                .contains(new BecomeMaster(RouterState.BACKUP, Reason.PREEMPTED, List.of(VIP)));
    }

    @Test
    void preemptDelayCountsFromStartNotFromCreation() {
        long delay = 5 * SECOND;
        VirtualRouter router = new VirtualRouter(config(200).withPreempt(true, delay));
        long start = T0 + 100 * SECOND;
        router.start(start);
        router.onAdvert(advert(100), LOW_PEER, start + delay - 1);
        assertThat(router.counters().lowerPriorityDiscarded()).isZero();
        router.onAdvert(advert(100), LOW_PEER, start + delay);
        assertThat(router.counters().lowerPriorityDiscarded()).isEqualTo(1);
    }

    @Test
    void timersWorkAcrossNegativeAndWrappingClockValues() {
        long start = Long.MAX_VALUE - SECOND; // System.nanoTime() may have any origin
        VirtualRouter router = started(config(100), start);
        long due = deadline(router);
        assertThat(due).isNegative();
        assertThat(router.onTick(due - 1)).isEmpty();
        assertThat(router.onTick(due)).hasSize(2);
        assertThat(router.state()).isEqualTo(RouterState.MASTER);
    }
}
