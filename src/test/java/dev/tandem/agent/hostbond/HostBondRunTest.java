package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.NodeBondStatus;
import dev.tandem.api.v1alpha1.NodeBondStatus.Phase;
import dev.tandem.net.BondOptions;
import dev.tandem.net.LinkState;
import dev.tandem.net.Route;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Applying a HostBond against a node whose kernel is played by {@link FakeHost}: the order of the bond's steps, the
 * probes after the change, rollback to exactly what was recorded, refusals that change nothing, and routed failover.
 * Time runs a hundred times faster ({@link FastTicker}), so a 5 s rollback timeout takes 50 ms.
 */
class HostBondRunTest {
    static final byte[] GATEWAY = FakeHost.bytes("192.168.1.1");
    final List<String[]> events = new ArrayList<>();
    final List<NodeBondStatus> statuses = new ArrayList<>();
    HostBondRun run;

    @AfterEach
    void tearDown() {
        if (run != null) {
            run.close();
        }
    }

    /** Seed 000's laptop: eth0 wired with the address and the default route, wlan0 wireless without. */
    static FakeHost laptop() {
        FakeHost host = new FakeHost().withLink("lo").withLink("eth0").withLink("wlan0")
                .withAddress("eth0", "192.168.1.252", 24);
        return host.withRoute(Route.defaultVia(GATEWAY, host.index("eth0"), 0, Route.PROTOCOL_STATIC));
    }

    HostBondRun run(HostNetwork host, ApiServerCheck api) {
        NodeReport report = new NodeReport("laptop", Clock.systemUTC()).addSink(new NodeReport.Sink() {
            @Override
            public void status(NodeBondStatus status) {
                synchronized (statuses) {
                    statuses.add(status);
                }
            }

            @Override
            public void event(String type, String reason, String message) {
                synchronized (events) {
                    events.add(new String[] {type, reason, message});
                }
            }
        });
        run = new HostBondRun("laptop", host, report, api, Thread.ofPlatform().factory(), new FastTicker());
        return run;
    }

    NodeBondStatus last() {
        synchronized (statuses) {
            return statuses.getLast();
        }
    }

    List<String> reasons() {
        synchronized (events) {
            return events.stream().map(e -> e[1]).toList();
        }
    }

    @Test
    void aBondIsMadeInTheOrderTheKernelNeedsAndCarriesTheNodesAddressAndRoute() throws Exception {
        FakeHost host = laptop();
        assertThat(run(host, null).apply(Specs.bond("eth0", "wlan0"))).isEqualTo(Phase.Applied);

        NodeNetwork after = host.snapshot();
        LinkState bond = after.link("bond0").orElseThrow();
        assertThat(bond.bond()).isEqualTo(new BondOptions(BondOptions.ACTIVE_BACKUP, 100, 200, 200, host.index("eth0"),
                BondOptions.RESELECT_ALWAYS, BondOptions.MAC_ACTIVE, 1, 0, List.of()));
        assertThat(after.link("eth0").orElseThrow().master()).isEqualTo(bond.index());
        assertThat(after.link("wlan0").orElseThrow().master()).isEqualTo(bond.index());
        assertThat(after.configuredAddresses(bond.index())).singleElement()
                .satisfies(a -> assertThat(a.text()).isEqualTo("192.168.1.252/24"));
        assertThat(after.configuredAddresses(host.index("eth0"))).isEmpty();
        assertThat(host.routes()).containsExactly("default via 192.168.1.1 dev bond0 proto 4 metric 0");
        assertThat(host.log).containsSubsequence("create bond0", "remove 192.168.1.252/24 from eth0", "down eth0",
                "enslave eth0 to bond0", "down wlan0", "enslave wlan0 to bond0", "up bond0",
                "add 192.168.1.252/24 to bond0", "add route default via 192.168.1.1 dev bond0 proto 4 metric 0");
        assertThat(last().phase).isEqualTo(Phase.Applied);
        assertThat(last().active).isEqualTo("eth0");
        assertThat(last().message).contains("bond bond0 (active-backup, miimon 100 ms, updelay 200 ms, downdelay"
                + " 200 ms, primary eth0) over eth0, wlan0 with 192.168.1.252/24, gateway 192.168.1.1")
                .contains("gateway 192.168.1.1 answered through bond0 after the change");
        assertThat(reasons()).containsExactly("Applied");
    }

    @Test
    void applyingAgainChangesOnlyWhatDiffers() throws Exception {
        FakeHost host = laptop();
        HostBondRun r = run(host, null);
        assertThat(r.apply(Specs.bond("eth0", "wlan0"))).isEqualTo(Phase.Applied);
        host.log.clear();
        HostBondSpec slower = Specs.bond("eth0", "wlan0");
        slower.bond.miimon = 200;
        slower.bond.updelay = 400;
        assertThat(r.apply(slower)).isEqualTo(Phase.Applied);
        assertThat(host.log).containsExactly("change bond0", "up bond0");
        assertThat(host.snapshot().link("bond0").orElseThrow().bond().miimon()).isEqualTo(200);
        assertThat(host.routes()).containsExactly("default via 192.168.1.1 dev bond0 proto 4 metric 0");
    }

    @Test
    void aBondWhoseGatewayDoesNotAnswerIsRolledBackToExactlyWhatWasRecorded() throws Exception {
        FakeHost host = laptop();
        NodeNetwork before = host.snapshot();
        host.answers = (iface, gateway) -> !iface.equals("bond0"); // e.g. the switch refuses the bond's frames

        assertThat(run(host, null).apply(Specs.bond("eth0", "wlan0"))).isEqualTo(Phase.RolledBack);

        assertThat(host.snapshot()).isEqualTo(before);
        assertThat(last().phase).isEqualTo(Phase.RolledBack);
        assertThat(last().message).startsWith("rolled back: gateway: gateway 192.168.1.1 did not answer through bond0"
                + " (within the rollback timeout of 5s); restored the configuration recorded before the change");
        assertThat(reasons()).containsExactly("RolledBack");
        assertThat(statuses).extracting(s -> s.phase).containsExactly(Phase.Applying, Phase.RolledBack);
    }

    @Test
    void anApiServerThatStopsAnsweringRollsTheChangeBack() throws Exception {
        FakeHost host = laptop();
        NodeNetwork before = host.snapshot();
        ApiServerCheck unreachable = () -> Optional.of("connect timed out");
        assertThat(run(host, unreachable).apply(Specs.bond("eth0", "wlan0"))).isEqualTo(Phase.RolledBack);
        assertThat(host.snapshot()).isEqualTo(before);
        assertThat(last().message).contains("API server: connect timed out");
    }

    @Test
    void withoutABondingDriverNothingChangesAndTheReasonIsPlain() throws Exception {
        FakeHost host = laptop();
        host.bondingDriver = false;
        NodeNetwork before = host.snapshot();
        assertThat(run(host, null).apply(Specs.bond("eth0", "wlan0"))).isEqualTo(Phase.Failed);
        assertThat(host.snapshot()).isEqualTo(before);
        assertThat(last().message).contains("creating bond bond0: cannot create bond bond0: this kernel has no bonding"
                + " driver").contains("modprobe bonding").contains("restored the configuration");
        assertThat(reasons()).containsExactly("ApplyFailed");
    }

    @Test
    void aStepTheKernelRefusesIsUndone() throws Exception {
        FakeHost host = laptop();
        NodeNetwork before = host.snapshot();
        host.refuse = "enslave wlan0 to bond0"; // e.g. wlan0's driver cannot be enslaved; eth0 is in the bond by then
        assertThat(run(host, null).apply(Specs.bond("eth0", "wlan0"))).isEqualTo(Phase.Failed);
        assertThat(host.snapshot()).isEqualTo(before);
        assertThat(last().message).contains("applying failed while enslaving wlan0 to bond0")
                .contains("restored the configuration recorded before the change");
        assertThat(host.log).containsSubsequence("enslave eth0 to bond0", "enslave wlan0 to bond0", "release eth0",
                "delete bond0", "up eth0", "add 192.168.1.252/24 to eth0",
                "add route default via 192.168.1.1 dev eth0 proto 4 metric 0");
    }

    @Test
    void invalidSpecsAreRefusedByNameAndNothingChanges() throws Exception {
        FakeHost host = laptop();
        NodeNetwork before = host.snapshot();
        HostBondRun r = run(host, null);

        assertThat(r.apply(Specs.bond("eth0", "wlan1"))).isEqualTo(Phase.Failed);
        assertThat(last().message).contains("spec.bond.slaves: interface wlan1 does not exist on this node (it has lo,"
                + " eth0, wlan0)").endsWith("nothing was changed");

        HostBondSpec offBeat = Specs.bond("eth0", "wlan0");
        offBeat.bond.updelay = 150;
        assertThat(r.apply(offBeat)).isEqualTo(Phase.Failed);
        assertThat(last().message).contains("spec.bond.updelay: 150 is not a multiple of miimon (100)");

        HostBondSpec blind = Specs.bond("eth0", "wlan0");
        blind.rollback.enabled = false;
        assertThat(r.apply(blind)).isEqualTo(Phase.Failed);
        assertThat(last().message).contains("spec.rollback: the slave eth0 holds the node's only default route"
                + " (default via 192.168.1.1 dev eth0 proto 4 metric 0) and spec.rollback.enabled is false");

        HostBondSpec deaf = Specs.bond("eth0", "wlan0");
        deaf.rollback.probeGateway = false;
        assertThat(r.apply(deaf)).as("standalone: no API server to probe either").isEqualTo(Phase.Failed);
        assertThat(last().message).contains("spec.rollback probes nothing here (probeGateway is false, and no API server"
                + " to probe)");

        assertThat(host.snapshot()).isEqualTo(before);
        assertThat(host.log).isEmpty();
        assertThat(reasons()).containsOnly("InvalidOnNode");
    }

    @Test
    void routedModeKeepsARouteThroughEachUplinkAndMovesTheActiveOne() throws Exception {
        FakeHost host = twoUplinks();
        HostBondRun r = run(host, null);
        assertThat(r.apply(Specs.routed("eth0", "10.0.1.1", "eth1", "10.0.2.1"))).isEqualTo(Phase.Applied);
        assertThat(host.routes()).containsExactlyInAnyOrder(
                "default via 10.0.1.1 dev eth0 proto 231 metric 99",
                "default via 10.0.2.1 dev eth1 proto 231 metric 110");
        assertThat(last().active).isEqualTo("eth0");

        host.answers = (iface, gateway) -> !iface.equals("eth0"); // the wired router dies, its link stays up
        await().atMost(Duration.ofSeconds(5)).until(() -> "eth1".equals(last().active));
        assertThat(host.routes()).containsExactlyInAnyOrder(
                "default via 10.0.2.1 dev eth1 proto 231 metric 99",
                "default via 10.0.1.1 dev eth0 proto 231 metric 100");
        assertThat(last().message).startsWith("traffic moved from eth0 to eth1: eth0's gateway 10.0.1.1 stopped"
                + " answering (2 probes lost)");

        host.answers = (iface, gateway) -> true;
        await().atMost(Duration.ofSeconds(5)).until(() -> "eth0".equals(last().active));
        assertThat(host.routes()).containsExactlyInAnyOrder(
                "default via 10.0.1.1 dev eth0 proto 231 metric 99",
                "default via 10.0.2.1 dev eth1 proto 231 metric 110");
        assertThat(last().message).contains("eth0's gateway 10.0.1.1 answers again (3 probes in a row)");
        synchronized (events) {
            assertThat(events).extracting(e -> e[0] + " " + e[1])
                    .containsExactly("Normal Applied", "Warning ActiveLinkChanged", "Normal ActiveLinkChanged");
        }
    }

    @Test
    void aLostCarrierMovesTrafficAtOnceWithoutWaitingForProbes() throws Exception {
        FakeHost host = twoUplinks();
        HostBondSpec patient = Specs.routed("eth0", "10.0.1.1", "eth1", "10.0.2.1");
        patient.routed.probe.interval = "10s"; // no probe would notice within this test
        patient.routed.probe.fall = 100;
        HostBondRun r = run(host, null);
        assertThat(r.apply(patient)).isEqualTo(Phase.Applied);
        host.carrier("eth0", false);
        await().atMost(Duration.ofSeconds(2)).until(() -> "eth1".equals(last().active));
        assertThat(last().message).isEqualTo("traffic moved from eth0 to eth1: eth0 lost its carrier");
        assertThat(host.routes()).contains("default via 10.0.2.1 dev eth1 proto 231 metric 99");
    }

    @Test
    void routedModeWithGatewaysThatNeverAnswerIsRolledBack() throws Exception {
        FakeHost host = twoUplinks();
        NodeNetwork before = host.snapshot();
        host.answers = (iface, gateway) -> false;
        assertThat(run(host, null).apply(Specs.routed("eth0", "10.0.1.1", "eth1", "10.0.2.1")))
                .isEqualTo(Phase.RolledBack);
        assertThat(host.snapshot()).isEqualTo(before);
        assertThat(host.routes()).containsExactly("default via 10.0.1.1 dev eth0 proto 4 metric 0");
        assertThat(last().message).startsWith("rolled back: gateway: no uplink's gateway answered (eth0 (gateway"
                + " 10.0.1.1) DOWN, eth1 (gateway 10.0.2.1) DOWN)");
    }

    @Test
    void routedModeRefusesMetricsThatWouldReplaceSomeoneElsesRoute() throws Exception {
        FakeHost host = twoUplinks().withLink("tun0").withAddress("tun0", "10.8.0.2", 24);
        host.withRoute(Route.defaultVia(FakeHost.bytes("10.8.0.1"), host.index("tun0"), 110, Route.PROTOCOL_STATIC));
        assertThat(run(host, null).apply(Specs.routed("eth0", "10.0.1.1", "eth1", "10.0.2.1"))).isEqualTo(Phase.Failed);
        assertThat(last().message).contains("the node has \"default via 10.8.0.1 dev tun0 proto 4 metric 110\" at a"
                + " metric routed mode needs");
    }

    @Test
    void routedModeRefusesAGatewayOutsideTheUplinksSubnets() throws Exception {
        FakeHost host = twoUplinks();
        assertThat(run(host, null).apply(Specs.routed("eth0", "10.0.1.1", "eth1", "10.0.9.1"))).isEqualTo(Phase.Failed);
        assertThat(last().message).contains("spec.routed.uplinks[1].gateway: 10.0.9.1 is in no subnet of eth1's IPv4"
                + " addresses");
    }

    static FakeHost twoUplinks() {
        FakeHost host = new FakeHost().withLink("lo").withLink("eth0").withLink("eth1")
                .withAddress("eth0", "10.0.1.2", 24).withAddress("eth1", "10.0.2.2", 24);
        return host.withRoute(Route.defaultVia(FakeHost.bytes("10.0.1.1"), host.index("eth0"), 0, Route.PROTOCOL_STATIC));
    }

}
