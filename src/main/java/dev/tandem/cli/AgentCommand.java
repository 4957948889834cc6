package dev.tandem.cli;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.StandaloneAgent;
import dev.tandem.agent.election.AgentNode;
import dev.tandem.net.Capabilities;
import dev.tandem.net.MissingCapabilitiesException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
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

    @Option(names = "--pair", paramLabel = "NAME", description = "The FailoverPair to run (needed when the file has several).")
    String pair;

    @Option(names = "--host-bond", paramLabel = "NAME", description = "Apply a HostBond (not available in this build).")
    String hostBond;

    @Inject
    Instance<MeterRegistry> registry;

    @Override
    public Integer call() {
        if (hostBond != null) {
            System.err.println("tandem agent: --host-bond is not available in this build: HostBond agents arrive with"
                    + " issue 5. Nothing was started.");
            return NOT_AVAILABLE;
        }
        if (standalone == null) {
            System.err.println("tandem agent: Kubernetes mode is not available in this build yet; run it standalone with"
                    + " --standalone FILE --node NAME. Nothing was started.");
            return NOT_AVAILABLE;
        }
        String self = node != null ? node : System.getenv("NODE_NAME");
        if (self == null || self.isBlank()) {
            System.err.println("tandem agent: say which member this host is, with --node NAME or $NODE_NAME");
            return CONFIG;
        }
        try {
            Capabilities.ofThisProcess().requireAgentCapabilities();
            AgentNode agent = StandaloneAgent.start(standalone, self, pair, registry != null && registry.isResolvable() ? registry.get() : null);
            // SIGTERM: leave gracefully (priority 0, addresses removed) before the JVM goes.
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(agent::close));
            Quarkus.waitForExit();
            return 0;
        } catch (MissingCapabilitiesException | IllegalArgumentException | PairPlan.PlanException | IOException e) {
            System.err.println("tandem agent: " + e.getMessage());
            return CONFIG;
        }
    }
}
