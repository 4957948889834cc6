package dev.tandem.cli;

import dev.tandem.agent.AgentEndpoints;
import dev.tandem.agent.AgentHealth;
import dev.tandem.agent.PairPlan;
import dev.tandem.agent.StandaloneAgent;
import dev.tandem.agent.election.AgentNode;
import dev.tandem.agent.hostbond.HostBondAgent;
import dev.tandem.agent.election.ElectionListener;
import dev.tandem.agent.election.MetricsListener;
import dev.tandem.agent.kubernetes.AgentNodeRunner;
import dev.tandem.agent.kubernetes.AgentTimings;
import dev.tandem.agent.kubernetes.KubernetesAgent;
import dev.tandem.net.Capabilities;
import dev.tandem.net.MissingCapabilitiesException;
import dev.tandem.operator.ApiServerProbe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.jboss.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "The node agent: elects the active member of a FailoverPair and holds its floating IPs while"
                + " active; with --host-bond NAME it applies a HostBond to this node instead. Standalone: --standalone"
                + " FILE --node NAME. In a cluster the operator's DaemonSets run it.")
public class AgentCommand implements Callable<Integer> {
    /** Exit status of a role this build does not have (EX_UNAVAILABLE in sysexits.h). */
    static final int NOT_AVAILABLE = 69;
    /** Exit status of bad input or a host that cannot run the agent (EX_CONFIG). */
    static final int CONFIG = 78;
    static final int DEFAULT_METRICS_PORT = 8080;

    private static final Logger LOG = Logger.getLogger("dev.tandem.agent");

    @Option(names = "--standalone", paramLabel = "FILE",
            description = "Read the FailoverPair and FloatingIps (or the HostBond) from this YAML file instead of the"
                    + " Kubernetes API.")
    Path standalone;

    @Option(names = "--node", paramLabel = "NAME", description = "This host's member name. Default: $NODE_NAME.")
    String node;

    @Option(names = "--pair", paramLabel = "NAME", description = "The FailoverPair to run (needed when the file has several;"
            + " always in Kubernetes mode).")
    String pair;

    @Option(names = "--namespace", paramLabel = "NAME",
            description = "Namespace of the FailoverPair in Kubernetes mode. Default: $POD_NAMESPACE.")
    String namespace;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Port of /q/metrics, /q/health/live and /q/health/ready (0: any free port, -1: none)."
                    + " Default: $TANDEM_METRICS_PORT, else $QUARKUS_HTTP_PORT, else " + DEFAULT_METRICS_PORT + ".")
    Integer metricsPort;

    @Option(names = "--credentials-dir", paramLabel = "DIR", defaultValue = "/etc/tandem/credentials",
            description = "Standalone mode: where cloud FloatingIps' credentials and the udp transport's keys are,"
                    + " one directory per Secret name with one file per key, as a mounted Secret"
                    + " (default: ${DEFAULT-VALUE}).")
    Path credentialsDir;

    @Option(names = "--realtime-priority", paramLabel = "N", defaultValue = "10",
            description = "SCHED_FIFO priority (1-99) of the election thread, so adverts stay on time on a saturated"
                    + " node; needs CAP_SYS_NICE (without it the agent says so and runs at the normal priority);"
                    + " 0: off (default: ${DEFAULT-VALUE}).")
    int realtimePriority;

    @Option(names = "--host-bond", paramLabel = "NAME", description = "Apply the HostBond NAME on this node and keep it"
            + " running (with --standalone FILE: read it from the file).")
    String hostBond;

    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Runs {@code agent ARGS} on plain Java (see {@link Main}); returns the exit status. */
    static int runWithoutQuarkus(String... args) {
        AgentLogging.configure();
        return new CommandLine(new AgentCommand()).execute(args);
    }

    @Override
    public Integer call() {
        if (hostBond != null) {
            return HostBondAgent.run(hostBond, standalone, node);
        }
        if (standalone == null && (pair == null || pair.isBlank())) {
            System.err.println("tandem agent: say which FailoverPair to run, with --pair NAME (or run it standalone with"
                    + " --standalone FILE --node NAME)");
            return CONFIG;
        }
        String self = node != null ? node : System.getenv("NODE_NAME");
        if (self == null || self.isBlank()) {
            System.err.println("tandem agent: say which member this host is, with --node NAME or $NODE_NAME");
            return CONFIG;
        }
        Optional<Integer> port;
        try {
            AgentNode.useRealtimePriority(realtimePriority);
            port = port();
        } catch (IllegalArgumentException e) {
            System.err.println("tandem agent: " + e.getMessage());
            return CONFIG;
        }
        if (standalone == null) {
            return inCluster(self, port);
        }
        try {
            Capabilities.ofThisProcess().requireAgentCapabilities();
            PrometheusMeterRegistry meters = meterRegistry();
            AgentHealth health = new AgentHealth();
            StandaloneAgent.Running agent = StandaloneAgent.start(standalone, self, pair, meters, List.of(health),
                    credentialsDir);
            AgentEndpoints endpoints = serve(port, meters, health);
            // SIGTERM: leave gracefully (priority 0, addresses removed) before the JVM goes.
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                agent.close();
                if (endpoints != null) endpoints.close();
                stopped.countDown();
            }));
            stopped.await();
            return 0;
        } catch (MissingCapabilitiesException e) {
            System.err.println(e.getMessage()); // already reads "tandem agent needs ..."
            return CONFIG;
        } catch (IllegalArgumentException | PairPlan.PlanException | IOException e) {
            System.err.println("tandem agent: " + e.getMessage());
            return CONFIG;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** Kubernetes mode, as the operator's election DaemonSet runs it: `agent --pair NAME` with $NODE_NAME and $POD_NAMESPACE. */
    private int inCluster(String self, Optional<Integer> port) {
        String ns = namespace != null ? namespace : System.getenv("POD_NAMESPACE");
        if (ns == null || ns.isBlank()) {
            System.err.println("tandem agent: say which namespace FailoverPair " + pair + " is in, with --namespace NAME"
                    + " or $POD_NAMESPACE");
            return CONFIG;
        }
        try {
            Capabilities.ofThisProcess().requireAgentCapabilities();
        } catch (MissingCapabilitiesException e) {
            System.err.println(e.getMessage()); // already reads "tandem agent needs ..."
            return CONFIG;
        }
        // java.net.http rather than Vert.x: no event-loop threads and no Netty buffers on every node.
        KubernetesClient kubernetes = new KubernetesClientBuilder().withHttpClientFactory(new JdkHttpClientFactory())
                .build();
        Optional<String> unreachable = ApiServerProbe.check(kubernetes.getConfiguration(), System.getenv(),
                System.getProperty("user.home"));
        if (unreachable.isPresent()) {
            if (System.getenv("KUBERNETES_SERVICE_HOST") == null) {
                System.err.println("tandem agent: " + unreachable.get());
                kubernetes.close();
                return 1;
            }
            // In a pod the API server may just be away (a control-plane restart): wait for it, the informers retry.
            System.err.println("tandem agent: " + unreachable.get() + "; waiting for it");
        }
        PrometheusMeterRegistry meters = meterRegistry();
        AgentHealth health = new AgentHealth();
        List<ElectionListener> listeners = List.of(new MetricsListener(meters, ns, pair), health);
        KubernetesAgent agent = new KubernetesAgent(kubernetes, ns, pair, self, new AgentNodeRunner(), listeners,
                AgentTimings.DEFAULTS, Clock.systemUTC(), meters).start();
        AgentEndpoints endpoints;
        try {
            endpoints = serve(port, meters, health);
        } catch (IOException e) {
            agent.close();
            kubernetes.close();
            System.err.println("tandem agent: " + e.getMessage());
            return CONFIG;
        }
        // SIGTERM: leave gracefully (priority 0, make-before-break), then one last report if the API answers within 1 s.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            agent.close();
            kubernetes.close();
            if (endpoints != null) endpoints.close();
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return 0;
    }

    /** The metrics port from the option or the environment; empty when switched off with -1. */
    Optional<Integer> port() {
        Integer p = metricsPort;
        String source = "--metrics-port";
        for (String variable : List.of("TANDEM_METRICS_PORT", "QUARKUS_HTTP_PORT")) {
            if (p == null && System.getenv(variable) != null) {
                source = "$" + variable;
                try {
                    p = Integer.parseInt(System.getenv(variable).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(source + " must be a port number, got '"
                            + System.getenv(variable) + "'");
                }
            }
        }
        if (p == null) {
            return Optional.of(DEFAULT_METRICS_PORT);
        }
        if (p == -1) {
            return Optional.empty();
        }
        if (p < 0 || p > 65_535) {
            throw new IllegalArgumentException(source + " must be between 0 and 65535 (or -1 for none), got " + p);
        }
        return Optional.of(p);
    }

    private static AgentEndpoints serve(Optional<Integer> port, PrometheusMeterRegistry meters, AgentHealth health)
            throws IOException {
        if (port.isEmpty()) {
            return null;
        }
        AgentEndpoints endpoints = AgentEndpoints.start(port.get(), meters, health);
        LOG.infof("Listening on: http://0.0.0.0:%d (%s, %s, %s)", endpoints.port(), AgentEndpoints.METRICS,
                AgentEndpoints.LIVE, AgentEndpoints.READY);
        return endpoints;
    }

    private static PrometheusMeterRegistry meterRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }
}
