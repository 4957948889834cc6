package dev.tandem.cli;

import dev.tandem.lab.Lab;
import dev.tandem.operator.OperatorLifecycle;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"A whole failover on this machine (Linux, root): an embedded Kubernetes API with tandem's CRDs,"
                + " the operator, the member nodes of a sample's FailoverPair as network namespaces on a bridge (each"
                + " running the agent as the election DaemonSet would), and a client that pings the floating IP. Each"
                + " round cuts the active member's link, shows the takeover and the measured gap, and heals it."
                + " Everything is removed when the lab ends, on Ctrl-C and after a failure."})
public class LabCommand implements Callable<Integer> {
    @Option(names = "--sample", paramLabel = "NAME|FILE",
            description = "A sample of samples/ by name, or a YAML file with a FailoverPair and a layer2 FloatingIp"
                    + " (default: bare-metal-l2-vip).")
    String sample;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "How many times to cut the active member's link (default: ${DEFAULT-VALUE}; 0 with --keep"
                    + " to only build the lab).")
    int rounds;

    @Option(names = "--keep", description = "Keep the lab running after the rounds, and print how to look at it;"
            + " Ctrl-C removes it.")
    boolean keep;

    @Option(names = "--plain", description = "Plain, timestamped lines even on a terminal (the default when standard"
            + " output is not a terminal).")
    boolean plain;

    // Lazy: the operator, and with it the Kubernetes client, is built only once the embedded API server is up.
    @Inject
    Instance<OperatorLifecycle> operator;

    @Override
    public Integer call() {
        if (rounds < 0) {
            System.err.println("tandem lab: --rounds must be 0 or more, got " + rounds);
            return AgentCommand.CONFIG;
        }
        if (rounds == 0 && !keep) {
            System.err.println("tandem lab: --rounds 0 only makes sense with --keep (build the lab and leave it running)");
            return AgentCommand.CONFIG;
        }
        return Lab.run(new Lab.Options(sample, rounds, keep, plain), new Lab.Operator() {
            @Override
            public void start(Path kubeconfig) {
                // Read by the Fabric8 client when Quarkus builds it, on first use by the operator just below.
                System.setProperty("kubeconfig", kubeconfig.toString());
                System.setProperty("kubernetes.auth.tryServiceAccount", "false");
                operator.get().start();
            }

            @Override
            public void stop() {
                try {
                    operator.get().stop();
                } catch (RuntimeException e) {
                    // After Ctrl-C Quarkus is already on its way out and stops the operator itself.
                }
            }
        }, stop -> Thread.ofPlatform().daemon().name("lab-exit").start(() -> {
            // Quarkus turns Ctrl-C into an exit request rather than ending the JVM; the lab then stops where it is.
            Quarkus.waitForExit();
            stop.run();
        }));
    }
}
