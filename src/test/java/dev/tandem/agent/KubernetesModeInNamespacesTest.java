package dev.tandem.agent;

import dev.tandem.operator.TestResources;

import dev.tandem.agent.election.AgentNode;
import dev.tandem.agent.kubernetes.AgentModeProfile;
import dev.tandem.agent.kubernetes.AgentTimings;
import dev.tandem.agent.kubernetes.ClusterFixtures;
import dev.tandem.provider.digitalocean.DigitalOceanSimulator;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.api.v1alpha1.Tandem;
import dev.tandem.api.v1alpha1.TransportSpec;
import dev.tandem.api.v1alpha1.UdpTransportSpec;
import dev.tandem.agent.kubernetes.ElectionRunner;
import dev.tandem.agent.kubernetes.KubernetesAgent;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.net.NetworkNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two agents in Kubernetes mode, as the election DaemonSet runs them, each on a node played by a network namespace,
 * against the mock API server; the operator's part (router id, member addresses) is played by the test. What a user
 * sees is the pair's status: who is MASTER, who holds the floating IP, and why it moved.
 */
@QuarkusTest
@TestProfile(AgentModeProfile.class)
@WithKubernetesTestServer(crud = true)
class KubernetesModeInNamespacesTest {
    static final AgentTimings TIMINGS = new AgentTimings(Duration.ofSeconds(1), Duration.ofMillis(200),
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(2));

    @Inject
    KubernetesClient client;

    LabNet lab;
    String ns;
    final List<KubernetesAgent> agents = new ArrayList<>();

    @BeforeAll
    static void needsNamespaces() {
        LabNet.assumeAvailable("KubernetesModeInNamespacesTest");
    }

    @AfterEach
    void tearDown() {
        agents.forEach(KubernetesAgent::close);
        if (lab != null) {
            lab.close();
        }
    }

    /** The production runner's work, but on a thread inside the node's network namespace. */
    ElectionRunner inNamespace(String node) {
        return (plan, listener, keys) -> {
            AgentNode n;
            try {
                n = NetworkNamespace.call(lab.nsPath(node), () -> AgentNode.open(plan, listener, keys));
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("cannot enter the namespace of " + node + ": " + e.getMessage(), e);
            }
            return n.start()::close;
        };
    }

    KubernetesAgent agent(String node) {
        KubernetesAgent a = new KubernetesAgent(client, ns, "web", node, inNamespace(node), List.of(), TIMINGS,
                Clock.systemUTC()).start();
        agents.add(a);
        return a;
    }

    MemberStatus awaitMember(String node, Predicate<MemberStatus> condition) {
        return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> ClusterFixtures.member(client, ns, "web", node), m -> m != null && condition.test(m));
    }

    @Test
    void thePairElectsReportsAndFailsOverWhenTheMastersLinkIsCut() {
        lab = LabNet.create(91, "lb1", "lb2");
        String vip = lab.subnet + "100";
        ClusterFixtures.installCrds(client);
        ns = ClusterFixtures.namespace(client);
        FailoverPair pair = TestResources.pair(ns, "web", "lb1", "lb2");
        pair.getSpec().interfaceName = "eth0";
        pair.getSpec().advertInterval = "50ms";
        client.resource(pair).create();
        FloatingIp fip = TestResources.layer2(ns, "web-vip", vip, "web");
        fip.getSpec().provider.layer2.announceCount = 3;
        fip.getSpec().provider.layer2.announceInterval = "20ms";
        client.resource(fip).create();

        agent("lb1");
        agent("lb2");
        // The operator allocates the router id and resolves the members' addresses; then the election starts.
        ClusterFixtures.resolve(client, ns, "web", 91, Map.of("lb1", lab.address("lb1"), "lb2", lab.address("lb2")));

        MemberStatus lb1 = awaitMember("lb1", m -> m.state == MemberStatus.State.MASTER);
        assertThat(lb1.holds).containsExactly("web-vip");
        assertThat(lb1.effectivePriority).isEqualTo(200);
        MemberStatus lb2 = awaitMember("lb2", m -> m.state == MemberStatus.State.BACKUP);
        assertThat(lb2.holds).isEmpty();
        assertThat(lab.addresses("lb1")).contains(vip + "/32");
        assertThat(lab.addresses("lb2")).doesNotContain(vip);

        lab.cut("lb1");
        MemberStatus taken = awaitMember("lb2", m -> m.state == MemberStatus.State.MASTER);
        assertThat(taken.reason).isEqualTo("MasterDown");
        assertThat(taken.holds).containsExactly("web-vip");
        assertThat(taken.takeoverMillis).as("measured from lb1's last advert").isNotNull().isBetween(100L, 2000L);
        assertThat(lab.addresses("lb2")).contains(vip + "/32");
        assertThat(client.v1().events().inNamespace(ns).list().getItems()).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("MasterDown");
            assertThat(e.getSource().getHost()).isEqualTo("lb2");
            assertThat(e.getMessage()).startsWith("lb2 became MASTER (MasterDown, took over ");
        });
    }

    /**
     * Droplets 101 (lb1) and 102 (lb2) and the reserved IP at the simulator; in the cluster, the token's Secret, pair
     * "web" (50 ms adverts, router id {@code vrid}) and FloatingIp "web-do" pointing at the simulator; then the two
     * agents, and the operator's part: router id, member addresses, the nodes' provider ids.
     */
    void startDigitalOceanPair(DigitalOceanSimulator sim, String token, String reserved, int vrid,
                               FailoverPairSpec.Fencing fencing, boolean configureOnHost) {
        sim.droplet(101, "lb1").droplet(102, "lb2").reservedIp(reserved, null);
        ClusterFixtures.installCrds(client);
        ns = ClusterFixtures.namespace(client);
        client.resource(new SecretBuilder().withNewMetadata().withName("do-token").withNamespace(ns).endMetadata()
                .addToStringData("token", token).build()).create();
        FailoverPair pair = TestResources.pair(ns, "web", "lb1", "lb2");
        pair.getSpec().interfaceName = "eth0";
        pair.getSpec().advertInterval = "50ms";
        pair.getSpec().fencing = fencing;
        client.resource(pair).create();
        FloatingIp fip = TestResources.digitalocean(ns, "web-do", reserved, "web", "do-token");
        fip.getSpec().provider.digitalocean.apiUrl = sim.url();
        fip.getSpec().configureOnHost = configureOnHost;
        client.resource(fip).create();

        agent("lb1");
        agent("lb2");
        ClusterFixtures.resolve(client, ns, "web", vrid, Map.of("lb1", lab.address("lb1"), "lb2", lab.address("lb2")));
        ClusterFixtures.providerIds(client, ns, "web", Map.of("lb1", "digitalocean://101", "lb2", "digitalocean://102"));
    }

    @Test
    void aCloudFloatingIpFollowsTheMasterThroughTheProvider() throws Exception {
        lab = LabNet.create(92, "lb1", "lb2");
        String reserved = "203.0.113.30";
        // The provider's simulator listens on this host's loopback, where the agents' API calls come from.
        try (DigitalOceanSimulator sim = new DigitalOceanSimulator("dop_v1_k8s-mode-t0ken", Clock.systemUTC())) {
            sim.actionDuration(Duration.ofSeconds(1));
            startDigitalOceanPair(sim, "dop_v1_k8s-mode-t0ken", reserved, 92, FailoverPairSpec.Fencing.none, true);

            MemberStatus lb1 = awaitMember("lb1", m -> m.state == MemberStatus.State.MASTER && m.holds.contains("web-do"));
            assertThat(sim.holderOf(reserved)).as("the provider assigned it to lb1's droplet").contains(101L);
            assertThat(lb1.providerErrors).isEmpty();
            assertThat(lab.addresses("lb1")).as("configureOnHost").contains(reserved + "/32");
            assertThat(awaitMember("lb2", m -> m.state == MemberStatus.State.BACKUP).holds).isEmpty();

            long cut = System.nanoTime();
            lab.cut("lb1");
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                    .until(() -> sim.holderOf(reserved).orElse(0L) == 102L);
            System.out.printf("KubernetesModeInNamespacesTest: from cutting lb1's link to the provider reporting lb2's"
                    + " droplet: %d ms (1 s action)%n", (System.nanoTime() - cut) / 1_000_000);
            MemberStatus lb2 = awaitMember("lb2", m -> m.state == MemberStatus.State.MASTER && m.holds.contains("web-do"));
            assertThat(lb2.providerErrors).isEmpty();
            assertThat(lab.addresses("lb2")).contains(reserved + "/32");
            assertThat(sim.mutatingRequests()).as("one assign by lb1, one by lb2").hasSize(2);

            lab.heal("lb1"); // lb1 preempts (priority 200 over 100) and takes the address back
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                    .until(() -> sim.holderOf(reserved).orElse(0L) == 101L);
            awaitMember("lb2", m -> m.state == MemberStatus.State.BACKUP && m.holds.isEmpty());
        }
    }

    /**
     * The udp transport as a cluster runs it: the key comes from the Secret the operator made, read through the API
     * server; the members elect and fail over over authenticated datagrams, and protocol 112 is not needed at all (it
     * is dropped between the nodes here).
     */
    @Test
    void theUdpTransportElectsAndFailsOverWithTheKeyFromItsSecret() {
        lab = LabNet.create(93, "lb1", "lb2");
        String vip = lab.subnet + "100";
        ClusterFixtures.installCrds(client);
        ns = ClusterFixtures.namespace(client);
        byte[] key = new byte[32];
        new Random(93).nextBytes(key);
        client.resource(new SecretBuilder().withNewMetadata().withName("tandem-web-auth").withNamespace(ns).endMetadata()
                .addToData("key", Base64.getEncoder().encodeToString(key)).build()).create();
        FailoverPair pair = TestResources.pair(ns, "web", "lb1", "lb2");
        pair.getSpec().interfaceName = "eth0";
        pair.getSpec().advertInterval = "50ms";
        pair.getSpec().transport = new TransportSpec();
        pair.getSpec().transport.type = TransportSpec.Type.udp;
        pair.getSpec().transport.udp = new UdpTransportSpec();
        pair.getSpec().transport.udp.authSecretRef = new SecretKeyRef("tandem-web-auth", null);
        client.resource(pair).create();
        client.resource(TestResources.layer2(ns, "web-vip", vip, "web")).create();
        lab.dropIpProtocol("lb1", 112);
        lab.dropIpProtocol("lb2", 112);

        agent("lb1");
        agent("lb2");
        ClusterFixtures.resolve(client, ns, "web", 93, Map.of("lb1", lab.address("lb1"), "lb2", lab.address("lb2")));

        assertThat(awaitMember("lb1", m -> m.state == MemberStatus.State.MASTER).holds).containsExactly("web-vip");
        assertThat(awaitMember("lb2", m -> m.state == MemberStatus.State.BACKUP).holds)
                .as("lb2 hears lb1's authenticated adverts, or it would have taken over as well").isEmpty();
        assertThat(lab.addresses("lb2")).doesNotContain(vip);

        lab.cut("lb1");
        MemberStatus taken = awaitMember("lb2", m -> m.state == MemberStatus.State.MASTER);
        assertThat(taken.reason).isEqualTo("MasterDown");
        assertThat(lab.addresses("lb2")).contains(vip + "/32");
        lab.heal("lb1");
        awaitMember("lb1", m -> m.state == MemberStatus.State.MASTER);
        awaitMember("lb2", m -> m.state == MemberStatus.State.BACKUP && m.holds.isEmpty());
    }

    String fenceHolder() {
        Lease lease = client.resources(Lease.class).inNamespace(ns).withName(Tandem.fenceLeaseName("web")).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    /**
     * {@code spec.fencing: lease} end to end: members partitioned from each other both become MASTER, but only the one
     * holding the pair's Lease moves the cloud address, so the provider is never asked to move it back and forth;
     * when the holder really fails (its link is cut) it lets go of the Lease and the other member moves the address.
     */
    @Test
    void withLeaseFencingOnlyTheLeaseHolderMovesTheCloudAddressDuringAPartition() throws Exception {
        lab = LabNet.create(94, "lb1", "lb2");
        String reserved = "203.0.113.31";
        try (DigitalOceanSimulator sim = new DigitalOceanSimulator("dop_v1_fence-t0ken", Clock.systemUTC())) {
            sim.actionDuration(Duration.ofMillis(200));
            startDigitalOceanPair(sim, "dop_v1_fence-t0ken", reserved, 94, FailoverPairSpec.Fencing.lease, false);

            awaitMember("lb1", m -> m.state == MemberStatus.State.MASTER && m.holds.contains("web-do"));
            assertThat(sim.holderOf(reserved)).contains(101L);
            assertThat(fenceHolder()).isEqualTo("lb1");
            awaitMember("lb2", m -> m.state == MemberStatus.State.BACKUP);

            // The members stop hearing each other; both still reach the API server and the provider.
            lab.isolate("lb1", true);
            lab.isolate("lb2", true);
            awaitMember("lb2", m -> m.state == MemberStatus.State.MASTER);
            assertThat(ClusterFixtures.member(client, ns, "web", "lb1").state).isEqualTo(MemberStatus.State.MASTER);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> sim.holderOf(reserved).orElse(0L) == 101L && "lb1".equals(fenceHolder()));
            assertThat(sim.mutatingRequests()).as("only lb1's first assign: lb2 was fenced off").hasSize(1);

            lab.isolate("lb1", false);
            lab.isolate("lb2", false);
            awaitMember("lb2", m -> m.state == MemberStatus.State.BACKUP);
            assertThat(sim.holderOf(reserved)).contains(101L);
            assertThat(sim.mutatingRequests()).hasSize(1);

            // A real failure: lb1 loses its link, steps down and lets go of the Lease; lb2 takes it and the address.
            lab.cut("lb1");
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                    .until(() -> sim.holderOf(reserved).orElse(0L) == 102L);
            assertThat(fenceHolder()).isEqualTo("lb2");
            assertThat(awaitMember("lb2", m -> m.state == MemberStatus.State.MASTER && m.holds.contains("web-do"))
                    .providerErrors).isEmpty();
            assertThat(sim.mutatingRequests()).hasSize(2);
        }
    }
}
