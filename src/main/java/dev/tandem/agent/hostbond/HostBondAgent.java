package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.api.v1alpha1.NodeBondStatus.Phase;
import dev.tandem.net.Capabilities;
import dev.tandem.net.MissingCapabilitiesException;
import dev.tandem.operator.ApiServerProbe;
import dev.tandem.operator.children.BondDaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * {@code agent --host-bond NAME}: applies one HostBond on this node and keeps it running until SIGTERM. In a cluster
 * (what the operator's DaemonSet runs) it watches the HostBond and reports to its status; with {@code --standalone
 * FILE} it reads the HostBond from the file and reports to the log. Stopping leaves the node's network as it is.
 */
public final class HostBondAgent {
    /** Exit status of bad input or a host that cannot run the agent (EX_CONFIG). */
    public static final int CONFIG = 78;
    /** Exit status when the change was applied, failed its probes and was rolled back. */
    public static final int ROLLED_BACK = 1;

    private HostBondAgent() {
    }

    /** Runs until SIGTERM; returns the exit status. {@code node} may be null (then $NODE_NAME). */
    public static int run(String name, Path standalone, String node) {
        String self = node != null ? node : System.getenv("NODE_NAME");
        if (standalone == null && (self == null || self.isBlank())) {
            System.err.println("tandem agent: say which node this is, with --node NAME or $NODE_NAME");
            return CONFIG;
        }
        HostBond bond = null;
        if (standalone != null) {
            try {
                bond = HostBondFile.load(standalone, name);
            } catch (IllegalArgumentException e) {
                System.err.println("tandem agent: " + e.getMessage());
                return CONFIG;
            }
        }
        try {
            Capabilities.ofThisProcess().requireAgentCapabilities();
        } catch (MissingCapabilitiesException e) {
            System.err.println(e.getMessage());
            return CONFIG;
        }
        NetlinkHostNetwork net;
        try {
            net = NetlinkHostNetwork.open();
        } catch (IOException e) {
            System.err.println("tandem agent: cannot open this node's network (rtnetlink): " + e.getMessage());
            return CONFIG;
        }
        return standalone != null ? standalone(bond, net) : inCluster(name, self, net);
    }

    private static int standalone(HostBond bond, NetlinkHostNetwork net) {
        String name = bond.getMetadata().getName();
        NodeReport report = new NodeReport(name, Clock.systemUTC());
        HostBondRun run = new HostBondRun(name, net, report, null, Thread.ofPlatform().factory(), Ticker.SYSTEM);
        Phase phase;
        try {
            phase = run.apply(bond.getSpec());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.close();
            net.close();
            return 1;
        }
        if (phase != Phase.Applied) {
            run.close();
            net.close();
            return phase == Phase.RolledBack ? ROLLED_BACK : CONFIG;
        }
        return untilStopped(() -> {
            run.close();
            net.close();
        });
    }

    private static int inCluster(String name, String node, NetlinkHostNetwork net) {
        KubernetesClient client = new KubernetesClientBuilder().withHttpClientFactory(new JdkHttpClientFactory()).build();
        java.util.Optional<String> unreachable = ApiServerProbe.check(client.getConfiguration(), System.getenv(),
                System.getProperty("user.home"));
        if (unreachable.isPresent()) {
            if (System.getenv("KUBERNETES_SERVICE_HOST") == null) {
                System.err.println("tandem agent: " + unreachable.get());
                client.close();
                net.close();
                return 1;
            }
            System.err.println("tandem agent: " + unreachable.get() + "; waiting for it");
        }
        Long generation = null;
        String pinned = System.getenv(BondDaemonSet.GENERATION_ENV);
        if (pinned != null && !pinned.isBlank()) {
            try {
                generation = Long.parseLong(pinned.strip());
            } catch (NumberFormatException e) {
                System.err.println("tandem agent: $" + BondDaemonSet.GENERATION_ENV + " must be a number, got '"
                        + pinned + "'");
                client.close();
                net.close();
                return CONFIG;
            }
        }
        KubernetesHostBond agent = new KubernetesHostBond(client, name, node, net, Thread.ofPlatform().factory(),
                Clock.systemUTC(), generation, generation == null ? null : Path.of(BondDaemonSet.APPLIED_FILE)).start();
        return untilStopped(() -> {
            agent.close();
            client.close();
            net.close();
        });
    }

    /** Waits for SIGTERM (or any JVM shutdown), runs {@code stop} on the way out. */
    private static int untilStopped(Runnable stop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            stop.run();
            stopped.countDown();
        }));
        try {
            stopped.await();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
