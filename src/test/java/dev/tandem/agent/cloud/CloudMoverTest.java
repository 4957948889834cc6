package dev.tandem.agent.cloud;

import dev.tandem.agent.PairPlan;
import dev.tandem.api.v1alpha1.DigitalOceanSpec;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.LocalObjectRef;
import dev.tandem.api.v1alpha1.ProviderSpec;
import dev.tandem.api.v1alpha1.RetrySpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.provider.CallObserver;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.Providers;
import dev.tandem.provider.RetryPolicy;
import dev.tandem.provider.digitalocean.DigitalOceanSimulator;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.Reason;
import dev.tandem.vrrp.RouterState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent's side of a cloud failover, against the DigitalOcean simulator on loopback with real time: this member
 * (droplet 102) becomes MASTER while droplet 101 holds the reserved IP.
 */
class CloudMoverTest {
    static final String TOKEN = "dop_v1_agent-t0ken-never-printed";
    static final String ADDRESS = "203.0.113.20";

    final DigitalOceanSimulator sim = new DigitalOceanSimulator(TOKEN, Clock.systemUTC());
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Recorder progress = new Recorder();
    final AtomicInteger invalidated = new AtomicInteger();
    volatile String token = TOKEN;
    volatile FenceDecision fence = FenceDecision.ALLOWED;
    final AtomicInteger fenceAsked = new AtomicInteger();
    final AtomicInteger resigned = new AtomicInteger();
    CloudMover mover;

    CloudMoverTest() {
        sim.droplet(101, "lb-1").droplet(102, "lb-2").reservedIp(ADDRESS, 101L);
        sim.actionDuration(Duration.ofMillis(300));
    }

    @AfterEach
    void close() {
        if (mover != null) {
            mover.close();
        }
        sim.close();
    }

    @Test
    void becomingMasterMovesTheAddressHereAndReportsItOnce() {
        start(address());
        mover.transition(master(), 40);

        await().atMost(Duration.ofSeconds(10)).until(() -> !progress.confirmed.isEmpty());
        assertThat(sim.holderOf(ADDRESS)).contains(102L);
        assertThat(progress.confirmed).containsExactly("web-vip");
        assertThat(progress.failed).isEmpty();
        assertThat(meters.get("tandem.floating.ip.moves").tag("provider", "digitalocean").counter().count())
                .isEqualTo(1.0);
        assertThat(meters.get("tandem.floating.ip.move").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
                .as("from becoming MASTER to the provider confirming: at least the action's 300 ms").isGreaterThan(300);
        assertThat(meters.get("tandem.provider.call").tag("operation", "post_action").tag("outcome", "success")
                .timer().count()).isPositive();
        assertThat(sim.mutatingRequests()).hasSize(1);

        // The plan is read again (another FloatingIp changed): a confirmed address is not moved or counted again.
        int requests = sim.requests().size();
        mover.plan(List.of(address()));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> sim.requests().size() == requests);
        assertThat(progress.confirmed).containsExactly("web-vip");
    }

    @Test
    void aBackupMovesNothing() throws Exception {
        start(address());
        mover.transition(new Action.BecomeBackup(RouterState.INITIALIZE, Reason.STARTUP), -1);
        Thread.sleep(500);
        assertThat(sim.mutatingRequests()).isEmpty();
        assertThat(sim.holderOf(ADDRESS)).contains(101L);
    }

    @Test
    void aProviderOutageDuringTheFailoverIsReportedAndTheMoveCompletesWhenItEnds() {
        sim.down(true);
        start(address());
        mover.transition(master(), 40);

        await().atMost(Duration.ofSeconds(10)).until(() -> !progress.failed.isEmpty());
        assertThat(progress.failed.getFirst()).startsWith("web-vip: digitalocean").contains("gave up after 2 attempts");
        assertThat(progress.confirmed).isEmpty();

        sim.down(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !progress.confirmed.isEmpty());
        assertThat(sim.holderOf(ADDRESS)).contains(102L);
        assertThat(sim.locked(ADDRESS)).as("nothing left half-done").isFalse();
    }

    @Test
    void steppingDownDuringTheMoveStopsItBeforeTheNextMutatingCall() throws Exception {
        sim.down(true); // the first attempts fail, so the worker is between attempts when the member steps down
        start(address());
        mover.transition(master(), 40);
        await().atMost(Duration.ofSeconds(10)).until(() -> !progress.failed.isEmpty());

        mover.transition(new Action.BecomeBackup(RouterState.MASTER, Reason.PREEMPTED), -1);
        sim.down(false);
        Thread.sleep(1_000); // longer than the pause between attempts

        assertThat(sim.mutatingRequests()).as("a member that stepped down never assigns").isEmpty();
        assertThat(sim.holderOf(ADDRESS)).contains(101L);
        assertThat(progress.cleared).contains("web-vip");
    }

    @Test
    void aRejectedTokenIsReportedWithoutItAndTheCredentialsAreReadAgain() {
        token = "dop_v1_wrong-t0ken";
        start(address());
        mover.transition(master(), 40);

        await().atMost(Duration.ofSeconds(10)).until(() -> invalidated.get() > 0 && !progress.failed.isEmpty());
        assertThat(progress.failed.getFirst()).contains("401").doesNotContain(token).doesNotContain(TOKEN);

        token = TOKEN; // someone fixed the Secret
        await().atMost(Duration.ofSeconds(10)).until(() -> !progress.confirmed.isEmpty());
        assertThat(sim.holderOf(ADDRESS)).contains(102L);
    }

    @Test
    void aFloatingIpThatGoesAwayIsClearedAndItsWorkerStops() {
        sim.actionDuration(Duration.ofSeconds(30)); // the move would take long
        start(address());
        mover.transition(master(), 40);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.mutatingRequests().size() == 1);

        mover.plan(List.of());

        await().atMost(Duration.ofSeconds(5)).until(() -> progress.cleared.contains("web-vip"));
        assertThat(progress.confirmed).isEmpty();
    }

    @Test
    void whileAnotherMemberHoldsTheFencingLeaseNothingMovesAndSteppingDownResigns() throws Exception {
        fence = new FenceDecision.Held("lb-1", java.time.Instant.now().plusSeconds(10));
        start(address());
        mover.transition(master(), 40);
        Thread.sleep(1_500);
        assertThat(sim.mutatingRequests()).as("lb-1 holds the Lease: it believes it is MASTER too").isEmpty();
        assertThat(fenceAsked.get()).isGreaterThanOrEqualTo(2);

        fence = FenceDecision.ALLOWED; // lb-1 let go, or its Lease ran out
        await().atMost(Duration.ofSeconds(10)).until(() -> !progress.confirmed.isEmpty());
        assertThat(sim.holderOf(ADDRESS)).contains(102L);

        mover.transition(new Action.BecomeBackup(RouterState.MASTER, Reason.HIGHER_PRIORITY_ADVERT), -1);
        await().atMost(Duration.ofSeconds(2)).until(() -> resigned.get() == 1);
    }

    @Test
    void anUnreachableFenceDoesNotHoldTheMoveBack() {
        fence = new FenceDecision.Unreachable("the API server did not answer within 2000 ms");
        start(address());
        mover.transition(master(), 40);
        await().atMost(Duration.ofSeconds(10)).until(() -> !progress.confirmed.isEmpty());
        assertThat(sim.holderOf(ADDRESS)).contains(102L);
    }

    private void start(PairPlan.CloudAddress a) {
        CloudMetrics metrics = new CloudMetrics(meters, "web");
        CloudMover.Environment env = new CloudMover.Environment() {
            @Override
            public FenceDecision confirmLeader() {
                fenceAsked.incrementAndGet();
                return fence;
            }

            @Override
            public void resign() {
                resigned.incrementAndGet();
            }

            @Override
            public FloatingIpProvider provider(PairPlan.CloudAddress address) {
                Credentials c = new Credentials("Secret default/do-token", Map.of("token", token));
                return Providers.create(address.spec(), c,
                        ProviderContext.of(address.address(), RetryPolicy.from(address.spec().retry), metrics));
            }

            @Override
            public Member self(PairPlan.CloudAddress address, FloatingIpProvider provider) {
                return new Member("lb-2", "102");
            }

            @Override
            public void invalidate(PairPlan.CloudAddress address) {
                invalidated.incrementAndGet();
            }
        };
        mover = new CloudMover("web", env, new Progresses(List.of(progress, metrics)), Duration.ofMillis(200),
                Duration.ofMillis(200));
        mover.plan(List.of(a));
    }

    private PairPlan.CloudAddress address() {
        FloatingIpSpec spec = new FloatingIpSpec();
        spec.address = ADDRESS;
        spec.failoverPairRef = new LocalObjectRef();
        spec.failoverPairRef.name = "web";
        spec.provider = new ProviderSpec();
        spec.provider.digitalocean = new DigitalOceanSpec();
        spec.provider.digitalocean.credentialsSecretRef = new SecretKeyRef("do-token", null);
        spec.provider.digitalocean.apiUrl = sim.url();
        spec.retry = new RetrySpec();
        spec.retry.attempts = 2;
        spec.retry.initialBackoff = "20ms";
        spec.retry.maxBackoff = "50ms";
        spec.retry.timeout = "1s";
        return new PairPlan.CloudAddress("web-vip", ADDRESS, "digitalocean", spec);
    }

    private static Action.BecomeMaster master() {
        return new Action.BecomeMaster(RouterState.BACKUP, Reason.MASTER_DOWN, List.of());
    }

    static final class Recorder implements CloudMover.Progress {
        final List<String> confirmed = new CopyOnWriteArrayList<>();
        final List<String> failed = new CopyOnWriteArrayList<>();
        final List<String> cleared = new CopyOnWriteArrayList<>();

        @Override
        public void confirmed(PairPlan.CloudAddress address, Duration took) {
            confirmed.add(address.floatingIp());
        }

        @Override
        public void failed(PairPlan.CloudAddress address, String message) {
            failed.add(address.floatingIp() + ": " + message);
        }

        @Override
        public void cleared(String floatingIp) {
            cleared.add(floatingIp);
        }
    }
}
