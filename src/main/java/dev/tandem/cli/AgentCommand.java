package dev.tandem.cli;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.StandaloneAgent;
import dev.tandem.agent.election.AgentNode;
import dev.tandem.agent.election.ElectionListener;
import dev.tandem.agent.election.MetricsListener;
import dev.tandem.agent.kubernetes.AgentNodeRunner;
import dev.tandem.agent.kubernetes.AgentTimings;
import dev.tandem.agent.kubernetes.KubernetesAgent;
import dev.tandem.net.Capabilities;
import dev.tandem.net.MissingCapabilitiesException;
import dev.tandem.operator.ApiServerProbe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "The node agent: elects the active member of a FailoverPair and holds its floating IPs while"
                + " active. Standalone: --standalone FILE --node NAME. In a cluster the operator's DaemonSet runs it.")
public class AgentCommand implements Callable<Integer> {
    /** Exit status of a role this build does not have (EX_UNAVAILABLE in sysexits.h). */
    static final int NOT_AVAILABLE = 69;
    /** Exit status of bad input or a host that cannot run the agent (EX_CONFIG). */
    static final int CONFIG = 78;

    @Option(names = "--standalone", paramLabel = "FILE",
            description = "Read the FailoverPair and FloatingIps from this YAML file instead of the Kubernetes API.")
    Path standalone;

    @Option(names = "--node", paramLabel = "NAME", description = "This host's member name. Default: $NODE_NAME.")
    String node;

    @Option(names = "--pair", paramLabel = "NAME", description = "The FailoverPair to run (needed when the file has several;"
            + " always in Kubernetes mode).")
    String pair;

    @Option(names = "--namespace", paramLabel = "NAME",
            description = "Namespace of the FailoverPair in Kubernetes mode. Default: $POD_NAMESPACE.")
    String namespace;

    @Option(names = "--host-bond", paramLabel = "NAME", description = "Apply a HostBond (not available in this build).")
    String hostBond;

    @Inject
    Instance<MeterRegistry> registry;

    // Lazy: only Kubernetes mode talks to the API server.
    @Inject
    Instance<KubernetesClient> client;

    @Override
    public Integer call() {
        if (hostBond != null) {
            System.err.println("tandem agent: --host-bond is not available in this build: HostBond agents arrive with"
                    + " issue 5. Nothing was started.");
            return NOT_AVAILABLE;
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
        if (standalone == null) {
            return inCluster(self);
        }
        try {
            Capabilities.ofThisProcess().requireAgentCapabilities();
            AgentNode agent = StandaloneAgent.start(standalone, self, pair, meterRegistry());
            // SIGTERM: leave gracefully (priority 0, addresses removed) before the JVM goes.
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(agent::close));
            Quarkus.waitForExit();
            return 0;
        } catch (MissingCapabilitiesException e) {
            System.err.println(e.getMessage()); // already reads "tandem agent needs ..."
            return CONFIG;
        } catch (IllegalArgumentException | PairPlan.PlanException | IOException e) {
            System.err.println("tandem agent: " + e.getMessage());
            return CONFIG;
        }
    }

    /** Kubernetes mode, as the operator's election DaemonSet runs it: `agent --pair NAME` with $NODE_NAME and $POD_NAMESPACE. */
    private int inCluster(String self) {
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
        KubernetesClient kubernetes = client.get();
        Optional<String> unreachable = ApiServerProbe.check(kubernetes.getConfiguration(), System.getenv(),
                System.getProperty("user.home"));
        if (unreachable.isPresent()) {
            if (System.getenv("KUBERNETES_SERVICE_HOST") == null) {
                System.err.println("tandem agent: " + unreachable.get());
                return 1;
            }
            // In a pod the API server may just be away (a control-plane restart): wait for it, the informers retry.
            System.err.println("tandem agent: " + unreachable.get() + "; waiting for it");
        }
        MeterRegistry meters = meterRegistry();
        List<ElectionListener> listeners = meters == null ? List.of() : List.of(new MetricsListener(meters, ns, pair));
        KubernetesAgent agent = new KubernetesAgent(kubernetes, ns, pair, self, new AgentNodeRunner(), listeners,
                AgentTimings.DEFAULTS, Clock.systemUTC()).start();
        // SIGTERM: leave gracefully (priority 0, make-before-break), then one last report if the API answers within 1 s.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(agent::close));
        Quarkus.waitForExit();
        return 0;
    }

    private MeterRegistry meterRegistry() {
        return registry != null && registry.isResolvable() ? registry.get() : null;
    }
}
