package dev.tandem.agent;

import dev.tandem.agent.election.AgentNode;
import dev.tandem.vrrp.IpAddress;
import dev.tandem.vrrp.Reason;
import dev.tandem.vrrp.RouterState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * IPv6 and dual-stack pairs in network namespaces: VRRPv3 over IPv6 (unicast between the members' addresses, and
 * multicast to ff02::12 from the link-local address), IPv6 floating addresses installed without duplicate address
 * detection and announced with unsolicited neighbour advertisements, and IPv4 and IPv6 floating addresses of one pair
 * moving together.
 */
class DualStackInNamespacesTest {
    LabAgents agents;

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsNamespaces() {
        LabNet.assumeAvailable("DualStackInNamespacesTest");
    }

    @AfterEach
    void tearDown() {
        if (agents != null) {
            agents.close();
        }
    }

    LabNet lab(int subnet) {
        LabNet lab = LabNet.create(subnet, "lb1", "lb2", "client").enableIpv6();
        agents = new LabAgents(lab);
        return lab;
    }

    /** The pair "web" with lb1 (150) and lb2 (100) at the given addresses, 50 ms adverts, and one FloatingIp each. */
    Path resources(String lb1, String lb2, String transport, String... vips) throws Exception {
        return resources(150, lb1, lb2, transport, vips);
    }

    Path resources(int lb1Priority, String lb1, String lb2, String transport, String... vips) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: tandem.dev/v1alpha1
                kind: FailoverPair
                metadata: {name: web}
                spec:
                  virtualRouterId: 66
                  advertInterval: 50ms
                  interface: eth0
                  members:
                    - {node: lb1, priority: %d, address: "%s"}
                    - {node: lb2, priority: 100, address: "%s"}
                %s
                """.formatted(lb1Priority, lb1, lb2, transport.isEmpty() ? "" : "  transport: " + transport));
        int i = 0;
        for (String vip : vips) {
            yaml.append("""
                    ---
                    apiVersion: tandem.dev/v1alpha1
                    kind: FloatingIp
                    metadata: {name: vip-%d}
                    spec:
                      address: "%s"
                      failoverPairRef: {name: web}
                      provider:
                        layer2: {announceCount: 3, announceInterval: 20ms}
                    """.formatted(i++, vip));
        }
        Path file = tmp.resolve("web.yaml");
        Files.writeString(file, yaml.toString());
        return file;
    }

    void awaitClientReaches(LabNet lab, String vip, String node) {
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            boolean v6 = vip.contains(":");
            assertThat(v6 ? lab.ping6("client", vip) : lab.ping("client", vip)).as("client pings %s", vip).isTrue();
            assertThat(lab.neighbour("client", vip)).as("client's neighbour entry for %s, events %s", vip, agents.events)
                    .isEqualTo(lab.mac(node));
        });
    }

    void awaitOnlyHolder(LabNet lab, String vipWithPrefix, String node) {
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(lab.holders(vipWithPrefix))
                .as("holders of %s", vipWithPrefix).containsExactly(node));
    }

    @Test
    void anIpv6PairElectsOverUnicastAndMovesItsAddressWithNeighbourAdvertisements() throws Exception {
        LabNet lab = lab(91);
        String vip = lab.subnet6() + "100";
        Path file = resources(lab.address6("lb1"), lab.address6("lb2"), "", vip);
        AgentNode lb1 = agents.start("lb1", file);
        agents.awaitState(lb1, RouterState.MASTER);
        AgentNode lb2 = agents.start("lb2", file);
        agents.awaitState(lb2, RouterState.BACKUP);
        awaitOnlyHolder(lab, vip + "/128", "lb1");
        // Installed with IFA_F_NODAD: usable at once, never "tentative" or "dadfailed".
        assertThat(lab.ip("-n", lab.ns("lb1"), "-6", "addr", "show", "dev", "eth0", "to", vip + "/128"))
                .doesNotContain("tentative").doesNotContain("dadfailed");
        awaitClientReaches(lab, vip, "lb1");
        assertThat(agents.counter("lb2", "tandem.agent.adverts.received")).isPositive();
        // 3 unsolicited neighbour advertisements, one frame each.
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(agents.counter("lb1", "tandem.agent.announcements")).as("events %s", agents.events).isEqualTo(3.0));

        lab.cut("lb1");
        agents.awaitState(lb2, RouterState.MASTER);
        awaitOnlyHolder(lab, vip + "/128", "lb2");
        // The client's entry moved to lb2's MAC on the neighbour advertisement, not after it went stale.
        awaitClientReaches(lab, vip, "lb2");

        lab.heal("lb1");
        agents.awaitState(lb1, RouterState.MASTER);
        agents.awaitState(lb2, RouterState.BACKUP);
        awaitOnlyHolder(lab, vip + "/128", "lb1");
        awaitClientReaches(lab, vip, "lb1");
        assertThat(agents.events("lb1")).noneMatch(e -> e.startsWith("problem:") || e.startsWith("rejected:"));
        assertThat(agents.events("lb2")).noneMatch(e -> e.startsWith("problem:") || e.startsWith("rejected:"));
    }

    @Test
    void anIpv6PairElectsOverMulticastToFf02And12AndHandsOverOnAGracefulStop() throws Exception {
        LabNet lab = lab(92);
        String vip = lab.subnet6() + "100";
        Path file = resources(lab.address6("lb1"), lab.address6("lb2"), "{type: vrrp, peering: multicast}", vip);
        AgentNode lb1 = agents.start("lb1", file);
        AgentNode lb2 = agents.start("lb2", file);
        agents.awaitState(lb1, RouterState.MASTER);
        agents.awaitState(lb2, RouterState.BACKUP);
        Thread.sleep(500);
        assertThat(agents.transitions("lb2")).as("lb2 keeps hearing lb1's multicast adverts").containsExactly("BACKUP:STARTUP");
        // The adverts come from lb1's link-local address (RFC 5798 §5.1.2.1): that is who lb2 knows as master.
        IpAddress master = lb2.loop().router().currentMaster().orElseThrow();
        assertThat(master.bytes()[0] & 0xFF).isEqualTo(0xfe);
        assertThat(master.bytes()[1] & 0xC0).isEqualTo(0x80);
        awaitClientReaches(lab, vip, "lb1");

        agents.stop(lb1);
        agents.awaitState(lb2, RouterState.MASTER);
        assertThat(agents.transitions("lb2")).contains("MASTER:" + Reason.PRIORITY_ZERO_RECEIVED);
        awaitOnlyHolder(lab, vip + "/128", "lb2");
        awaitClientReaches(lab, vip, "lb2");
    }

    @Test
    void equalPrioritiesOverIpv6MulticastAreBrokenByTheHigherLinkLocalAddressAndStaySo() throws Exception {
        LabNet lab = lab(95);
        String vip = lab.subnet6() + "100";
        Path file = resources(100, lab.address6("lb1"), lab.address6("lb2"), "{type: vrrp, peering: multicast}", vip);
        // Both start cut off from each other: both become MASTER, as after a partition.
        lab.isolate("lb1", true);
        lab.isolate("lb2", true);
        AgentNode lb1 = agents.start("lb1", file);
        AgentNode lb2 = agents.start("lb2", file);
        agents.awaitState(lb1, RouterState.MASTER);
        agents.awaitState(lb2, RouterState.MASTER);
        IpAddress ll1 = lb1.loop().router().config().primaryAddress();
        IpAddress ll2 = lb2.loop().router().config().primaryAddress();
        assertThat(List.of(ll1, ll2)).allMatch(a -> (a.bytes()[0] & 0xFF) == 0xfe && (a.bytes()[1] & 0xC0) == 0x80);

        lab.isolate("lb1", false);
        lab.isolate("lb2", false);
        // RFC 5798 §6.4.3: on a tie the higher primary address wins, for IPv6 the link-local address adverts come from
        // (were one side to compare its global address with the other's link-local, both would step down, forever).
        AgentNode master = ll1.compareTo(ll2) > 0 ? lb1 : lb2;
        AgentNode backup = master == lb1 ? lb2 : lb1;
        agents.awaitState(backup, RouterState.BACKUP);
        assertThat(agents.transitions(backup.plan().node())).last().isEqualTo("BACKUP:" + Reason.HIGHER_ADDRESS_ADVERT);
        int transitions = agents.transitions("lb1").size() + agents.transitions("lb2").size();
        Thread.sleep(1000);
        assertThat(agents.transitions("lb1").size() + agents.transitions("lb2").size()).as("no flapping, events %s",
                agents.events).isEqualTo(transitions);
        assertThat(master.loop().state()).isEqualTo(RouterState.MASTER);
        awaitOnlyHolder(lab, vip + "/128", master.plan().node());
    }

    @Test
    void ipv4AndIpv6AddressesOfOnePairMoveTogetherAndTheAdvertListsThoseOfItsFamily() throws Exception {
        LabNet lab = lab(93);
        String vip4 = lab.subnet + "100";
        String vip6 = lab.subnet6() + "100";
        Path file = resources(lab.address("lb1"), lab.address("lb2"), "", vip4, vip6);
        AgentNode lb1 = agents.start("lb1", file);
        AgentNode lb2 = agents.start("lb2", file);
        agents.awaitState(lb1, RouterState.MASTER);
        agents.awaitState(lb2, RouterState.BACKUP);
        awaitOnlyHolder(lab, vip4 + "/32", "lb1");
        awaitOnlyHolder(lab, vip6 + "/128", "lb1");
        awaitClientReaches(lab, vip4, "lb1");
        awaitClientReaches(lab, vip6, "lb1");
        // One election over IPv4 moves both; its adverts list the IPv4 address only (RFC 5798 §5.2.9: one family each).
        assertThat(lb1.loop().router().config().virtualAddresses()).containsExactly(IpAddress.parse(vip4));

        lab.cut("lb1");
        agents.awaitState(lb2, RouterState.MASTER);
        awaitOnlyHolder(lab, vip4 + "/32", "lb2");
        awaitOnlyHolder(lab, vip6 + "/128", "lb2");
        awaitClientReaches(lab, vip4, "lb2");
        awaitClientReaches(lab, vip6, "lb2");

        lab.heal("lb1");
        agents.awaitState(lb1, RouterState.MASTER);
        awaitOnlyHolder(lab, vip4 + "/32", "lb1");
        awaitOnlyHolder(lab, vip6 + "/128", "lb1");
        awaitClientReaches(lab, vip6, "lb1");
    }

    @Test
    void anElectionOverIpv6MovesAnIpv4AddressToo() throws Exception {
        LabNet lab = lab(94);
        String vip4 = lab.subnet + "100";
        String vip6 = lab.subnet6() + "100";
        Path file = resources(lab.address6("lb1"), lab.address6("lb2"), "", vip6, vip4);
        AgentNode lb1 = agents.start("lb1", file);
        AgentNode lb2 = agents.start("lb2", file);
        agents.awaitState(lb1, RouterState.MASTER);
        agents.awaitState(lb2, RouterState.BACKUP);
        assertThat(lb1.loop().router().config().virtualAddresses()).containsExactly(IpAddress.parse(vip6));
        awaitClientReaches(lab, vip4, "lb1");

        agents.stop(lb1);
        agents.awaitState(lb2, RouterState.MASTER);
        awaitOnlyHolder(lab, vip4 + "/32", "lb2");
        awaitOnlyHolder(lab, vip6 + "/128", "lb2");
        awaitClientReaches(lab, vip4, "lb2");
        awaitClientReaches(lab, vip6, "lb2");
        assertThat(List.of(lab.addresses("lb1"))).noneMatch(a -> a.contains(vip4 + "/") || a.contains(vip6 + "/"));
    }
}
