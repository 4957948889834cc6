package dev.tandem.provider.actions;

import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.RetryPolicy;
import dev.tandem.provider.sim.HttpSimulator.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.tandem.provider.ProviderFailures.assertSteppedDown;
import static dev.tandem.provider.ProviderFailures.assertTransient;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every provider whose cloud moves an address by an asynchronous action must do, on the happy path and through
 * outages, step-downs and actions that fail or never finish. A cloud's failover test extends this with its
 * {@link ActionProviderFixture} and adds what only that cloud does (locks, rate limits, the exact requests).
 */
public abstract class ActionProviderFailoverContract {

    /** The fixture of this test instance; closed after each test. */
    protected abstract ActionProviderFixture<?> fixture();

    /** Asserts that {@code request} is this cloud's documented unassign. */
    protected abstract void assertIsUnassign(Request request);

    @AfterEach
    void closeFixture() {
        fixture().close();
    }

    @Test
    void aCleanFailoverMovesTheAddressAndWaitsForTheActionToFinish() throws Exception {
        ActionProviderFixture<?> f = fixture();
        f.actionDuration(Duration.ofSeconds(3));
        FloatingIpProvider provider = f.provider();
        assertThat(provider.holder().isHeldBy(f.a.machineId())).isTrue();

        provider.assign(f.b, MasterGuard.ALWAYS);

        assertThat(f.holder()).contains(f.b.machineId());
        assertThat(f.actionRunning()).isFalse();
        assertThat(provider.holder().isHeldBy(f.b.machineId())).isTrue();
        assertThat(provider.holder().isHeldBy(f.a.machineId())).isFalse();
        // The action runs 3 s; the provider looked quickly at first (ActionPolls), then once a second.
        assertThat(f.pollWaits).containsExactly(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(300),
                Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(f.actionReads()).hasSize(6);
        assertThat(f.mutatingRequests()).hasSize(1);
    }

    @Test
    void alreadyAssignedToTheTargetIsSuccessWithoutAnyMutatingCall() throws Exception {
        ActionProviderFixture<?> f = fixture();

        f.provider().assign(f.a, MasterGuard.ALWAYS);

        assertThat(f.mutatingRequests()).isEmpty();
        assertThat(f.api().requests()).hasSize(1);
        assertThat(f.holder()).contains(f.a.machineId());
    }

    @Test
    void anOutageDuringTheMoveIsRiddenOutAndEndsWithTheRightHolder() throws Exception {
        ActionProviderFixture<?> f = fixture();
        AtomicInteger waits = new AtomicInteger();
        f.onPollWait = () -> f.api().down(true); // the API goes away while the action runs
        f.onRetryWait = () -> {
            if (waits.incrementAndGet() == 3) {
                f.onPollWait = () -> {
                };
                f.api().down(false);
            }
        };

        f.provider().assign(f.b, MasterGuard.ALWAYS);

        assertThat(f.retryWaits).hasSize(3);
        assertThat(f.mutatingRequests()).as("a failed read of the action does not repeat the POST").hasSize(1);
        assertThat(f.holder()).contains(f.b.machineId());
    }

    @Test
    void anOutageLongerThanTheRetriesFailsTransientlyAndALaterCallSucceeds() throws Exception {
        ActionProviderFixture<?> f = fixture();
        f.api().failNext(3, f.unavailable("Service Unavailable"));
        FloatingIpProvider provider = f.provider(new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(5),
                Duration.ofSeconds(2)));

        assertTransient(() -> provider.assign(f.b, MasterGuard.ALWAYS), e -> assertThat(e.getMessage())
                .contains("gave up after 3 attempts", "503", "Service Unavailable"));
        assertThat(f.holder()).contains(f.a.machineId());

        provider.assign(f.b, MasterGuard.ALWAYS);
        assertThat(f.holder()).contains(f.b.machineId());
    }

    @Test
    void aMemberThatStepsDownBetweenRetriesSendsNoFurtherMutatingRequest() {
        ActionProviderFixture<?> f = fixture();
        AtomicBoolean master = new AtomicBoolean(true);
        f.failNextActionPosts(1, f.serverError());
        f.onRetryWait = () -> master.set(false);

        assertSteppedDown(() -> f.provider().assign(f.b, master::get));
        assertThat(f.mutatingRequests()).hasSize(1);
        assertThat(f.holder()).contains(f.a.machineId());
    }

    @Test
    void aMemberThatIsNoLongerMasterNeverPosts() {
        ActionProviderFixture<?> f = fixture();

        assertSteppedDown(() -> f.provider().assign(f.b, () -> false));
        assertSteppedDown(() -> f.provider().release(f.a, () -> false));
        assertThat(f.mutatingRequests()).isEmpty();
    }

    @Test
    void pollingStopsAtTheDeadlineWithATransientErrorNamingTheAction() {
        ActionProviderFixture<?> f = fixture();
        f.actionDuration(Duration.ofMinutes(10));

        assertTransient(() -> f.provider().assign(f.b, MasterGuard.ALWAYS), e -> {
            String path = f.actionReads().getFirst().path();
            String action = path.substring(path.lastIndexOf('/') + 1);
            assertThat(e.getMessage()).contains("action " + action + " (" + f.assignActionType() + ")",
                    f.runningStatus(), "60 s");
        });
        // 1.2 s in the four quick looks, then one a second until 60 s had passed.
        assertThat(f.pollWaits).hasSize(63);
    }

    @Test
    void aFailedActionIsATransientErrorNamingTheAction() {
        ActionProviderFixture<?> f = fixture();
        f.failNextAction();

        assertTransient(() -> f.provider().assign(f.b, MasterGuard.ALWAYS), e -> assertThat(e.getMessage())
                .containsPattern("action \\d+ \\(" + f.assignActionType() + "\\)").contains(f.failedActionSays()));
        assertThat(f.holder()).contains(f.a.machineId());
    }

    @Test
    void releaseUnassignsFromTheHolderOnly() throws Exception {
        ActionProviderFixture<?> f = fixture();
        FloatingIpProvider provider = f.provider();

        provider.release(f.b, MasterGuard.ALWAYS);
        assertThat(f.mutatingRequests()).as("B does not hold it: nothing to do").isEmpty();

        provider.release(f.a, MasterGuard.ALWAYS);
        assertThat(f.mutatingRequests()).singleElement().satisfies(this::assertIsUnassign);
        assertThat(f.holder()).isEmpty();
        assertThat(provider.holder().machineId()).isEmpty();
    }
}
