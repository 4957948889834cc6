package dev.tandem.agent;

import dev.tandem.agent.election.AgentNode;
import dev.tandem.agent.election.ElectionListener;
import dev.tandem.net.AddressTable;
import dev.tandem.net.NetworkNamespace;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.Reason;
import dev.tandem.vrrp.RouterState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The election agent for real: two members in network namespaces on a bridge, a client beside them, the floating
 * address installed over rtnetlink and announced with gratuitous ARP, failures injected by cutting links.
 */
class ElectionInNamespacesTest {
    static final String VIP_HOST = "100";
    LabNet lab;
    final List<AgentNode> nodes = new ArrayList<>();
    final Map<String, List<String>> events = new java.util.concurrent.ConcurrentHashMap<>();
    final Map<String, SimpleMeterRegistry> registries = new java.util.concurrent.ConcurrentHashMap<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsNamespaces() {
        LabNet.assumeAvailable("ElectionInNamespacesTest");
    }

    @AfterEach
    void tearDown() {
        for (AgentNode n : nodes) {
            n.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    String vip() {
        return lab.subnet + VIP_HOST;
    }

    Path resources(String extraPairSpec) throws Exception {
        return resources("web.yaml", extraPairSpec);
    }

    /** Each member reads its own file, as standalone hosts do; the files may differ, e.g. in a check's path. */
    Path resources(String fileName, String extraPairSpec) throws Exception {
        String yaml = lab.webPair(61, "eth0", extraPairSpec);
        Path file = tmp.resolve(fileName);
        Files.writeString(file, yaml);
        return file;
    }

    AgentNode start(String node, Path file) throws Exception {
        StandaloneResources r = StandaloneResources.load(file, null);
        PairPlan plan = PairPlan.of(r.pair(), r.floatingIps(), node, Map.of(), r.pair().getSpec().virtualRouterId);
        List<String> log = events.computeIfAbsent(node, k -> new CopyOnWriteArrayList<>());
        ElectionListener listener = new ElectionListener() {
            @Override
            public void transition(Action.Transition t, long takeoverMillis) {
                log.add(t.to() + ":" + t.reason());
            }

            @Override
            public void problem(String message) {
                log.add("problem:" + message);
            }

            @Override
            public void healthChanged(String check, boolean passing, String detail) {
                log.add("health:" + check + "=" + passing + " " + detail);
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registries.put(node, registry);
        ElectionListener all = new dev.tandem.agent.election.Listeners(List.of(listener,
                new dev.tandem.agent.election.MetricsListener(registry, "standalone", "web")));
        AgentNode n = NetworkNamespace.call(lab.nsPath(node), () -> AgentNode.open(plan, all)).start();
        nodes.add(n);
        return n;
    }

    void awaitState(AgentNode n, RouterState state) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(n.loop().state()).as("%s, events %s", n.plan().node(), events)
                        .isEqualTo(state));
    }

    @Test
    void theHigherPriorityMemberHoldsTheAddressAndClientsReachIt() throws Exception {
        lab = LabNet.create(71, "lb1", "lb2", "client");
        Path file = resources("");
        AgentNode lb1 = start("lb1", file);
        AgentNode lb2 = start("lb2", file);

        awaitState(lb1, RouterState.MASTER);
        awaitState(lb2, RouterState.BACKUP);
        assertThat(lab.addresses("lb1")).contains(vip() + "/32");
        assertThat(lab.addresses("lb2")).doesNotContain(vip());
        assertThat(lab.ping("client", vip())).isTrue();
        assertThat(lab.neighbour("client", vip())).isEqualTo(lab.mac("lb1"));
        assertThat(events.get("lb1")).noneMatch(e -> e.startsWith("problem:"));

        SimpleMeterRegistry m1 = registries.get("lb1");
        SimpleMeterRegistry m2 = registries.get("lb2");
        assertThat(m1.get("tandem.agent.state").tag("state", "MASTER").gauge().value()).isEqualTo(1.0);
        assertThat(m2.get("tandem.agent.state").tag("state", "BACKUP").gauge().value()).isEqualTo(1.0);
        assertThat(m1.get("tandem.agent.adverts.sent").counter().count()).isPositive();
        assertThat(m2.get("tandem.agent.adverts.received").counter().count()).isPositive();
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(
                m1.get("tandem.agent.announcements").counter().count()).as("3 ARP request+reply pairs").isEqualTo(6.0));
        assertThat(m1.get("tandem.agent.transitions").tag("to", "MASTER").counter().count()).isEqualTo(1.0);
    }

    @Test
    void cuttingTheMastersLinkMovesTheAddressAndHealingPreemptsBack() throws Exception {
        lab = LabNet.create(72, "lb1", "lb2", "client");
        Path file = resources("");
        AgentNode lb1 = start("lb1", file);
        AgentNode lb2 = start("lb2", file);
        awaitState(lb1, RouterState.MASTER);
        awaitState(lb2, RouterState.BACKUP);
        assertThat(lab.ping("client", vip())).isTrue();

        lab.cut("lb1");
        awaitState(lb2, RouterState.MASTER);
        // The state flips before the addresses are in and the transition is reported: wait for the report.
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(events.get("lb2")).contains("MASTER:" + Reason.MASTER_DOWN));
        // 3 x 50 ms + skew (100/256 of 50 ms) after the last advert, plus scheduling: well under half a second.
        assertThat(registries.get("lb2").get("tandem.agent.takeover").timer().max(java.util.concurrent.TimeUnit.MILLISECONDS)).isBetween(150.0, 500.0);
        assertThat(lab.addresses("lb2")).contains(vip());
        // Gratuitous ARP moved the client's entry without waiting for it to expire.
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(lab.neighbour("client", vip())).isEqualTo(lab.mac("lb2")));
        assertThat(lab.ping("client", vip())).isTrue();

        lab.heal("lb1");
        awaitState(lb2, RouterState.BACKUP);
        awaitState(lb1, RouterState.MASTER);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(lab.addresses("lb2")).doesNotContain(vip());
            assertThat(lab.neighbour("client", vip())).isEqualTo(lab.mac("lb1"));
        });
    }

    @Test
    void floatingIpsComeAndGoWithoutANewElection() throws Exception {
        lab = LabNet.create(77, "lb1", "lb2", "client");
        Path file = resources("");
        AgentNode lb1 = start("lb1", file);
        AgentNode lb2 = start("lb2", file);
        awaitState(lb1, RouterState.MASTER);
        awaitState(lb2, RouterState.BACKUP);
        String second = lab.subnet + "101";
        PairPlan.Layer2Address first = lb1.plan().addresses().getFirst();
        PairPlan.Layer2Address added = new PairPlan.Layer2Address("api-vip", second, 32, null, 3,
                Duration.ofMillis(20), null);

        lb1.loop().replaceAddresses(List.of(first, added));
        lb2.loop().replaceAddresses(List.of(first, added));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(lab.addresses("lb1")).contains(second + "/32"));
        assertThat(lab.ping("client", second)).isTrue();
        assertThat(lab.addresses("lb2")).doesNotContain(second);

        lb1.loop().replaceAddresses(List.of(added));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(lab.addresses("lb1")).doesNotContain(vip()));
        assertThat(lab.addresses("lb1")).contains(second);
        assertThat(events.get("lb1")).as("no new election: one transition to MASTER only")
                .filteredOn(e -> e.startsWith("MASTER")).hasSize(1);
        assertThat(lb1.loop().state()).isEqualTo(RouterState.MASTER);
    }

    @Test
    void aGracefulStopHandsOverWithinTheSkewTime() throws Exception {
        lab = LabNet.create(73, "lb1", "lb2");
        Path file = resources("");
        AgentNode lb1 = start("lb1", file);
        AgentNode lb2 = start("lb2", file);
        awaitState(lb1, RouterState.MASTER);
        awaitState(lb2, RouterState.BACKUP);

        lb1.close();
        nodes.remove(lb1);
        awaitState(lb2, RouterState.MASTER);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(events.get("lb2")).contains("MASTER:" + Reason.PRIORITY_ZERO_RECEIVED));
        assertThat(lab.addresses("lb1")).as("a stopped member releases the address").doesNotContain(vip());
        assertThat(lab.addresses("lb2")).contains(vip());
    }

    @Test
    void whatAKilledAgentLeftIsRemovedAtRestart() throws Exception {
        lab = LabNet.create(74, "lb1", "lb2");
        Path file = resources("");
        AgentNode lb1 = start("lb1", file);
        awaitState(lb1, RouterState.MASTER);
        // lb2's previous run died while MASTER and left the address behind, marked as tandem's.
        byte[] vip = java.net.InetAddress.getByName(vip()).getAddress();
        NetworkNamespace.call(lab.nsPath("lb2"), () -> {
            try (AddressTable t = AddressTable.open()) {
                t.add("eth0", vip, 32);
            }
            return null;
        });
        assertThat(lab.addresses("lb2")).contains(vip());

        AgentNode lb2 = start("lb2", file);
        assertThat(lb2.leftovers()).containsExactly(vip() + " on eth0");
        awaitState(lb2, RouterState.BACKUP);
        assertThat(lab.addresses("lb2")).doesNotContain(vip());
    }

    @Test
    void aFailingHealthCheckWithoutWeightHandsOverAndRecoveryTakesBack() throws Exception {
        lab = LabNet.create(75, "lb1", "lb2");
        // Each host checks its own HAProxy: here a file per member stands for "haproxy is running on this host".
        Path healthy = tmp.resolve("lb1-haproxy-running");
        Path alwaysHealthy = tmp.resolve("lb2-haproxy-running");
        Files.writeString(healthy, "");
        Files.writeString(alwaysHealthy, "");
        String check = """
                healthChecks:
                  - name: haproxy
                    exec: {command: [test, -e, %s]}
                    interval: 300ms
                    timeout: 300ms
                    rise: 2
                    fall: 2
                """;
        AgentNode lb1 = start("lb1", resources("lb1.yaml", check.formatted(healthy)));
        AgentNode lb2 = start("lb2", resources("lb2.yaml", check.formatted(alwaysHealthy)));
        awaitState(lb1, RouterState.MASTER);
        awaitState(lb2, RouterState.BACKUP);

        Files.delete(healthy);
        awaitState(lb1, RouterState.FAULT);
        awaitState(lb2, RouterState.MASTER);
        assertThat(lab.addresses("lb1")).doesNotContain(vip());

        Files.writeString(healthy, "");
        awaitState(lb1, RouterState.MASTER);
        awaitState(lb2, RouterState.BACKUP);
    }

    @Test
    void preemptDelayHoldsTheHigherPriorityMemberBack() throws Exception {
        lab = LabNet.create(76, "lb1", "lb2");
        Path file = resources("preemptDelay: 1500ms");
        AgentNode lb2 = start("lb2", file);
        awaitState(lb2, RouterState.MASTER);

        long started = System.nanoTime();
        AgentNode lb1 = start("lb1", file);
        awaitState(lb1, RouterState.BACKUP);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> lb1.loop().state() == RouterState.MASTER);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(tookMillis).as("no preemption before preemptDelay").isGreaterThanOrEqualTo(1500);
        awaitState(lb2, RouterState.BACKUP);
    }
}
