package dev.tandem.agent.kubernetes;

import dev.tandem.operator.TestResources;

import dev.tandem.agent.PairPlan;
import dev.tandem.api.v1alpha1.ExecCheckSpec;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.HealthCheckSpec;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.TransportSpec;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.udp.AuthKey;
import dev.tandem.vrrp.udp.Keyring;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Base64;
import dev.tandem.vrrp.Reason;
import dev.tandem.vrrp.RouterState;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent's Kubernetes mode against the Fabric8 mock API server (CRUD mode), with fake elections driven by the test
 * and the operator's part (router id, member addresses) played by the test. The operator is not started.
 */
@QuarkusTest
@TestProfile(AgentModeProfile.class)
@WithKubernetesTestServer(crud = true)
class KubernetesAgentTest {
    static final AgentTimings FAST = new AgentTimings(Duration.ofMillis(500), Duration.ofMillis(100),
            Duration.ofMillis(400), Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(30),
            Duration.ofSeconds(2));
    static final Map<String, String> ADDRESSES = Map.of("lb-1", "192.0.2.11", "lb-2", "192.0.2.12");

    @Inject
    KubernetesClient client;

    String ns;
    final FakeElections elections = new FakeElections();
    final List<KubernetesAgent> agents = new ArrayList<>();

    @BeforeEach
    void setUp() {
        ClusterFixtures.installCrds(client);
        ns = ClusterFixtures.namespace(client);
    }

    @AfterEach
    void tearDown() {
        agents.forEach(KubernetesAgent::close);
    }

    KubernetesAgent startAgent(String node) {
        KubernetesAgent agent = new KubernetesAgent(client, ns, "web", node, elections, List.of(), FAST,
                Clock.systemUTC()).start();
        agents.add(agent);
        return agent;
    }

    FailoverPair createPair(HealthCheckSpec... checks) {
        FailoverPair pair = TestResources.pair(ns, "web", "lb-1", "lb-2");
        pair.getSpec().healthChecks = new ArrayList<>(List.of(checks));
        return client.resource(pair).create();
    }

    FloatingIp createFip(String name, String address) {
        return client.resource(TestResources.layer2(ns, name, address, "web")).create();
    }

    /**
     * Changes the spec with a JSON Patch: {@code edit} sends the resourceVersion it read, and the agent's reports
     * change it meanwhile (409), as they would in a cluster.
     */
    void patchPair(String jsonPatch) {
        client.resources(FailoverPair.class).inNamespace(ns).withName("web").patch(PatchContext.of(PatchType.JSON), jsonPatch);
    }

    static HealthCheckSpec haproxyCheck(Integer weight) {
        HealthCheckSpec c = new HealthCheckSpec();
        c.name = "haproxy";
        c.exec = new ExecCheckSpec();
        c.exec.command = List.of("pidof", "haproxy");
        c.weight = weight;
        return c;
    }

    MemberStatus awaitMember(String node, java.util.function.Predicate<MemberStatus> condition) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> ClusterFixtures.member(client, ns, "web", node), m -> m != null && condition.test(m));
    }

    void awaitOpened(int n) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(elections.opened).hasSize(n));
    }

    @Test
    void waitsUntilTheOperatorHasResolvedThePairThenElects() {
        createPair();
        createFip("web-vip", "192.0.2.100");
        KubernetesAgent agent = startAgent("lb-1");

        // No router id and no member addresses yet: nothing to elect with.
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() -> elections.opened.isEmpty());
        assertThat(agent.plan()).isEmpty();

        ClusterFixtures.resolve(client, ns, "web", 42, ADDRESSES);
        awaitOpened(1);
        PairPlan plan = elections.last().plan;
        assertThat(plan.virtualRouterId()).isEqualTo(42);
        assertThat(plan.selfAddress()).isEqualTo("192.0.2.11");
        assertThat(plan.peers()).containsExactly(new PairPlan.Peer("lb-2", "192.0.2.12"));
        assertThat(plan.addresses()).extracting(PairPlan.Layer2Address::floatingIp).containsExactly("web-vip");
        assertThat(agent.plan()).contains(plan);

        // Its first report creates status.members (the JSON Patch has no parent yet: the merge patch fallback).
        MemberStatus entry = awaitMember("lb-1", m -> m.state == MemberStatus.State.BACKUP);
        assertThat(entry.reason).isEqualTo("Startup");
        assertThat(entry.holds).isEmpty();
    }

    @Test
    void aSpecChangeRestartsTheElectionAndAStatusChangeDoesNot() {
        createPair(haproxyCheck(50));
        createFip("web-vip", "192.0.2.100");
        ClusterFixtures.resolve(client, ns, "web", 42, ADDRESSES);
        startAgent("lb-1");
        awaitOpened(1);
        awaitMember("lb-1", m -> m.state == MemberStatus.State.BACKUP);

        // Other members' reports, the operator's aggregation and our own heartbeats only touch status.
        ClusterFixtures.report(client, ns, "web", "lb-2", new MemberStatus(MemberStatus.State.BACKUP, 150));
        client.resources(FailoverPair.class).inNamespace(ns).withName("web").subresource("status")
                .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"add\",\"path\":\"/status/membersReady\",\"value\":\"1/2\"}]");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> elections.opened.size() == 1 && !elections.opened.getFirst().closed);

        patchPair("[{\"op\":\"replace\",\"path\":\"/spec/members/0/priority\",\"value\":180}]");
        awaitOpened(2);
        assertThat(elections.opened.getFirst().closed).as("the old election left before the new one started").isTrue();
        assertThat(elections.last().plan.priority()).isEqualTo(180);
        assertThat(elections.last().closed).isFalse();

        // A new FloatingIp of the pair is part of the plan too.
        createFip("web-vip-2", "192.0.2.101");
        awaitOpened(3);
        assertThat(elections.last().plan.addresses()).extracting(PairPlan.Layer2Address::floatingIp)
                .containsExactly("web-vip", "web-vip-2");
        // One of another pair is not.
        client.resource(TestResources.layer2(ns, "other-vip", "192.0.2.200", "other")).create();
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() -> elections.opened.size() == 3);
    }

    @Test
    void aTransitionWritesItsOwnEntryAndLeavesTheOthersAlone() {
        createPair(haproxyCheck(50));
        createFip("web-vip", "192.0.2.100");
        ClusterFixtures.resolve(client, ns, "web", 42, ADDRESSES);
        MemberStatus other = new MemberStatus(MemberStatus.State.BACKUP, 150);
        other.lastSeen = "2030-01-01T00:00:00Z";
        other.reason = "Startup";
        other.holds = List.of();
        ClusterFixtures.report(client, ns, "web", "lb-2", other);
        Instant before = Instant.now();

        startAgent("lb-1");
        awaitOpened(1);
        MemberStatus starting = awaitMember("lb-1", m -> m.state == MemberStatus.State.BACKUP);
        assertThat(starting.checks).as("checks start failing until they rise").containsExactly(Map.entry("haproxy", "failing"));
        assertThat(starting.effectivePriority).isEqualTo(150);

        FakeElections.Fake election = elections.last();
        election.listener.healthChanged("haproxy", true, "exit 0");
        election.master(Reason.MASTER_DOWN, 180);

        MemberStatus entry = awaitMember("lb-1", m -> m.state == MemberStatus.State.MASTER);
        assertThat(entry.reason).isEqualTo("MasterDown");
        assertThat(entry.takeoverMillis).isEqualTo(180L);
        assertThat(entry.effectivePriority).isEqualTo(200);
        assertThat(entry.checks).containsExactly(Map.entry("haproxy", "passing"));
        assertThat(entry.holds).containsExactly("web-vip");
        assertThat(entry.address).isEqualTo("192.0.2.11");
        assertThat(Instant.parse(entry.since)).isBetween(before, Instant.now());
        assertThat(Instant.parse(entry.lastSeen)).isAfterOrEqualTo(Instant.parse(entry.since));

        MemberStatus lb2 = ClusterFixtures.member(client, ns, "web", "lb-2");
        assertThat(lb2.state).isEqualTo(MemberStatus.State.BACKUP);
        assertThat(lb2.lastSeen).isEqualTo("2030-01-01T00:00:00Z");
        assertThat(lb2.effectivePriority).isEqualTo(150);

        // A heartbeat refreshes lastSeen without a transition; since stays.
        MemberStatus later = awaitMember("lb-1", m -> Instant.parse(m.lastSeen).isAfter(Instant.parse(entry.lastSeen)));
        assertThat(later.since).isEqualTo(entry.since);

        // Stepping down releases the addresses, and holds says so.
        election.become(new Action.BecomeBackup(RouterState.MASTER, Reason.HIGHER_PRIORITY_ADVERT), -1);
        MemberStatus backup = awaitMember("lb-1", m -> m.state == MemberStatus.State.BACKUP);
        assertThat(backup.holds).isEmpty();
        assertThat(backup.takeoverMillis).isNull();
        assertThat(backup.reason).isEqualTo("HigherPriorityAdvert");
    }

    @Test
    void eachTransitionIsRecordedAsAnEvent() {
        createPair();
        ClusterFixtures.resolve(client, ns, "web", 42, ADDRESSES);
        startAgent("lb-1");
        awaitOpened(1);
        FakeElections.Fake election = elections.last();
        election.master(Reason.MASTER_DOWN, 180);
        election.fault(Reason.HEALTH_CHECK_FAILED, "health check haproxy failing");

        List<Event> events = await().atMost(Duration.ofSeconds(10)).until(
                () -> client.v1().events().inNamespace(ns).list().getItems().stream()
                        .filter(e -> "web".equals(e.getInvolvedObject().getName())).toList(),
                l -> l.size() >= 3);
        assertThat(events).hasSize(3);
        String uid = client.resources(FailoverPair.class).inNamespace(ns).withName("web").get().getMetadata().getUid();
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getSource().getComponent()).isEqualTo("tandem-agent");
            assertThat(e.getSource().getHost()).isEqualTo("lb-1");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("FailoverPair");
            assertThat(e.getInvolvedObject().getUid()).isEqualTo(uid);
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("Startup");
            assertThat(e.getType()).isEqualTo("Normal");
            assertThat(e.getMessage()).isEqualTo("lb-1 became BACKUP (Startup)");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("MasterDown");
            assertThat(e.getType()).isEqualTo("Normal");
            assertThat(e.getMessage()).isEqualTo("lb-1 became MASTER (MasterDown, took over 180 ms after the last advert)");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("HealthCheckFailed");
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getMessage()).isEqualTo("lb-1 entered FAULT (HealthCheckFailed: health check haproxy failing)");
        });
        MemberStatus entry = awaitMember("lb-1", m -> m.state == MemberStatus.State.FAULT);
        assertThat(entry.holds).isEmpty();
    }

    @Test
    void aFloatingIpBeingDeletedIsReleasedAndNoLongerHeld() {
        createPair();
        FloatingIp leaving = TestResources.layer2(ns, "vip-a", "192.0.2.100", "web");
        // Stands for the operator's finalizer, which keeps the object until no member holds the address.
        leaving.getMetadata().setFinalizers(List.of("tandem.dev/test-release"));
        client.resource(leaving).create();
        createFip("vip-b", "192.0.2.101");
        ClusterFixtures.resolve(client, ns, "web", 42, ADDRESSES);
        startAgent("lb-1");
        awaitOpened(1);
        assertThat(elections.last().plan.addresses()).extracting(PairPlan.Layer2Address::floatingIp)
                .containsExactly("vip-a", "vip-b");
        elections.last().master(Reason.MASTER_DOWN, 150);
        awaitMember("lb-1", m -> m.holds.equals(List.of("vip-a", "vip-b")));

        client.resources(FloatingIp.class).inNamespace(ns).withName("vip-a").delete();
        assertThat(client.resources(FloatingIp.class).inNamespace(ns).withName("vip-a").get().getMetadata()
                .getDeletionTimestamp()).isNotNull();

        awaitOpened(2);
        assertThat(elections.opened.getFirst().closed).isTrue();
        assertThat(elections.last().plan.addresses()).extracting(PairPlan.Layer2Address::floatingIp)
                .containsExactly("vip-b");
        elections.last().master(Reason.MASTER_DOWN, 150);
        MemberStatus entry = awaitMember("lb-1", m -> m.state == MemberStatus.State.MASTER && m.holds.equals(List.of("vip-b")));
        assertThat(entry.holds).doesNotContain("vip-a");

        client.resources(FloatingIp.class).inNamespace(ns).withName("vip-a")
                .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");
        await().atMost(Duration.ofSeconds(5)).until(() -> client.resources(FloatingIp.class).inNamespace(ns).withName("vip-a").get() == null);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> elections.opened.size() == 2);
    }

    @Test
    void whenTheApiServerRefusesReportsTheElectionGoesOnAndReportsCatchUp() {
        FailoverPair pair = createPair();
        createFip("web-vip", "192.0.2.100");
        ClusterFixtures.resolve(client, ns, "web", 42, ADDRESSES);
        KubernetesAgent agent = startAgent("lb-1");
        awaitOpened(1);
        awaitMember("lb-1", m -> m.state == MemberStatus.State.BACKUP);

        // The pair goes away for a while: every status write fails (404) until it is back.
        client.resources(FailoverPair.class).inNamespace(ns).withName("web").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.resources(FailoverPair.class).inNamespace(ns).withName("web").get() == null);

        FakeElections.Fake election = elections.last();
        long start = System.nanoTime();
        election.master(Reason.MASTER_DOWN, 120);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMillis).as("the election thread never waits for the API server").isLessThan(100);

        await().atMost(Duration.ofSeconds(15)).until(() -> agent.reportFailures() >= 2);
        assertThat(election.closed).as("the election keeps its last configuration").isFalse();
        assertThat(elections.opened).hasSize(1);

        FailoverPair again = TestResources.pair(ns, "web", "lb-1", "lb-2");
        again.getSpec().healthChecks = pair.getSpec().healthChecks;
        client.resource(again).create();
        ClusterFixtures.resolve(client, ns, "web", 42, ADDRESSES);

        MemberStatus entry = awaitMember("lb-1", m -> m.state == MemberStatus.State.MASTER);
        assertThat(entry.holds).containsExactly("web-vip");
        assertThat(entry.takeoverMillis).isEqualTo(120L);
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.reportFailures() == 0);
        assertThat(elections.opened).as("the same plan: no restart").hasSize(1);
        assertThat(election.closed).isFalse();
    }

    @Test
    void whileTheApiServerIsAwayTheElectionKeepsItsConfigurationAndCatchesUpAfter() throws Exception {
        createPair();
        createFip("web-vip", "192.0.2.100");
        ClusterFixtures.resolve(client, ns, "web", 42, ADDRESSES);
        URI api = URI.create(client.getConfiguration().getMasterUrl());
        try (TcpProxy proxy = new TcpProxy(api.getHost(), api.getPort());
             KubernetesClient viaProxy = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                     .withMasterUrl("http://127.0.0.1:" + proxy.port() + "/")
                     .withWatchReconnectInterval(200)
                     .build()).build()) {
            KubernetesAgent agent = new KubernetesAgent(viaProxy, ns, "web", "lb-1", elections, List.of(), FAST,
                    Clock.systemUTC()).start();
            agents.add(agent);
            awaitOpened(1);
            awaitMember("lb-1", m -> m.state == MemberStatus.State.BACKUP);

            proxy.cut();
            FakeElections.Fake election = elections.last();
            election.master(Reason.MASTER_DOWN, 90);
            await().atMost(Duration.ofSeconds(15)).until(() -> agent.reportFailures() >= 2); // slow on a loaded machine
            assertThat(agent.plan()).as("the cache keeps the last configuration").contains(election.plan);
            assertThat(election.closed).isFalse();
            assertThat(ClusterFixtures.member(client, ns, "web", "lb-1").state).isEqualTo(MemberStatus.State.BACKUP);

            proxy.restore();
            MemberStatus entry = awaitMember("lb-1", m -> m.state == MemberStatus.State.MASTER);
            assertThat(entry.takeoverMillis).isEqualTo(90L);
            // The informers list again after reconnecting: the same resources, so the same plan and no restart ...
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> elections.opened.size() == 1 && !election.closed);
            // ... and they watch again: a change reaches the agent.
            patchPair("[{\"op\":\"replace\",\"path\":\"/spec/members/0/priority\",\"value\":190}]");
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(elections.opened).hasSize(2));
            assertThat(elections.last().plan.priority()).isEqualTo(190);
            agent.close();
            agents.remove(agent);
        }
    }

    @Test
    void aPairOnTheUdpTransportWaitsForItsKeySecretThenElectsWithItsKeysAndFollowsARotation() throws Exception {
        FailoverPair pair = TestResources.pair(ns, "web", "lb-1", "lb-2");
        pair.getSpec().transport = new TransportSpec();
        pair.getSpec().transport.type = TransportSpec.Type.udp;
        client.resource(pair).create();
        ClusterFixtures.resolve(client, ns, "web", 42, ADDRESSES);
        KubernetesAgent agent = startAgent("lb-1");
        // No status.authSecretName yet: never fall back to unauthenticated VRRP.
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() -> elections.opened.isEmpty());
        assertThat(agent.plan()).isEmpty();

        String key = "k".repeat(32);
        client.resource(new SecretBuilder().withNewMetadata().withName("tandem-web-auth").withNamespace(ns).endMetadata()
                .withData(Map.of("key", Base64.getEncoder().encodeToString(key.getBytes()))).build()).create();
        client.resources(FailoverPair.class).inNamespace(ns).withName("web").subresource("status")
                .patch(PatchContext.of(PatchType.JSON),
                        "[{\"op\":\"add\",\"path\":\"/status/authSecretName\",\"value\":\"tandem-web-auth\"}]");
        awaitOpened(1);
        FakeElections.Fake election = elections.last();
        assertThat(election.plan.udp()).isEqualTo(new PairPlan.Udp(5798, "tandem-web-auth", "key"));
        assertThat(election.keys.load()).isEqualTo(Keyring.of(AuthKey.of(key.getBytes(), "k")));
        assertThat(election.keys.describe()).isEqualTo("Secret " + ns + "/tandem-web-auth, keys key and previousKey");

        // A rotation: the new key in key, the old one in previousKey. The running election sees it, no restart.
        String next = "n".repeat(40);
        client.secrets().inNamespace(ns).withName("tandem-web-auth").edit(s -> {
            s.setData(Map.of("key", Base64.getEncoder().encodeToString(next.getBytes()),
                    "previousKey", Base64.getEncoder().encodeToString(key.getBytes())));
            return s;
        });
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(election.keys.load())
                .isEqualTo(new Keyring(AuthKey.of(next.getBytes(), "n"), AuthKey.of(key.getBytes(), "k"))));
        assertThat(elections.opened).hasSize(1);
    }

    @Test
    void stoppingLeavesTheElectionAndReportsInit() {
        createPair();
        ClusterFixtures.resolve(client, ns, "web", 42, ADDRESSES);
        KubernetesAgent agent = startAgent("lb-1");
        awaitOpened(1);
        elections.last().master(Reason.MASTER_DOWN, 100);
        awaitMember("lb-1", m -> m.state == MemberStatus.State.MASTER);

        agent.close();
        agents.remove(agent);
        assertThat(elections.last().closed).isTrue();
        MemberStatus entry = ClusterFixtures.member(client, ns, "web", "lb-1");
        assertThat(entry.state).as("the last report went out before close returned").isEqualTo(MemberStatus.State.INIT);
        assertThat(entry.reason).isEqualTo("Shutdown");
        assertThat(entry.holds).isEmpty();
    }

    @Test
    void aNodeRemovedFromTheMembersLeavesTheElection() {
        FailoverPair pair = TestResources.pair(ns, "web", "lb-1", "lb-2", "lb-3");
        client.resource(pair).create();
        ClusterFixtures.resolve(client, ns, "web", 42, Map.of("lb-1", "192.0.2.11", "lb-2", "192.0.2.12",
                "lb-3", "192.0.2.13"));
        startAgent("lb-3");
        awaitOpened(1);

        patchPair("[{\"op\":\"remove\",\"path\":\"/spec/members/2\"}]");
        await().atMost(Duration.ofSeconds(5)).until(() -> elections.last().closed);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> elections.opened.size() == 1);
    }
}
