package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.NodeBondStatus;
import dev.tandem.api.v1alpha1.NodeBondStatus.Phase;
import dev.tandem.net.NetworkNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routed mode on a real kernel: seed 000's host in network namespaces ({@link UplinkLab}), the HostBond applied by
 * the agent's own code running inside the node's namespace. The preferred uplink's gateway is cut (its link stays
 * up, so only the probes can tell), traffic from the node to a remote client goes on through the other uplink, and
 * returns when the gateway is back. And a change whose gateways never answer is rolled back, leaving the node
 * reachable.
 */
class RoutedUplinksInNamespacesTest {
    UplinkLab lab;
    NetlinkHostNetwork net;
    HostBondRun run;
    final NodeReport report = new NodeReport("uplinks", Clock.systemUTC());

    @BeforeEach
    void setUp() {
        UplinkLab.assumeAvailable(getClass().getSimpleName());
        lab = UplinkLab.create();
    }

    @AfterEach
    void tearDown() {
        if (run != null) run.close();
        if (net != null) net.close();
        if (lab != null) lab.close();
    }

    Phase apply(HostBondSpec spec) throws Exception {
        Path node = lab.nsPath("node");
        net = NetworkNamespace.call(node, NetlinkHostNetwork::open);
        run = new HostBondRun("uplinks", net, report, null, NetworkNamespace.threadFactory(node), Ticker.SYSTEM);
        return NetworkNamespace.call(node, () -> run.apply(spec));
    }

    String active() {
        NodeBondStatus s = report.current();
        return s == null ? null : s.active;
    }

    @Test
    void trafficFollowsTheHealthyUplinkAndReturnsToThePreferredOne(@TempDir Path dir) throws Exception {
        assertThat(lab.nodeReachesRemote()).as("the lab works before tandem touches it").isTrue();
        assertThat(apply(Specs.routed("eth0", "10.97.1.1", "eth1", "10.97.2.1"))).isEqualTo(Phase.Applied);
        assertThat(lab.defaultRoutes()).containsExactlyInAnyOrder(
                "default via 10.97.1.1 dev eth0 proto 231 metric 99",
                "default via 10.97.2.1 dev eth1 proto 231 metric 110");
        assertThat(active()).isEqualTo("eth0");
        assertThat(lab.pathToRemote()).isEqualTo("eth0");

        Path pings = dir.resolve("ping.log");
        Process ping = lab.pingRemote(pings);
        await().atMost(Duration.ofSeconds(5)).until(() -> UplinkLab.replies(pings).size() > 20);
        double cut = System.currentTimeMillis() / 1000.0;
        lab.cutGateway(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> "eth1".equals(active()));
        assertThat(lab.defaultRoutes()).containsExactlyInAnyOrder(
                "default via 10.97.2.1 dev eth1 proto 231 metric 99",
                "default via 10.97.1.1 dev eth0 proto 231 metric 100");
        assertThat(lab.pathToRemote()).isEqualTo("eth1");
        await("replies through eth1 while eth0's gateway is cut").atMost(Duration.ofSeconds(5))
                .until(() -> UplinkLab.replies(pings).stream().filter(t -> t > cut + 0.05).count() > 20);
        assertThat(lab.nodeReachesRemote()).isTrue();
        assertThat(report.current().message).startsWith("traffic moved from eth0 to eth1: eth0's gateway 10.97.1.1"
                + " stopped answering (2 probes lost)");

        long throughGw1 = lab.packetsThrough(1);
        lab.healGateway(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> "eth0".equals(active()));
        assertThat(lab.pathToRemote()).isEqualTo("eth0");
        assertThat(lab.nodeReachesRemote()).isTrue();
        assertThat(lab.packetsThrough(1) - throughGw1).as("traffic goes through gw1 again").isGreaterThan(3);
        ping.destroy();
        List<Double> replies = UplinkLab.replies(pings);
        double longest = 0;
        for (int i = 1; i < replies.size(); i++) {
            longest = Math.max(longest, replies.get(i) - replies.get(i - 1));
        }
        System.out.printf("RoutedUplinksInNamespacesTest: %d replies, longest gap %.0f ms (bench/uplink-failover"
                + " measures it)%n", replies.size(), longest * 1000);
    }

    @Test
    void icmpProbesMoveTrafficTheSameWay() throws Exception {
        HostBondSpec spec = Specs.routed("eth0", "10.97.1.1", "eth1", "10.97.2.1");
        spec.routed.probe.method = dev.tandem.api.v1alpha1.ProbeSpec.Method.icmp;
        assertThat(apply(spec)).isEqualTo(Phase.Applied);
        assertThat(report.current().message).contains("icmp probes every 100ms");
        lab.cutGateway(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> "eth1".equals(active()));
        assertThat(lab.nodeReachesRemote()).isTrue();
        lab.healGateway(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> "eth0".equals(active()));
        assertThat(lab.pathToRemote()).isEqualTo("eth0");
    }

    @Test
    void aChangeWhoseGatewaysNeverAnswerIsRolledBackAndTheNodeStaysReachable() throws Exception {
        List<String> before = lab.defaultRoutes();
        assertThat(before).containsExactly("default via 10.97.1.1 dev eth0 proto static",
                "default via 10.97.2.1 dev eth1 proto static");
        // Typed wrong: nothing answers at .99, so the new default routes lead nowhere.
        assertThat(apply(Specs.routed("eth0", "10.97.1.99", "eth1", "10.97.2.99"))).isEqualTo(Phase.RolledBack);
        assertThat(report.current().message).startsWith("rolled back: gateway: no uplink's gateway answered (eth0"
                + " (gateway 10.97.1.99) DOWN, eth1 (gateway 10.97.2.99) DOWN) (within the rollback timeout of 5s);"
                + " restored the configuration recorded before the change");
        assertThat(lab.defaultRoutes()).containsExactlyElementsOf(before);
        assertThat(lab.nodeReachesRemote()).isTrue();
        assertThat(lab.remoteReaches("10.97.1.2")).isTrue();
    }
}
