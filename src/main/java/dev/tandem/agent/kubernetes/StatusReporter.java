package dev.tandem.agent.kubernetes;

import dev.tandem.api.v1alpha1.MemberStatus;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Sends this member's entry to the pair's status: on every change, and as a heartbeat so that the operator sees the
 * agent is alive. Reports coalesce: however many changes arrive while one report waits, one report goes out, built
 * when it is sent, so it always carries the latest state. A failed report is logged (rate-limited) and sent again
 * after a backoff; nothing here ever blocks or throws into the caller.
 */
final class StatusReporter {
    private static final Logger LOG = Logger.getLogger("dev.tandem.agent");

    private final AgentApi api;
    private final String node;
    private final String what;
    private final Supplier<MemberStatus> entry;
    private final AgentTimings timings;
    private final RateLimitedWarning warning;
    private final AtomicBoolean queued = new AtomicBoolean();
    // Touched on the API thread only.
    private Duration backoff;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> heartbeat;
    private final AtomicLong sent = new AtomicLong();

    StatusReporter(AgentApi api, String namespace, String pair, String node, Supplier<MemberStatus> entry,
                   AgentTimings timings) {
        this.api = api;
        this.node = node;
        this.what = "status.members." + node + " of FailoverPair " + namespace + "/" + pair;
        this.entry = entry;
        this.timings = timings;
        this.warning = new RateLimitedWarning(timings.warnEvery());
        this.backoff = timings.retryInitial();
    }

    void start() {
        long every = timings.heartbeat().toNanos();
        heartbeat = api.executor().scheduleWithFixedDelay(this::request, every, every, TimeUnit.NANOSECONDS);
    }

    /** Asks for a report of the latest state; returns at once, from any thread. */
    void request() {
        if (queued.compareAndSet(false, true)) {
            try {
                api.executor().execute(this::send);
            } catch (RejectedExecutionException e) {
                queued.set(false); // stopping
            }
        }
    }

    private void send() {
        queued.set(false);
        MemberStatus e = entry.get();
        if (e == null) {
            return;
        }
        try {
            api.reportMember(node, e);
            sent.incrementAndGet();
            warning.succeeded("reported " + what + " again");
            backoff = timings.retryInitial();
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
        } catch (RuntimeException ex) {
            warning.failed("cannot report " + what + " (state " + e.state + "): " + describe(ex) + "; trying again in "
                    + backoff.toMillis() + " ms, the election goes on");
            if (retry == null || retry.isDone()) {
                retry = api.executor().schedule(this::request, backoff.toNanos(), TimeUnit.NANOSECONDS);
                Duration doubled = backoff.multipliedBy(2);
                backoff = doubled.compareTo(timings.retryMax()) > 0 ? timings.retryMax() : doubled;
            }
        }
    }

    /**
     * The last report of a stopping agent: stops the heartbeat and sends the latest entry (INIT, after the election
     * stopped), waiting at most {@link AgentTimings#lastReportTimeout()} for the API server to answer.
     */
    void finish() {
        Future<?> last;
        try {
            last = api.executor().submit(() -> {
                if (heartbeat != null) {
                    heartbeat.cancel(false);
                }
                if (retry != null) {
                    retry.cancel(false);
                }
                MemberStatus e = entry.get();
                if (e != null) {
                    api.reportMember(node, e);
                }
            });
        } catch (RejectedExecutionException e) {
            return;
        }
        try {
            last.get(timings.lastReportTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("the last report of %s did not go through within %d ms", what, timings.lastReportTimeout().toMillis());
        } catch (ExecutionException e) {
            LOG.warnf("the last report of %s failed: %s", what, describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Failed attempts since the last report that went through. */
    long failures() {
        return warning.failures();
    }

    /** Reports that went through. */
    long sent() {
        return sent.get();
    }

    /** The client's message and, when it says less, the root cause (connection refused, timeout, ...). */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage().strip();
        String rootMessage = root.getMessage() == null ? "" : root.getMessage().strip();
        if (root == e || (!rootMessage.isEmpty() && top.contains(rootMessage))) {
            return top;
        }
        return top + " (" + root.getClass().getSimpleName() + (rootMessage.isEmpty() ? "" : ": " + rootMessage) + ")";
    }
}
