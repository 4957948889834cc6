package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.NodeBondStatus.Phase;
import dev.tandem.net.LinkState;
import dev.tandem.net.NetworkNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bond mode on a real kernel, where the kernel has the bonding driver: seed 001's host, two interfaces on one switch
 * with the gateway, eth0 holding the address and the default route. The bond is made, carries the node's address and
 * route, fails over when eth0's cable is cut; and a bond whose gateway does not answer is rolled back to the node as
 * it was. Where the kernel has no bonding driver (the project's CI machines), the test says so and skips: the bond's
 * netlink requests are then checked byte for byte by {@code LinkMessagesTest}, and the apply steps against a fake
 * kernel by {@link HostBondRunTest}.
 */
class BondApplyInNamespacesTest {
    final String id = Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xE000));
    final List<String> namespaces = new ArrayList<>();
    final NodeReport report = new NodeReport("wired-wireless", Clock.systemUTC());
    NetlinkHostNetwork net;
    HostBondRun run;

    @BeforeEach
    void setUp() {
        UplinkLab.assumeAvailable(getClass().getSimpleName());
        String probe = "tdb" + id + "probe";
        UplinkLab.exec(List.of("ip", "netns", "add", probe));
        dev.tandem.lab.Shell.Result bond = UplinkLab.exec(List.of("ip", "-n", probe, "link", "add", "tbond", "type", "bond"));
        UplinkLab.exec(List.of("ip", "netns", "del", probe));
        String why = "this kernel has no bonding driver (`ip link add tbond type bond`: " + bond.output().strip()
                + "); the bond's netlink requests are checked byte for byte in LinkMessagesTest instead";
        if (bond.exit() != 0) {
            System.out.println(getClass().getSimpleName() + " skipped: " + why);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(bond.exit() == 0, why);
        for (String n : List.of("node", "sw", "gw")) {
            exec("ip", "netns", "add", ns(n));
            namespaces.add(ns(n));
            exec("ip", "-n", ns(n), "link", "set", "lo", "up");
        }
        exec("ip", "-n", ns("sw"), "link", "add", "br0", "type", "bridge");
        exec("ip", "-n", ns("sw"), "link", "set", "br0", "up");
        cable("p0", "node", "eth0");
        cable("p1", "node", "eth1");
        cable("pg", "gw", "eth0");
        exec("ip", "-n", ns("gw"), "addr", "add", "10.95.0.1/24", "dev", "eth0");
        exec("ip", "-n", ns("node"), "addr", "add", "10.95.0.2/24", "dev", "eth0");
        exec("ip", "-n", ns("node"), "route", "add", "default", "via", "10.95.0.1", "dev", "eth0", "proto", "static");
    }

    @AfterEach
    void tearDown() {
        if (run != null) run.close();
        if (net != null) net.close();
        for (String n : namespaces) {
            UplinkLab.exec(List.of("ip", "netns", "del", n));
        }
    }

    String ns(String n) {
        return "tdb" + id + n;
    }

    void cable(String port, String node, String iface) {
        exec("ip", "-n", ns("sw"), "link", "add", port, "type", "veth", "peer", "name", iface, "netns", ns(node));
        exec("ip", "-n", ns("sw"), "link", "set", port, "master", "br0");
        exec("ip", "-n", ns("sw"), "link", "set", port, "up");
        exec("ip", "-n", ns(node), "link", "set", iface, "up");
    }

    static String exec(String... command) {
        dev.tandem.lab.Shell.Result r = UplinkLab.exec(List.of(command));
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + r.output());
        }
        return r.output();
    }

    Phase apply(HostBondSpec spec) throws Exception {
        Path node = Path.of("/var/run/netns", ns("node"));
        net = NetworkNamespace.call(node, NetlinkHostNetwork::open);
        run = new HostBondRun("wired-wireless", net, report, null, NetworkNamespace.threadFactory(node), Ticker.SYSTEM);
        return NetworkNamespace.call(node, () -> run.apply(spec));
    }

    boolean gatewayAnswers() {
        return UplinkLab.exec(List.of("ip", "netns", "exec", ns("node"), "ping", "-c", "2", "-i", "0.2", "-W", "1",
                "10.95.0.1")).exit() == 0;
    }

    @Test
    void theBondCarriesTheNodesAddressAndRouteAndFailsOver() throws Exception {
        HostBondSpec spec = Specs.bond("eth0", "eth1");
        spec.bond.failOverMac = null;
        assertThat(apply(spec)).isEqualTo(Phase.Applied);
        assertThat(exec("ip", "-n", ns("node"), "-br", "addr", "show", "dev", "bond0")).contains("10.95.0.2/24");
        assertThat(exec("ip", "-n", ns("node"), "route", "show", "default"))
                .contains("default via 10.95.0.1 dev bond0");
        LinkState bond = net.link("bond0");
        assertThat(bond.bond().miimon()).isEqualTo(100);
        assertThat(net.snapshot().name(bond.activeSlave())).isEqualTo("eth0");
        assertThat(gatewayAnswers()).isTrue();

        exec("ip", "-n", ns("sw"), "link", "set", "p0", "down"); // eth0's cable
        await().atMost(Duration.ofSeconds(5)).until(() -> "eth1".equals(report.current().active));
        assertThat(gatewayAnswers()).isTrue();
        exec("ip", "-n", ns("sw"), "link", "set", "p0", "up");
        await().atMost(Duration.ofSeconds(5)).until(() -> "eth0".equals(report.current().active));
    }

    @Test
    void aBondWhoseGatewayDoesNotAnswerIsRolledBack() throws Exception {
        String before = exec("ip", "-4", "-n", ns("node"), "-br", "addr");
        HostBondSpec spec = Specs.bond("eth0", "eth1");
        spec.gateway = "10.95.0.99";
        assertThat(apply(spec)).isEqualTo(Phase.RolledBack);
        assertThat(exec("ip", "-4", "-n", ns("node"), "-br", "addr")).isEqualTo(before);
        assertThat(exec("ip", "-n", ns("node"), "route", "show", "default"))
                .isEqualTo("default via 10.95.0.1 dev eth0 proto static \n");
        assertThat(gatewayAnswers()).isTrue();
    }
}
