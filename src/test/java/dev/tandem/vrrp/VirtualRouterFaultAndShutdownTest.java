package dev.tandem.vrrp;

import dev.tandem.vrrp.Action.BecomeBackup;
import dev.tandem.vrrp.Action.BecomeMaster;
import dev.tandem.vrrp.Action.EnterFault;
import dev.tandem.vrrp.Action.SendAdvert;
import dev.tandem.vrrp.Action.Stop;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

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

class VirtualRouterFaultAndShutdownTest {

    @Test
    void aMasterEnteringFaultAnnouncesPriorityZeroAndReleasesTheAddresses() {
        VirtualRouter router = masterAfterStartup(config(100));
        List<Action> actions = router.enterFault(Reason.HEALTH_CHECK_FAILED, "health check haproxy failing",
                T0 + 10 * SECOND);
        assertThat(actions).containsExactly(
                new SendAdvert(advert(0)),
                new EnterFault(RouterState.MASTER, Reason.HEALTH_CHECK_FAILED, "health check haproxy failing"));
        assertThat(router.state()).isEqualTo(RouterState.FAULT);
        assertThat(router.nextDeadlineNanos()).isEmpty();
        assertThat(router.counters().priorityZeroSent()).isEqualTo(1);
        assertThat(router.faults()).isEqualTo(Map.of(Reason.HEALTH_CHECK_FAILED, "health check haproxy failing"));
    }

    @Test
    void aRouterInFaultTakesNoPartUntilTheFaultClears() {
        VirtualRouter router = started(config(100), T0);
        assertThat(router.enterFault(Reason.INTERFACE_DOWN, "eth0 down", T0 + SECOND))
                .containsExactly(new EnterFault(RouterState.BACKUP, Reason.INTERFACE_DOWN, "eth0 down"));
        assertThat(router.onAdvert(advert(200), PEER, T0 + 2 * SECOND)).isEmpty();
        assertThat(router.onTick(T0 + 60 * SECOND)).isEmpty();
        assertThat(router.state()).isEqualTo(RouterState.FAULT);

        long cleared = T0 + 61 * SECOND;
        assertThat(router.leaveFault(Reason.INTERFACE_DOWN, cleared))
                .containsExactly(new BecomeBackup(RouterState.FAULT, Reason.FAULT_CLEARED));
        assertThat(deadline(router)).isEqualTo(cleared + router.masterDownIntervalNanos());
    }

    @Test
    void theRouterStaysInFaultWhileAnyCauseRemains() {
        VirtualRouter router = started(config(100), T0);
        router.enterFault(Reason.INTERFACE_DOWN, "eth0 down", T0);
        assertThat(router.enterFault(Reason.HEALTH_CHECK_FAILED, "haproxy", T0)).isEmpty();
        assertThat(router.leaveFault(Reason.INTERFACE_DOWN, T0 + SECOND)).isEmpty();
        assertThat(router.state()).isEqualTo(RouterState.FAULT);
        assertThat(router.leaveFault(Reason.HEALTH_CHECK_FAILED, T0 + 2 * SECOND)).hasSize(1);
        assertThat(router.state()).isEqualTo(RouterState.BACKUP);
    }

    @Test
    void leaveFaultWithoutACauseClearsThemAll() {
        VirtualRouter router = started(config(100), T0);
        router.enterFault(Reason.INTERFACE_DOWN, "eth0 down", T0);
        router.enterFault(Reason.HEALTH_CHECK_FAILED, "haproxy", T0);
        assertThat(router.leaveFault(T0 + SECOND)).hasSize(1);
        assertThat(router.faults()).isEmpty();
    }

    @Test
    void aFaultBeforeStartMakesStartGoToFault() {
        VirtualRouter router = new VirtualRouter(config(255));
        assertThat(router.enterFault(Reason.HEALTH_CHECK_FAILED, "haproxy", T0)).isEmpty();
        assertThat(router.start(T0)).containsExactly(
                new EnterFault(RouterState.INITIALIZE, Reason.HEALTH_CHECK_FAILED, "haproxy"));
        // The owner comes straight back as master when the fault clears.
        assertThat(router.leaveFault(T0 + SECOND)).containsExactly(
                new SendAdvert(advert(255)),
                new BecomeMaster(RouterState.FAULT, Reason.FAULT_CLEARED, List.of(VIP)));
    }

    @Test
    void onlyFaultCausesCanPutARouterInFault() {
        VirtualRouter router = started(config(100), T0);
        assertThatThrownBy(() -> router.enterFault(Reason.MASTER_DOWN, "x", T0))
                .hasMessage("MASTER_DOWN is not a fault cause");
    }

    @Test
    void thePreemptDelayStartsAgainWhenAFaultClears() {
        long delay = 5 * SECOND;
        VirtualRouter router = started(config(200).withPreempt(true, delay), T0);
        router.enterFault(Reason.HEALTH_CHECK_FAILED, "haproxy", T0 + 20 * SECOND);
        long cleared = T0 + 30 * SECOND;
        router.leaveFault(cleared);
        router.onAdvert(advert(100), PEER, cleared + delay - 1);
        assertThat(router.counters().lowerPriorityDiscarded()).isZero();
        router.onAdvert(advert(100), PEER, cleared + delay);
        assertThat(router.counters().lowerPriorityDiscarded()).isEqualTo(1);
    }

    @Test
    void shuttingDownAMasterHandsOverToTheBackupAfterSkewTime() {
        RouterConfig masterConfig = RouterConfig.of(VRID, 200, PEER, List.of(VIP));
        VirtualRouter master = masterAfterStartup(masterConfig);
        VirtualRouter backup = started(config(100), T0);
        long now = deadline(master);
        for (Action action : master.onTick(now)) {
            if (action instanceof SendAdvert send) {
                backup.onAdvert(send.advert(), PEER, now);
            }
        }

        long stop = now + SECOND / 4;
        List<Action> goodbye = master.shutdown(stop);
        assertThat(goodbye).containsExactly(new SendAdvert(advert(0)), new Stop(RouterState.MASTER, Reason.SHUTDOWN));
        assertThat(master.state()).isEqualTo(RouterState.INITIALIZE);
        assertThat(master.nextDeadlineNanos()).isEmpty();

        backup.onAdvert(((SendAdvert) goodbye.getFirst()).advert(), PEER, stop);
        assertThat(backup.onTick(stop + backup.skewTimeNanos() - 1)).isEmpty();
        assertThat(backup.onTick(stop + backup.skewTimeNanos()))
                .contains(new BecomeMaster(RouterState.BACKUP, Reason.PRIORITY_ZERO_RECEIVED, List.of(VIP)));
    }

    @Test
    void shuttingDownABackupOrAFaultSendsNothing() {
        VirtualRouter backup = started(config(100), T0);
        assertThat(backup.shutdown(T0 + SECOND)).containsExactly(new Stop(RouterState.BACKUP, Reason.SHUTDOWN));
        assertThat(backup.shutdown(T0 + 2 * SECOND)).as("already stopped").isEmpty();

        VirtualRouter faulty = started(config(100), T0);
        faulty.enterFault(Reason.INTERFACE_DOWN, "eth0 down", T0);
        assertThat(faulty.shutdown(T0 + SECOND)).containsExactly(new Stop(RouterState.FAULT, Reason.SHUTDOWN));
        assertThat(faulty.faults()).containsKey(Reason.INTERFACE_DOWN);
    }

    @Test
    void aStoppedRouterCanStartAgain() {
        VirtualRouter router = masterAfterStartup(config(100));
        router.shutdown(T0 + 10 * SECOND);
        long again = T0 + 20 * SECOND;
        assertThat(router.start(again)).containsExactly(new BecomeBackup(RouterState.INITIALIZE, Reason.STARTUP));
        assertThat(deadline(router)).isEqualTo(again + router.masterDownIntervalNanos());
    }

    @Test
    void countsWhatADriverExports() {
        VirtualRouter router = started(config(100), T0);
        router.onAdvert(advert(200, 50), PEER, T0 + SECOND);
        router.onAdvert(advert(100), SELF, T0 + SECOND);
        router.onAdvert(advert(0, 50), PEER, T0 + 2 * SECOND);
        long takeover = deadline(router);
        router.onTick(takeover);
        router.onTick(deadline(router));
        router.onAdvert(advert(250), PEER, deadline(router) - 1);
        router.shutdown(T0 + 30 * SECOND);

        RouterCounters counters = router.counters();
        assertThat(counters.advertsReceived()).isEqualTo(4);
        assertThat(counters.ownAdvertsIgnored()).isEqualTo(1);
        assertThat(counters.priorityZeroReceived()).isEqualTo(1);
        assertThat(counters.intervalMismatches()).isEqualTo(2);
        assertThat(counters.advertsSent()).isEqualTo(2);
        assertThat(counters.priorityZeroSent()).isZero();
        assertThat(counters.masterDownExpiries()).isEqualTo(1);
        assertThat(counters.transitionsByReason()).isEqualTo(Map.of(
                Reason.STARTUP, 1L, Reason.PRIORITY_ZERO_RECEIVED, 1L, Reason.HIGHER_PRIORITY_ADVERT, 1L,
                Reason.SHUTDOWN, 1L));
        assertThat(counters.transitionsTo(RouterState.BACKUP)).isEqualTo(2);
        assertThat(counters.transitionsTo(RouterState.MASTER)).isEqualTo(1);
        assertThat(counters.transitions()).isEqualTo(4);
    }

    @Test
    void everyTransitionNamesWhereItCameFromAndWhereItWent() {
        VirtualRouter router = masterAfterStartup(config(100));
        List<Action> actions = router.enterFault(Reason.HEALTH_CHECK_FAILED, "haproxy", T0 + 10 * SECOND);
        assertThat(Routers.transitions(actions)).singleElement().satisfies(t -> {
            assertThat(t.from()).isEqualTo(RouterState.MASTER);
            assertThat(t.to()).isEqualTo(RouterState.FAULT);
            assertThat(t.reason().label()).isEqualTo("HealthCheckFailed");
        });
        assertThat(advertPriorities(actions)).containsExactly(0);
    }
}
