package dev.tandem.agent.hostbond;

import dev.tandem.agent.kubernetes.RateLimitedWarning;
import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.api.v1alpha1.NodeBondStatus;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bond agent in Kubernetes mode, as the operator's HostBond DaemonSet runs it: watches its HostBond (a watch with
 * a {@code metadata.name} field selector), applies each new generation of its spec safely ({@link HostBondRun}, with
 * the API server as a rollback probe), and reports this node's entry of {@code status.nodes} and Events. Reports
 * coalesce and are retried with backoff on their own thread; applying never waits for them, so a change that cuts the
 * API server off is still checked and rolled back.
 */
public final class KubernetesHostBond implements AutoCloseable {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);
    static final Duration RETRY_INITIAL = Duration.ofMillis(500);
    static final Duration RETRY_MAX = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final KubernetesClient writer;
    private final String name;
    private final String node;
    private final NodeReport report;
    private final HostBondRun run;
    private final BondStatusApi api;
    private final ExecutorService applier;
    private final ScheduledExecutorService reporter;
    private final RateLimitedWarning reportWarning = new RateLimitedWarning(Duration.ofMinutes(1));
    private final RateLimitedWarning watchWarning = new RateLimitedWarning(Duration.ofMinutes(1));
    private final AtomicBoolean reportQueued = new AtomicBoolean();
    private final AtomicReference<HostBond> latest = new AtomicReference<>();
    private final Clock clock;
    private Duration backoff = RETRY_INITIAL;
    private long appliedGeneration = -1;
    private long waitingReported = -1;
    private final Long podGeneration;
    private final Path appliedFile;
    private SharedIndexInformer<HostBond> informer;

    /**
     * @param net     the node's network
     * @param threads makes the threads that apply and probe; they must start in the node's network namespace
     */
    public KubernetesHostBond(KubernetesClient client, String name, String node, HostNetwork net, ThreadFactory threads,
                              Clock clock) {
        this(client, name, node, net, threads, clock, null, null);
    }

    /**
     * @param podGeneration the HostBond generation this pod was made for (the DaemonSet rolls a new one node by node);
     *                      null applies every generation as it comes
     * @param appliedFile   kept while the node has that generation applied, for the pod's readiness probe; or null
     */
    public KubernetesHostBond(KubernetesClient client, String name, String node, HostNetwork net, ThreadFactory threads,
                              Clock clock, Long podGeneration, Path appliedFile) {
        this.client = client;
        this.podGeneration = podGeneration;
        this.appliedFile = appliedFile;
        this.name = name;
        this.node = node;
        this.clock = clock;
        Config quick = new ConfigBuilder(client.getConfiguration())
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout((int) CALL_TIMEOUT.toMillis())
                .withConnectionTimeout((int) CALL_TIMEOUT.toMillis())
                .build();
        this.writer = new KubernetesClientBuilder().withConfig(quick).withHttpClientFactory(new JdkHttpClientFactory())
                .build();
        this.api = new BondStatusApi(writer, name, node);
        this.report = new NodeReport(name, clock).addSink(new NodeReport.Sink() {
            @Override
            public void status(NodeBondStatus status) {
                markApplied(status.phase == NodeBondStatus.Phase.Applied);
                requestReport();
            }

            @Override
            public void event(String type, String reason, String message) {
                queueEvent(type, reason, message);
            }
        });
        this.run = new HostBondRun(name, net, report, this::apiServerAnswers, threads, Ticker.SYSTEM);
        this.applier = Executors.newSingleThreadExecutor(threads);
        this.reporter = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("tandem-bond-report").factory());
    }

    public KubernetesHostBond start() {
        informer = client.resources(HostBond.class).withField("metadata.name", name).runnableInformer(0);
        informer.exceptionHandler((started, t) -> {
            watchWarning.failed("cannot watch HostBond " + name + ": " + describe(t) + "; trying again");
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(HostBond bond) {
                changed(bond);
            }

            @Override
            public void onUpdate(HostBond before, HostBond bond) {
                changed(bond);
            }

            @Override
            public void onDelete(HostBond bond, boolean unknown) {
                NodeReport.LOG.infof("%s: the HostBond was deleted; this node's network stays as it is", name);
                latest.set(null);
            }
        });
        informer.start().whenComplete((ok, failure) -> {
            if (failure == null) {
                watchWarning.succeeded("watching HostBond " + name);
            }
        });
        NodeReport.LOG.infof("%s: bond agent for node %s, watching HostBond %s", name, node, name);
        return this;
    }

    /** The node's current report, for tests and health. */
    public NodeReport report() {
        return report;
    }

    private void changed(HostBond bond) {
        latest.set(bond);
        try {
            applier.execute(this::applyLatest);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** On the applier thread: applies the latest spec when its generation was not applied yet. */
    private void applyLatest() {
        HostBond bond = latest.get();
        if (bond == null || bond.getSpec() == null) {
            return;
        }
        Long generation = bond.getMetadata().getGeneration();
        long g = generation == null ? 0 : generation;
        if (g == appliedGeneration) {
            return;
        }
        if (podGeneration != null && g != podGeneration) {
            if (g > podGeneration && waitingReported != g) {
                waitingReported = g;
                // The DaemonSet replaces this pod with one for the new generation when this node's turn comes.
                NodeReport.LOG.infof("%s: generation %d waits for this node's turn; this pod applies generation %d",
                        name, g, podGeneration);
            }
            return; // older: the watch has not caught up yet
        }
        appliedGeneration = g;
        try {
            run.apply(bond.getSpec());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Optional<String> apiServerAnswers() {
        try {
            writer.getKubernetesVersion();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("the API server at " + writer.getConfiguration().getMasterUrl() + " did not answer: "
                    + describe(e));
        }
    }

    private void requestReport() {
        if (reportQueued.compareAndSet(false, true)) {
            try {
                reporter.execute(this::sendReport);
            } catch (RejectedExecutionException e) {
                reportQueued.set(false);
            }
        }
    }

    /** On the reporter thread: sends the latest entry, or tries again after a backoff. */
    private void sendReport() {
        reportQueued.set(false);
        NodeBondStatus entry = report.current();
        if (entry == null) {
            return;
        }
        try {
            api.report(entry);
            reportWarning.succeeded("reported status.nodes." + node + " of HostBond " + name + " again");
            backoff = RETRY_INITIAL;
        } catch (RuntimeException e) {
            reportWarning.failed("cannot report status.nodes." + node + " of HostBond " + name + " (" + entry.phase
                    + "): " + describe(e) + "; trying again in " + backoff.toMillis() + " ms");
            reporter.schedule(this::requestReport, backoff.toMillis(), TimeUnit.MILLISECONDS);
            Duration doubled = backoff.multipliedBy(2);
            backoff = doubled.compareTo(RETRY_MAX) > 0 ? RETRY_MAX : doubled;
        }
    }

    private void queueEvent(String type, String reason, String message) {
        java.time.Instant at = clock.instant();
        String uid = Optional.ofNullable(latest.get()).map(b -> b.getMetadata().getUid()).orElse(null);
        try {
            reporter.execute(() -> {
                try {
                    api.recordEvent(uid, type, reason, message, at);
                } catch (RuntimeException e) {
                    reportWarning.failed("cannot record the Event " + reason + " on HostBond " + name + ": "
                            + describe(e));
                }
            });
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** Keeps the readiness file while the node has this pod's generation applied. */
    private void markApplied(boolean applied) {
        if (appliedFile == null) {
            return;
        }
        try {
            if (applied) {
                Files.writeString(appliedFile, "generation " + appliedGeneration + "\n");
            } else {
                Files.deleteIfExists(appliedFile);
            }
        } catch (IOException e) {
            reportWarning.failed("cannot " + (applied ? "write " : "remove ") + appliedFile + " (the pod's readiness): "
                    + e.getMessage());
        }
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        String rootText = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().strip();
        return root == e || top.contains(rootText) ? top : top + " (" + rootText + ")";
    }

    /** Stops watching, probing and reporting; the node's network stays as it is. Sends the last report (1 s at most). */
    @Override
    public void close() {
        if (informer != null) {
            informer.stop();
        }
        applier.shutdownNow();
        try {
            applier.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        run.close();
        markApplied(false);
        reporter.shutdown();
        try {
            reporter.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reporter.shutdownNow();
        writer.close();
    }
}
