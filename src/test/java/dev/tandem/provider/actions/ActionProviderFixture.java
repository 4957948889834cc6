package dev.tandem.provider.actions;

import dev.tandem.provider.CallObserver;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.Retrier;
import dev.tandem.provider.RetryPolicy;
import dev.tandem.provider.sim.HttpSimulator;
import dev.tandem.provider.sim.HttpSimulator.Request;
import dev.tandem.provider.sim.HttpSimulator.Response;
import dev.tandem.provider.sim.ManualClock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A simulated cloud whose API changes an address by actions (DigitalOcean, Hetzner): two members A and B, an address
 * held by A, a manual clock the simulator and the providers share, and providers whose retry waits and action polls
 * only advance that clock (and are recorded), so the tests run in milliseconds.
 *
 * <p>Each cloud's fixture builds its provider and says, through the abstract methods, how its simulator shows what
 * {@link ActionProviderFailoverContract} and {@link ActionProviderAnswersContract} assert.
 */
public abstract class ActionProviderFixture<P extends FloatingIpProvider> implements AutoCloseable {
    public static final RetryPolicy POLICY = new RetryPolicy(8, Duration.ofMillis(250), Duration.ofSeconds(5),
            Duration.ofSeconds(2));
    public static final RetryPolicy ONE_ATTEMPT = new RetryPolicy(1, Duration.ofMillis(250), Duration.ofSeconds(5),
            Duration.ofSeconds(2));
    /** How often the providers under test read a running action, after the quick first looks. */
    protected static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    /** How long the providers under test wait for an action before they give up. */
    protected static final Duration ACTION_DEADLINE = Duration.ofSeconds(60);

    public final ManualClock clock = new ManualClock(Instant.parse("2026-05-04T10:00:00Z"));
    /** Waits the retrier asked for, in order. */
    public final List<Duration> retryWaits = new CopyOnWriteArrayList<>();
    /** Waits between two reads of an action, in order. */
    public final List<Duration> pollWaits = new CopyOnWriteArrayList<>();
    /** Runs after each retry wait (a test flips a fault or the guard here). */
    public volatile Runnable onRetryWait = () -> {
    };
    /** Runs after each poll wait. */
    public volatile Runnable onPollWait = () -> {
    };
    /** The member that holds the address at the start. */
    public final Member a;
    /** The other member. */
    public final Member b;
    /** The API token the simulator accepts. */
    public final String token;
    /** Where the agent read the credentials, as error messages name it. */
    public final String secretSource;

    protected ActionProviderFixture(Member a, Member b, String token, String secretSource) {
        this.a = a;
        this.b = b;
        this.token = token;
        this.secretSource = secretSource;
    }

    /** A provider for the address held by A, retrying under {@link #POLICY}. */
    public P provider() {
        return provider(POLICY);
    }

    /** A provider for the address held by A, with the right token under the default key. */
    public P provider(RetryPolicy policy) {
        return provider(policy, credentials("token", token), null);
    }

    /** A provider for the address held by A, reading {@code credentials} under {@code key} (null: the default). */
    public abstract P provider(RetryPolicy policy, Credentials credentials, String key);

    /** Credentials as the agent reads them from the Secret: {@code token} under {@code key}. */
    public Credentials credentials(String key, String token) {
        return new Credentials(secretSource, Map.of(key, token));
    }

    /** What a provider built here is given: the recording retrier, no observer, the shared clock. */
    protected final ProviderContext context(String address, RetryPolicy policy) {
        Retrier retrier = new Retrier(policy, d -> {
            retryWaits.add(d);
            clock.advance(d);
            onRetryWait.run();
        }, () -> 0.5);
        return new ProviderContext(address, retrier, CallObserver.NONE, clock);
    }

    /** The sleeper between two reads of an action: records the wait and advances the clock. */
    protected final Retrier.Sleeper pollSleeper() {
        return d -> {
            pollWaits.add(d);
            clock.advance(d);
            onPollWait.run();
        };
    }

    // ---- how this cloud's simulator shows what the shared tests look at ----

    /** The simulator as a plain HTTP server: its request log and its outage and fault switches. */
    public abstract HttpSimulator api();

    /** The machine id that holds the address in the simulator now; empty while it is unassigned. */
    public abstract Optional<String> holder();

    /** Whether an action on the address is still running in the simulator. */
    public abstract boolean actionRunning();

    /** How long an action started from now on runs. */
    public abstract void actionDuration(Duration d);

    /** The next action started fails in the simulator and changes nothing. */
    public abstract void failNextAction();

    /** The requests that change anything. */
    public abstract List<Request> mutatingRequests();

    /** The reads of an action on the address. */
    public abstract List<Request> actionReads();

    /** The next {@code n} action POSTs get {@code response} instead. */
    public abstract void failNextActionPosts(int n, Response response);

    /** A 503 in this cloud's documented error body, with {@code message}. */
    public abstract Response unavailable(String message);

    /** A 500 in this cloud's documented error body. */
    public abstract Response serverError();

    /** The type of an assign action, as the cloud names it. */
    public abstract String assignActionType();

    /** The status of an action that is still running, as the cloud names it. */
    public abstract String runningStatus();

    /** What the cloud's 401 answer says, as the provider's error quotes it. */
    public abstract String unauthorizedSays();

    /** What the provider's error says about an action that failed. */
    public abstract String failedActionSays();

    @Override
    public void close() {
        api().close();
    }
}
