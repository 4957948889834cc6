package dev.tandem.agent.kubernetes;

import dev.tandem.agent.election.ElectionListener;
import dev.tandem.agent.election.Listeners;
import dev.tandem.agent.PairPlan;
import dev.tandem.agent.cloud.CloudMetrics;
import dev.tandem.agent.cloud.CloudMover;
import dev.tandem.agent.cloud.Progresses;
import dev.tandem.provider.CallObserver;
import io.micrometer.core.instrument.MeterRegistry;
import dev.tandem.agent.election.LoggingListener;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The agent in Kubernetes mode: one pair on one node, as the operator's election DaemonSet runs it.
 *
 * <p>It reads only what its Role allows: its own FailoverPair (a watch with a {@code metadata.name} field selector)
 * and the FloatingIps of its namespace. From them it builds the {@link dev.tandem.agent.PairPlan} and runs the
 * election ({@link ElectionSupervisor}); it writes its own {@code status.members.<node>} entry
 * ({@link StatusReporter}) and one Event per transition ({@link TransitionEvents}), all on a thread of their own.
 *
 * <p>When the API server goes away nothing changes for the election: the informers keep the last configuration in
 * their caches and retry in the background, and reports wait until it is back.
 */
public final class KubernetesAgent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("dev.tandem.agent");

    private final KubernetesClient client;
    private final String namespace;
    private final String pairName;
    private final String node;
    private final AgentApi api;
    private final MemberReport report;
    private final StatusReporter reporter;
    private final ElectionSupervisor supervisor;
    private final CloudMover cloud;
    private final KubernetesCloud cloudEnvironment;
    private final RateLimitedWarning watchWarning;
    private SharedIndexInformer<FailoverPair> pairs;
    private SharedIndexInformer<FloatingIp> floatingIps;

    /**
     * @param listeners more listeners of the election (metrics), besides the log and the status report
     */
    public KubernetesAgent(KubernetesClient client, String namespace, String pairName, String node, ElectionRunner runner,
                           List<ElectionListener> listeners, AgentTimings timings, Clock clock) {
        this(client, namespace, pairName, node, runner, listeners, timings, clock, null);
    }

    /**
     * @param meters where the cloud moves' metrics go; null for none
     */
    public KubernetesAgent(KubernetesClient client, String namespace, String pairName, String node, ElectionRunner runner,
                           List<ElectionListener> listeners, AgentTimings timings, Clock clock, MeterRegistry meters) {
        this.client = client;
        this.namespace = namespace;
        this.pairName = pairName;
        this.node = node;
        this.api = new AgentApi(client, namespace, pairName, timings.apiCallTimeout());
        this.watchWarning = new RateLimitedWarning(timings.warnEvery());
        TransitionEvents events = new TransitionEvents(api, namespace, pairName, node, this::pair, clock, timings);
        this.report = new MemberReport(node, clock, this::reportChanged, events);
        this.reporter = new StatusReporter(api, namespace, pairName, node, report::snapshot, timings);
        List<ElectionListener> all = new ArrayList<>();
        all.add(new LoggingListener(pairName));
        all.addAll(listeners);
        all.add(report);
        CloudMetrics cloudMetrics = meters == null ? null : new CloudMetrics(meters, pairName);
        this.cloudEnvironment = new KubernetesCloud(client, namespace, pairName, node, this::pair,
                cloudMetrics == null ? CallObserver.NONE : cloudMetrics);
        List<CloudMover.Progress> progress = new ArrayList<>();
        progress.add(new CloudMover.Progress() {
            @Override
            public void confirmed(PairPlan.CloudAddress address, java.time.Duration took) {
                report.cloudConfirmed(address.floatingIp());
            }

            @Override
            public void failed(PairPlan.CloudAddress address, String message) {
                report.cloudFailed(address.floatingIp(), message);
            }

            @Override
            public void cleared(String floatingIp) {
                report.cloudCleared(floatingIp);
            }
        });
        if (cloudMetrics != null) {
            progress.add(cloudMetrics);
        }
        this.cloud = new CloudMover(pairName, cloudEnvironment, new Progresses(progress));
        all.add(cloud);
        this.supervisor = new ElectionSupervisor(namespace, pairName, node, this::pair, this::floatingIps,
                this::synced, runner, new Listeners(all), report, timings,
                plan -> cloud.plan(plan == null ? List.of() : plan.cloudAddresses()),
                plan -> new SecretAuthKeys(client, namespace, plan.udp()));
    }

    /** Starts watching and reporting; the election starts as soon as the resources give this node a plan. */
    public KubernetesAgent start() {
        reporter.start();
        pairs = client.resources(FailoverPair.class).inNamespace(namespace)
                .withField("metadata.name", pairName).runnableInformer(0);
        floatingIps = client.resources(FloatingIp.class).inNamespace(namespace).runnableInformer(0);
        watch(pairs, "FailoverPair " + namespace + "/" + pairName);
        watch(floatingIps, "the FloatingIps of namespace " + namespace);
        LOG.infof("%s: agent for node %s, watching FailoverPair %s/%s and the FloatingIps of its namespace", pairName,
                node, namespace, pairName);
        return this;
    }

    private <T extends HasMetadata> void watch(SharedIndexInformer<T> informer, String what) {
        // Keep trying whatever fails, at start too: without the API server the election runs on what the cache holds.
        informer.exceptionHandler((started, t) -> {
            watchWarning.failed("cannot watch " + what + ": " + StatusReporter.describe(t)
                    + (started ? "; the election keeps the last configuration; trying again" : "; trying again"));
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                supervisor.changed();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                supervisor.changed();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                supervisor.changed();
            }
        });
        informer.start().whenComplete((ok, failure) -> {
            if (failure == null) {
                watchWarning.succeeded("watching " + what);
                supervisor.changed();
            }
        });
    }

    private void reportChanged() {
        reporter.request();
    }

    private Optional<FailoverPair> pair() {
        return pairs == null ? Optional.empty()
                : pairs.getStore().list().stream().filter(p -> pairName.equals(p.getMetadata().getName())).findFirst();
    }

    private List<FloatingIp> floatingIps() {
        return floatingIps == null ? List.of() : floatingIps.getStore().list();
    }

    private boolean synced() {
        return pairs != null && floatingIps != null && pairs.hasSynced() && floatingIps.hasSynced();
    }

    /** What the running election was built from, empty while none runs. */
    public Optional<dev.tandem.agent.PairPlan> plan() {
        return supervisor.plan();
    }

    /** Status reports that went through, and failed attempts since the last one that did. */
    long reportsSent() {
        return reporter.sent();
    }

    long reportFailures() {
        return reporter.failures();
    }

    /**
     * SIGTERM: leaves the election gracefully (priority 0, make-before-break), then sends one last report (INIT) if the
     * API server answers within {@link AgentTimings#lastReportTimeout()}.
     */
    @Override
    public void close() {
        if (pairs != null) {
            pairs.stop();
        }
        if (floatingIps != null) {
            floatingIps.stop();
        }
        supervisor.close();
        cloud.close();
        cloudEnvironment.close();
        reporter.finish();
        api.close();
    }
}
