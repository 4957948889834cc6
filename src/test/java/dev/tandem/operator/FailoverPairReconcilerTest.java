package dev.tandem.operator;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.HealthCheckSpec;
import dev.tandem.api.v1alpha1.ExecCheckSpec;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.TransportSpec;
import dev.tandem.api.v1alpha1.UdpTransportSpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.operator.children.ChildNames;
import dev.tandem.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The FailoverPair controller against the Fabric8 mock API server (CRUD mode), with agents played by the test. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class FailoverPairReconcilerTest {
    @Inject
    KubernetesClient client;
    @Inject
    OperatorLifecycle operator;

    String ns;

    @BeforeEach
    void setUp() {
        TestCluster.prepare(client, operator);
        ns = TestResources.namespace(client);
        TestResources.node(client, "lb-1", "192.0.2.11", Map.of());
        TestResources.node(client, "lb-2", "192.0.2.12", Map.of());
    }

    @Test
    void createsTheElectionWorkloadWithLeastPrivilege() {
        client.resource(TestResources.pair(ns, "web", "lb-1", "lb-2")).create();
        String name = ChildNames.base("web");

        DaemonSet ds = await().atMost(Duration.ofSeconds(15)).until(() -> client.apps().daemonSets().inNamespace(ns).withName(name).get(),
                d -> d != null);
        var pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getServiceAccountName()).isEqualTo(name);
        assertThat(pod.getHostPID()).as("no exec checks, so no host PID namespace").isFalse();
        var term = pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        assertThat(term).hasSize(1);
        assertThat(term.getFirst().getMatchFields().getFirst().getKey()).isEqualTo("metadata.name");
        assertThat(term.getFirst().getMatchFields().getFirst().getValues()).containsExactly("lb-1", "lb-2");
        Container agent = pod.getContainers().getFirst();
        assertThat(agent.getSecurityContext().getPrivileged()).isFalse();
        assertThat(agent.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(agent.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(agent.getSecurityContext().getCapabilities().getAdd()).as("SYS_NICE: the election thread runs SCHED_FIFO")
                .containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW", "SYS_NICE");
        assertThat(agent.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(ds.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("FailoverPair"))
                .satisfies(o -> assertThat(o.getController()).isTrue());

        assertThat(client.serviceAccounts().inNamespace(ns).withName(name).get()).isNotNull();
        Role role = client.rbac().roles().inNamespace(ns).withName(name).get();
        assertThat(role.getRules()).anySatisfy(r -> {
            assertThat(r.getResources()).containsExactly("failoverpairs/status");
            assertThat(r.getResourceNames()).containsExactly("web");
            assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "patch");
        });
        assertThat(role.getRules()).noneSatisfy(r -> assertThat(r.getResources()).contains("nodes"));
        assertThat(client.rbac().roleBindings().inNamespace(ns).withName(name).get().getSubjects().getFirst().getName())
                .isEqualTo(name);

        FailoverPair pair = awaitStatus("web", s -> s.virtualRouterId != null && s.observedGeneration != null);
        assertThat(pair.getStatus().virtualRouterId).isBetween(1, 255);
        assertThat(pair.getStatus().memberAddresses).containsEntry("lb-1", "192.0.2.11").containsEntry("lb-2", "192.0.2.12");
        assertThat(pair.getStatus().membersReady).isEqualTo("0/2");
        assertThat(ready(pair)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("NoActiveMember");
        });
        assertThat(agent.getPorts().getFirst().getContainerPort()).isEqualTo(9560 + pair.getStatus().virtualRouterId);
    }

    @Test
    void aggregatesWhatTheAgentsReport() {
        client.resource(TestResources.pair(ns, "agg", "lb-1", "lb-2")).create();
        awaitStatus("agg", s -> s.virtualRouterId != null);

        TestResources.report(client, ns, "agg", "lb-1", "MASTER");
        TestResources.report(client, ns, "agg", "lb-2", "BACKUP");
        FailoverPair pair = awaitStatus("agg", s -> "lb-1".equals(s.activeMember) && "2/2".equals(s.membersReady));
        assertThat(pair.getStatus().membersReady).isEqualTo("2/2");
        assertThat(ready(pair).getStatus()).isEqualTo("True");
        assertThat(pair.getStatus().transitions).isEqualTo(1L);
        assertThat(pair.getStatus().history).singleElement().satisfies(h -> {
            assertThat(h.to).isEqualTo("lb-1");
            assertThat(h.reason).isEqualTo("MasterDown");
            assertThat(h.takeoverMillis).isEqualTo(180L);
        });
        assertThat(pair.getStatus().members.get("lb-1").state).as("the agent's own fields survive the operator's patches")
                .isEqualTo(MemberStatus.State.MASTER);

        // Both claim MASTER (e.g. a partition): not ready, and said so.
        TestResources.report(client, ns, "agg", "lb-2", "MASTER");
        pair = awaitStatus("agg", s -> "SplitBrain".equals(Conditions.find(s.conditions, Conditions.READY).getReason()));
        assertThat(pair.getStatus().activeMember).isNull();
        assertThat(ready(pair).getMessage()).contains("lb-1").contains("lb-2");

        // lb-1 stops reporting: its stale MASTER claim no longer counts.
        TestResources.report(client, ns, "agg", "lb-1", "MASTER", Instant.now().minus(Duration.ofMinutes(5)));
        pair = awaitStatus("agg", s -> "lb-2".equals(s.activeMember));
        assertThat(pair.getStatus().transitions).isEqualTo(2L);
        Condition degraded = Conditions.find(pair.getStatus().conditions, Conditions.DEGRADED);
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getMessage()).contains("lb-1 has not reported since");
    }

    @Test
    void anAgentsReportFromBeforeTheOperatorsFirstStatusSurvivesIt() {
        // An agent can report before the operator wrote any status (e.g. the operator was down): the operator's first
        // write must merge with it, not replace it.
        client.resource(TestResources.pair(ns, "early", "lb-1", "lb-2")).create();
        TestResources.report(client, ns, "early", "lb-1", "MASTER");
        FailoverPair pair = awaitStatus("early", s -> s.virtualRouterId != null && "lb-1".equals(s.activeMember));
        assertThat(pair.getStatus().members.get("lb-1").state).isEqualTo(MemberStatus.State.MASTER);
    }

    @Test
    void updatesTheDaemonSetWhenTheSpecChanges() {
        client.resource(TestResources.pair(ns, "upd", "lb-1", "lb-2")).create();
        String name = ChildNames.base("upd");
        await().atMost(Duration.ofSeconds(15)).until(() -> client.apps().daemonSets().inNamespace(ns).withName(name).get() != null);
        String before = client.apps().daemonSets().inNamespace(ns).withName(name).get().getMetadata().getResourceVersion();

        HealthCheckSpec check = new HealthCheckSpec();
        check.name = "haproxy";
        check.exec = new ExecCheckSpec();
        check.exec.command = List.of("pidof", "haproxy");
        // edit() patches only the spec: no conflict with the operator's concurrent status writes.
        client.resources(FailoverPair.class).inNamespace(ns).withName("upd").edit(p -> {
            p.getSpec().healthChecks = List.of(check);
            return p;
        });

        DaemonSet ds = await().atMost(Duration.ofSeconds(15)).until(
                () -> client.apps().daemonSets().inNamespace(ns).withName(name).get(),
                d -> Boolean.TRUE.equals(d.getSpec().getTemplate().getSpec().getHostPID()));
        assertThat(ds.getMetadata().getResourceVersion()).isNotEqualTo(before);
    }

    @Test
    void leavesTheDaemonSetAloneWhenNothingChanged() throws InterruptedException {
        client.resource(TestResources.pair(ns, "steady", "lb-1", "lb-2")).create();
        String name = ChildNames.base("steady");
        awaitStatus("steady", s -> s.virtualRouterId != null);
        String before = client.apps().daemonSets().inNamespace(ns).withName(name).get().getMetadata().getResourceVersion();
        // Agent reports trigger reconciles; none of them may rewrite the children.
        for (int i = 0; i < 5; i++) {
            TestResources.report(client, ns, "steady", "lb-1", i % 2 == 0 ? "MASTER" : "BACKUP");
        }
        awaitStatus("steady", s -> s.activeMember == null || s.activeMember.equals("lb-1"));
        Thread.sleep(1_000);
        assertThat(client.apps().daemonSets().inNamespace(ns).withName(name).get().getMetadata().getResourceVersion())
                .isEqualTo(before);
    }

    @Test
    void rejectsAnInvalidSpecWithTheFieldNamedAndCreatesNothing() {
        FailoverPair pair = TestResources.pair(ns, "bad", "lb-1", "lb-2");
        pair.getSpec().members.get(1).priority = 300;
        pair.getSpec().advertInterval = "15ms";
        client.resource(pair).create();

        FailoverPair seen = awaitStatus("bad", s -> Conditions.find(s.conditions, Conditions.READY) != null);
        Condition ready = ready(seen);
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("InvalidSpec");
        assertThat(ready.getMessage()).contains("spec.members[1].priority").contains("300")
                .contains("spec.advertInterval");
        assertThat(client.apps().daemonSets().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.serviceAccounts().inNamespace(ns).withName(ChildNames.base("bad")).get()).isNull();

        // Bad input is reported once, not rewritten in a loop.
        String version = client.resources(FailoverPair.class).inNamespace(ns).withName("bad").get().getMetadata().getResourceVersion();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> version.equals(
                client.resources(FailoverPair.class).inNamespace(ns).withName("bad").get().getMetadata().getResourceVersion()));
        assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .filteredOn(e -> "InvalidSpec".equals(e.getReason())).hasSize(1);
    }

    @Test
    void anInvalidUpdateKeepsTheRunningWorkload() {
        client.resource(TestResources.pair(ns, "keep", "lb-1", "lb-2")).create();
        String name = ChildNames.base("keep");
        awaitStatus("keep", s -> s.virtualRouterId != null);
        DaemonSet before = client.apps().daemonSets().inNamespace(ns).withName(name).get();

        client.resources(FailoverPair.class).inNamespace(ns).withName("keep").edit(p -> {
            p.getSpec().members.get(1).node = "lb-1";
            return p;
        });

        FailoverPair seen = awaitStatus("keep", s -> "InvalidSpec".equals(Conditions.find(s.conditions, Conditions.READY).getReason()));
        assertThat(ready(seen).getMessage()).contains("spec.members[1].node").contains("listed twice");
        assertThat(client.apps().daemonSets().inNamespace(ns).withName(name).get().getSpec())
                .isEqualTo(before.getSpec());
    }

    @Test
    void reportsAMissingMemberNode() {
        client.resource(TestResources.pair(ns, "ghost", "lb-1", "lb-9")).create();
        FailoverPair seen = awaitStatus("ghost", s -> Conditions.find(s.conditions, Conditions.DEGRADED) != null);
        Condition degraded = Conditions.find(seen.getStatus().conditions, Conditions.DEGRADED);
        assertThat(degraded.getReason()).isEqualTo("MemberNodeMissing");
        assertThat(degraded.getMessage()).contains("node lb-9 does not exist");
        // The existing member still gets its agent.
        assertThat(client.apps().daemonSets().inNamespace(ns).withName(ChildNames.base("ghost")).get()).isNotNull();
    }

    @Test
    void allocatesDistinctRouterIdsAndRefusesAConflictingOne() {
        client.resource(TestResources.pair(ns, "first", "lb-1", "lb-2")).create();
        int first = awaitStatus("first", s -> s.virtualRouterId != null).getStatus().virtualRouterId;
        client.resource(TestResources.pair(ns, "second", "lb-1", "lb-2")).create();
        int second = awaitStatus("second", s -> s.virtualRouterId != null).getStatus().virtualRouterId;
        assertThat(second).isNotEqualTo(first);

        FailoverPair clash = TestResources.pair(ns, "clash", "lb-2", "lb-1");
        clash.getSpec().virtualRouterId = 77;
        client.resource(clash).create();
        awaitStatus("clash", s -> Integer.valueOf(77).equals(s.virtualRouterId));
        FailoverPair clash2 = TestResources.pair(ns, "clash2", "lb-1", "lb-2");
        clash2.getSpec().virtualRouterId = 77;
        client.resource(clash2).create();
        FailoverPair seen = awaitStatus("clash2", s -> Conditions.find(s.conditions, Conditions.READY) != null);
        assertThat(ready(seen).getReason()).isEqualTo("RouterIdConflict");
        assertThat(ready(seen).getMessage()).contains("virtualRouterId 77").contains(ns + "/clash");
    }

    @Test
    void generatesTheUdpKeyOnceAndChecksAGivenOne() {
        FailoverPair pair = TestResources.pair(ns, "udp", "lb-1", "lb-2");
        pair.getSpec().transport = new TransportSpec();
        pair.getSpec().transport.type = TransportSpec.Type.udp;
        client.resource(pair).create();
        String secretName = ChildNames.authSecret("udp");
        FailoverPair seen = awaitStatus("udp", s -> secretName.equals(s.authSecretName));
        Secret secret = client.secrets().inNamespace(ns).withName(secretName).get();
        assertThat(Base64.getDecoder().decode(secret.getData().get("key"))).hasSize(32);
        assertThat(client.rbac().roles().inNamespace(ns).withName(ChildNames.base("udp")).get().getRules())
                .anySatisfy(r -> assertThat(r.getResourceNames()).contains(secretName));
        // The generated key never changes once created: rotating it would split the pair.
        TestResources.report(client, ns, "udp", "lb-1", "BACKUP");
        awaitStatus("udp", s -> "1/2".equals(s.membersReady));
        assertThat(client.secrets().inNamespace(ns).withName(secretName).get().getData()).isEqualTo(secret.getData());
        assertThat(seen.getStatus().toString()).doesNotContain(secret.getData().get("key"));

        FailoverPair named = TestResources.pair(ns, "udp-named", "lb-1", "lb-2");
        named.getSpec().transport = new TransportSpec();
        named.getSpec().transport.type = TransportSpec.Type.udp;
        named.getSpec().transport.udp = new UdpTransportSpec();
        named.getSpec().transport.udp.authSecretRef = new SecretKeyRef("no-such-secret", null);
        client.resource(named).create();
        FailoverPair missing = awaitStatus("udp-named", s -> Conditions.find(s.conditions, Conditions.READY) != null);
        assertThat(ready(missing).getReason()).isEqualTo("AuthSecretMissing");
        assertThat(ready(missing).getMessage()).contains("no-such-secret");

        // During a rotation the old key sits beside the new one as previousKey: it must be a usable key too.
        client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("rotating")
                .withNamespace(ns).endMetadata().withData(java.util.Map.of(
                        "key", Base64.getEncoder().encodeToString(new byte[32]),
                        "previousKey", Base64.getEncoder().encodeToString(new byte[16]))).build()).create();
        FailoverPair rotating = TestResources.pair(ns, "udp-rotating", "lb-1", "lb-2");
        rotating.getSpec().transport = new TransportSpec();
        rotating.getSpec().transport.type = TransportSpec.Type.udp;
        rotating.getSpec().transport.udp = new UdpTransportSpec();
        rotating.getSpec().transport.udp.authSecretRef = new SecretKeyRef("rotating", null);
        client.resource(rotating).create();
        FailoverPair shortPrevious = awaitStatus("udp-rotating", s -> Conditions.find(s.conditions, Conditions.READY) != null);
        assertThat(ready(shortPrevious).getReason()).isEqualTo("AuthSecretInvalid");
        assertThat(ready(shortPrevious).getMessage()).contains("\"previousKey\"").contains("shorter than 32 bytes");
    }

    @Test
    void deletingThePairRemovesItsWorkload() {
        client.resource(TestResources.pair(ns, "gone", "lb-1", "lb-2")).create();
        String name = ChildNames.base("gone");
        awaitStatus("gone", s -> s.virtualRouterId != null);
        assertThat(client.apps().daemonSets().inNamespace(ns).withName(name).get()).isNotNull();

        client.resources(FailoverPair.class).inNamespace(ns).withName("gone").delete();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(client.resources(FailoverPair.class).inNamespace(ns).withName("gone").get()).isNull();
            assertThat(client.apps().daemonSets().inNamespace(ns).withName(name).get()).isNull();
            assertThat(client.rbac().roles().inNamespace(ns).withName(name).get()).isNull();
            assertThat(client.rbac().roleBindings().inNamespace(ns).withName(name).get()).isNull();
            assertThat(client.serviceAccounts().inNamespace(ns).withName(name).get()).isNull();
        });
    }

    private FailoverPair awaitStatus(String name, java.util.function.Predicate<dev.tandem.api.v1alpha1.FailoverPairStatus> test) {
        return await().atMost(Duration.ofSeconds(15)).until(
                () -> client.resources(FailoverPair.class).inNamespace(ns).withName(name).get(),
                p -> p != null && p.getStatus() != null && test.test(p.getStatus()));
    }

    private static Condition ready(FailoverPair pair) {
        return Conditions.find(pair.getStatus().conditions, Conditions.READY);
    }
}
