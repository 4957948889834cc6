package dev.tandem.cli;

import dev.tandem.operator.ApiServerProbe;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.tandem.operator.OperatorLifecycle;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;

import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "operator", mixinStandardHelpOptions = true,
        description = "Run the controllers of FailoverPair, FloatingIp and HostBond against the cluster of the current"
                + " kubeconfig, or the cluster the pod runs in.")
public class OperatorCommand implements Callable<Integer> {
    // Lazy: building the Operator registers controllers, which only this subcommand wants.
    @Inject
    Instance<OperatorLifecycle> operator;
    @Inject
    Instance<KubernetesClient> client;

    @Override
    public Integer call() {
        Optional<String> unreachable = ApiServerProbe.check(client.get().getConfiguration(), System.getenv(),
                System.getProperty("user.home"));
        if (unreachable.isPresent()) {
            System.err.println("tandem operator: " + unreachable.get());
            return 1;
        }
        operator.get().start();
        Quarkus.waitForExit();
        return 0;
    }
}
