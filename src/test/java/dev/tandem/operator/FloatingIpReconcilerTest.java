package dev.tandem.operator;

import dev.tandem.api.v1alpha1.DigitalOceanSpec;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.FloatingIpStatus;
import dev.tandem.api.v1alpha1.FloatingIpStatus.Phase;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.operator.status.Conditions;
import dev.tandem.operator.status.FloatingIpStatusAggregator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The FloatingIp controller against the Fabric8 mock API server (CRUD mode), with the election agents played by the
 * test: they write their own entry of the pair's status and list the FloatingIps they hold in {@code holds}.
 *
 * <p>Address conflicts are checked across all namespaces and the mock server lives as long as the Quarkus application,
 * so every test uses addresses no other test uses.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class FloatingIpReconcilerTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String SECRET_VALUE = "dop_v1_SECRET_VALUE_123";

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
    void aMissingPairIsReportedAndClearedWhenThePairAppears() {
        client.resource(TestResources.layer2(ns, "orphan", "198.51.100.10", "later")).create();

        FloatingIp seen = awaitStatus("orphan", s -> s.phase != null);
        assertThat(seen.getStatus().phase).isEqualTo(Phase.Pending);
        assertThat(ready(seen).getStatus()).isEqualTo("False");
        assertThat(ready(seen).getReason()).isEqualTo("PairNotFound");
        assertThat(ready(seen).getMessage()).contains("FailoverPair later").contains(ns);
        Condition refs = references(seen);
        assertThat(refs.getStatus()).isEqualTo("False");
        assertThat(refs.getReason()).isEqualTo("PairNotFound");
        assertThat(refs.getMessage()).contains("later").contains("spec.failoverPairRef");
        assertThat(seen.getStatus().provider).isEqualTo("layer2");
        assertThat(seen.getStatus().observedGeneration).isEqualTo(seen.getMetadata().getGeneration());

        // The pair's appearance alone triggers the FloatingIp (well within the resync interval).
        client.resource(TestResources.pair(ns, "later", "lb-1", "lb-2")).create();
        FloatingIp resolved = awaitStatus("orphan", s -> "True".equals(Conditions.find(s.conditions,
                FloatingIpStatusAggregator.REFERENCES).getStatus()));
        assertThat(references(resolved).getReason()).isEqualTo("Resolved");
        assertThat(ready(resolved).getReason()).isEqualTo("NoActiveMember");
        assertThat(resolved.getStatus().phase).isEqualTo(Phase.Pending);
    }

    @Test
    void reportsMissingCredentialsByNameAndNeverTheirValue() {
        client.resource(TestResources.pair(ns, "do", "lb-1", "lb-2")).create();
        client.resource(TestResources.digitalocean(ns, "do-vip", "198.51.100.20", "do", "do-token")).create();

        FloatingIp missing = awaitStatus("do-vip", s -> reasonIs(s, "SecretNotFound"));
        assertThat(missing.getStatus().phase).isEqualTo(Phase.Pending);
        assertThat(missing.getStatus().provider).isEqualTo("digitalocean");
        assertThat(ready(missing).getStatus()).isEqualTo("False");
        assertThat(ready(missing).getMessage()).contains("Secret do-token").contains("credentialsSecretRef");
        assertThat(references(missing).getReason()).isEqualTo("SecretNotFound");

        // The Secret exists, but holds the token under another key than the default "token".
        TestResources.secret(client, ns, "do-token", Map.of("api-token", SECRET_VALUE));
        // Secrets are not watched: a change to the FloatingIp makes it look again (else the next resync would).
        touch("do-vip");
        FloatingIp noKey = awaitStatus("do-vip", s -> reasonIs(s, "SecretKeyMissing"));
        assertThat(ready(noKey).getMessage()).contains("Secret do-token").contains("\"token\"");
        assertThat(references(noKey).getReason()).isEqualTo("SecretKeyMissing");

        // A key named explicitly is the one looked for.
        FloatingIp explicit = TestResources.digitalocean(ns, "do-vip-2", "198.51.100.21", "do", "do-token");
        explicit.getSpec().provider.digitalocean.credentialsSecretRef.key = "api-token";
        client.resource(explicit).create();
        FloatingIp ok = awaitStatus("do-vip-2", s -> reasonIs(s, "NoActiveMember"));
        assertThat(references(ok).getStatus()).isEqualTo("True");

        // Let any Events of the last reconciles land, then look everywhere a value could leak.
        await().atMost(WAIT).until(() -> events("do-vip").stream().anyMatch(e -> "SecretKeyMissing".equals(e.getReason())));
        String encoded = Base64.getEncoder().encodeToString(SECRET_VALUE.getBytes(StandardCharsets.UTF_8));
        for (String name : List.of("do-vip", "do-vip-2")) {
            FloatingIp fip = client.resources(FloatingIp.class).inNamespace(ns).withName(name).get();
            assertThat(Serialization.asJson(fip.getStatus())).doesNotContain(SECRET_VALUE).doesNotContain(encoded);
            for (Condition c : fip.getStatus().conditions) {
                assertThat(c.getMessage()).doesNotContain(SECRET_VALUE).doesNotContain(encoded);
            }
        }
        List<Event> all = client.v1().events().inNamespace(ns).list().getItems();
        assertThat(all).isNotEmpty();
        for (Event e : all) {
            assertThat(Serialization.asJson(e)).doesNotContain(SECRET_VALUE).doesNotContain(encoded);
        }
    }

    @Test
    void twoProviderBlocksAreAnInvalidSpec() {
        FloatingIp fip = TestResources.layer2(ns, "both", "198.51.100.30", "any");
        fip.getSpec().provider.digitalocean = new DigitalOceanSpec();
        fip.getSpec().provider.digitalocean.credentialsSecretRef = new SecretKeyRef("s", null);
        client.resource(fip).create();

        FloatingIp seen = awaitStatus("both", s -> s.phase != null);
        assertThat(seen.getStatus().phase).isEqualTo(Phase.Failed);
        assertThat(ready(seen).getStatus()).isEqualTo("False");
        assertThat(ready(seen).getReason()).isEqualTo("InvalidSpec");
        assertThat(ready(seen).getMessage()).contains("spec.provider").contains("layer2").contains("digitalocean");
        assertThat(references(seen).getReason()).isEqualTo("InvalidSpec");
        assertThat(seen.getStatus().provider).as("no single provider").isNull();
    }

    @Test
    void anAddressThatIsNoAddressIsAnInvalidSpec() {
        client.resource(TestResources.layer2(ns, "bad-address", "999.1.1.1", "any")).create();

        FloatingIp seen = awaitStatus("bad-address", s -> s.phase != null);
        assertThat(seen.getStatus().phase).isEqualTo(Phase.Failed);
        assertThat(ready(seen).getReason()).isEqualTo("InvalidSpec");
        assertThat(ready(seen).getMessage()).contains("spec.address").contains("999.1.1.1");
    }

    @Test
    void followsTheActiveMemberAndCountsMoves() {
        createPair("lb");
        client.resource(TestResources.layer2(ns, "vip", "198.51.100.40", "lb")).create();

        FloatingIp pending = awaitStatus("vip", s -> s.phase != null);
        assertThat(pending.getStatus().phase).isEqualTo(Phase.Pending);
        assertThat(ready(pending).getReason()).isEqualTo("NoActiveMember");
        assertThat(pending.getStatus().holderNode).isNull();
        assertThat(pending.getStatus().moves).isZero();

        // lb-1 won the election but has not put the address up yet.
        TestResources.report(client, ns, "lb", "lb-1", "MASTER");
        TestResources.report(client, ns, "lb", "lb-2", "BACKUP");
        FloatingIp assigning = awaitStatus("vip", s -> s.phase == Phase.Assigning);
        assertThat(ready(assigning).getReason()).isEqualTo("Assigning");
        assertThat(ready(assigning).getMessage()).contains("lb-1");
        assertThat(assigning.getStatus().holderNode).isNull();
        assertThat(assigning.getStatus().moves).isZero();

        TestResources.report(client, ns, "lb", "lb-1", "MASTER", "vip");
        FloatingIp assigned = awaitStatus("vip", s -> s.phase == Phase.Assigned);
        assertThat(ready(assigned).getStatus()).isEqualTo("True");
        assertThat(assigned.getStatus().holderNode).isEqualTo("lb-1");
        assertThat(assigned.getStatus().moves).isEqualTo(1L);
        assertThat(assigned.getStatus().lastMove.to).isEqualTo("lb-1");
        assertThat(assigned.getStatus().lastMove.from).isNull();
        assertThat(assigned.getStatus().lastMove.time).isNotNull();

        // Failover: lb-2 takes over and holds the address, lb-1 lets go of it.
        TestResources.report(client, ns, "lb", "lb-2", "MASTER", "vip");
        TestResources.report(client, ns, "lb", "lb-1", "BACKUP");
        FloatingIp moved = awaitStatus("vip", s -> s.phase == Phase.Assigned && "lb-2".equals(s.holderNode));
        assertThat(moved.getStatus().moves).isEqualTo(2L);
        assertThat(moved.getStatus().lastMove.from).isEqualTo("lb-1");
        assertThat(moved.getStatus().lastMove.to).isEqualTo("lb-2");
        assertThat(ready(moved).getStatus()).isEqualTo("True");

        await().atMost(WAIT).untilAsserted(() -> assertThat(events("vip"))
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("Moved");
                    assertThat(e.getType()).isEqualTo("Normal");
                    assertThat(e.getMessage()).contains("198.51.100.40").contains("from lb-1").contains("to lb-2");
                }));
    }

    @Test
    void aProviderThatNamesObjectsPerMemberMustCoverEveryMember() {
        client.resource(TestResources.pair(ns, "bonders", "lb-1", "lb-2")).create();
        TestResources.secret(client, ns, "mgmt", Map.of("username", "ops@example.net", "password", "pw"));
        client.resource(TestResources.multapplied(ns, "routing", "198.51.100.50", "bonders", "mgmt", "lb-1", "lb-3"))
                .create();

        FloatingIp seen = awaitStatus("routing", s -> s.phase != null);
        assertThat(seen.getStatus().phase).isEqualTo(Phase.Pending);
        assertThat(ready(seen).getStatus()).isEqualTo("False");
        assertThat(ready(seen).getReason()).isEqualTo("MemberNotMapped");
        assertThat(ready(seen).getMessage()).contains("spec.provider.multapplied.bonds")
                .contains("member node lb-2").contains("lb-3");
        assertThat(references(seen).getReason()).isEqualTo("MemberNotMapped");
        assertThat(seen.getStatus().provider).isEqualTo("multapplied");
    }

    @Test
    void theYoungerOfTwoFloatingIpsOfOneAddressIsRefused() throws InterruptedException {
        client.resource(TestResources.pair(ns, "dup", "lb-1", "lb-2")).create();
        // Named so that the younger one sorts first: only age may decide.
        client.resource(TestResources.layer2(ns, "b-older", "198.51.100.60", "dup")).create();
        awaitStatus("b-older", s -> s.phase != null);
        // Creation timestamps have one-second resolution.
        Thread.sleep(1_100);
        client.resource(TestResources.layer2(ns, "a-younger", "198.51.100.60", "dup")).create();

        FloatingIp younger = awaitStatus("a-younger", s -> s.phase != null);
        assertThat(ready(younger).getStatus()).isEqualTo("False");
        assertThat(ready(younger).getReason()).isEqualTo("AddressConflict");
        assertThat(ready(younger).getMessage()).contains("198.51.100.60").contains(ns + "/b-older");
        assertThat(references(younger).getReason()).isEqualTo("AddressConflict");

        FloatingIp older = client.resources(FloatingIp.class).inNamespace(ns).withName("b-older").get();
        assertThat(ready(older).getReason()).isEqualTo("NoActiveMember");
        assertThat(references(older).getStatus()).isEqualTo("True");
    }

    @Test
    void deletionWaitsUntilNoMemberHoldsTheAddress() {
        createPair("rel");
        client.resource(TestResources.layer2(ns, "held", "198.51.100.70", "rel")).create();
        TestResources.report(client, ns, "rel", "lb-1", "MASTER", "held");
        TestResources.report(client, ns, "rel", "lb-2", "BACKUP");
        FloatingIp assigned = awaitStatus("held", s -> s.phase == Phase.Assigned);
        assertThat(assigned.getMetadata().getFinalizers()).isNotEmpty();

        client.resources(FloatingIp.class).inNamespace(ns).withName("held").delete();
        FloatingIp releasing = awaitStatus("held", s -> s.phase == Phase.Releasing);
        assertThat(releasing.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(ready(releasing).getReason()).isEqualTo("Releasing");
        assertThat(ready(releasing).getMessage()).contains("lb-1");
        // Still there a while later: the agent has not let go yet.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(
                () -> client.resources(FloatingIp.class).inNamespace(ns).withName("held").get() != null);

        TestResources.report(client, ns, "rel", "lb-1", "MASTER");
        await().atMost(WAIT).until(() -> client.resources(FloatingIp.class).inNamespace(ns).withName("held").get() == null);
    }

    @Test
    void deletingAFloatingIpNobodyHoldsIsPrompt() {
        client.resource(TestResources.pair(ns, "idle", "lb-1", "lb-2")).create();
        client.resource(TestResources.layer2(ns, "unheld", "198.51.100.80", "idle")).create();
        FloatingIp seen = awaitStatus("unheld", s -> s.phase != null);
        assertThat(seen.getMetadata().getFinalizers()).isNotEmpty();

        client.resources(FloatingIp.class).inNamespace(ns).withName("unheld").delete();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> client.resources(FloatingIp.class).inNamespace(ns).withName("unheld").get() == null);
    }

    @Test
    void anInvalidSpecIsNotRewrittenOverAndOver() throws InterruptedException {
        client.resource(TestResources.layer2(ns, "steady-bad", "999.1.1.2", "any")).create();
        awaitStatus("steady-bad", s -> reasonIs(s, "InvalidSpec"));
        // Let the reconcile that wrote the status see its own write.
        Thread.sleep(500);
        FloatingIp before = client.resources(FloatingIp.class).inNamespace(ns).withName("steady-bad").get();
        int eventsBefore = events("steady-bad").size();

        Thread.sleep(2_000);
        FloatingIp after = client.resources(FloatingIp.class).inNamespace(ns).withName("steady-bad").get();
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(events("steady-bad")).hasSize(eventsBefore);
    }

    /**
     * Creates a pair of lb-1 and lb-2 and waits for the operator's first status write, as an agent does (it runs only
     * once the operator made its DaemonSet): that first write sets the whole status and would drop earlier reports.
     */
    private void createPair(String name) {
        client.resource(TestResources.pair(ns, name, "lb-1", "lb-2")).create();
        await().atMost(WAIT).until(() -> client.resources(FailoverPair.class).inNamespace(ns).withName(name).get(),
                p -> p != null && p.getStatus() != null && p.getStatus().virtualRouterId != null);
    }

    private void touch(String name) {
        client.resources(FloatingIp.class).inNamespace(ns).withName(name)
                .edit(f -> {
                    Map<String, String> annotations = f.getMetadata().getAnnotations() == null ? new HashMap<>()
                            : new HashMap<>(f.getMetadata().getAnnotations());
                    annotations.put("test.tandem.dev/touched", String.valueOf(System.nanoTime()));
                    f.getMetadata().setAnnotations(annotations);
                    return f;
                });
    }

    private List<Event> events(String name) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> e.getInvolvedObject() != null && name.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    private FloatingIp awaitStatus(String name, Predicate<FloatingIpStatus> test) {
        return await().atMost(WAIT).until(
                () -> client.resources(FloatingIp.class).inNamespace(ns).withName(name).get(),
                f -> f != null && f.getStatus() != null && test.test(f.getStatus()));
    }

    private static boolean reasonIs(FloatingIpStatus s, String reason) {
        Condition ready = Conditions.find(s.conditions, Conditions.READY);
        return ready != null && reason.equals(ready.getReason());
    }

    private static Condition ready(FloatingIp fip) {
        return Conditions.find(fip.getStatus().conditions, Conditions.READY);
    }

    private static Condition references(FloatingIp fip) {
        return Conditions.find(fip.getStatus().conditions, FloatingIpStatusAggregator.REFERENCES);
    }
}
