package dev.tandem.operator;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.FloatingIpStatus;
import dev.tandem.api.v1alpha1.HetznerSpec;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.MemberStatus.State;
import dev.tandem.api.v1alpha1.ProviderSpec;
import dev.tandem.api.v1alpha1.RetrySpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.operator.drift.DriftChecker;
import dev.tandem.operator.status.Conditions;
import dev.tandem.operator.status.FloatingIpStatusAggregator;
import dev.tandem.provider.digitalocean.DigitalOceanSimulator;
import dev.tandem.provider.hetzner.HetznerSimulator;
import dev.tandem.provider.sim.HttpSimulator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's drift check against the provider simulators: the agents are played by the test (they write their own
 * entry of the pair's status), the cloud by a simulator on loopback whose base URL is the FloatingIp's apiUrl, and a
 * "move in the console" is a change made directly in the simulator. Checks run every second here (see
 * {@link DriftTestProfile}), with a grace of ten seconds.
 */
@QuarkusTest
@TestProfile(DriftTestProfile.class)
@WithKubernetesTestServer(crud = true)
class FloatingIpDriftTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = "dop_v1_0perator-t0ken-never-shown";
    private static final String WRONG_TOKEN = "dop_v1_WR0NG-t0ken-never-shown";
    private static final String POST_ASSIGN = "/v2/reserved_ips/.*/actions";

    @Inject
    KubernetesClient client;
    @Inject
    OperatorLifecycle operator;
    @Inject
    DriftChecker drift;
    @Inject
    MeterRegistry registry;
    @TestHTTPResource("/q/metrics")
    URI metrics;

    String ns;
    final List<HttpSimulator> simulators = new ArrayList<>();

    @BeforeEach
    void setUp() {
        TestCluster.prepare(client, operator);
        ns = TestResources.namespace(client);
        TestResources.node(client, "do-1", "192.0.2.21", "digitalocean://101");
        TestResources.node(client, "do-2", "192.0.2.22", "digitalocean://102");
        TestResources.node(client, "hz-1", "192.0.2.31", "hcloud://41");
        TestResources.node(client, "hz-2", "192.0.2.32", "hcloud://42");
    }

    @AfterEach
    void closeSimulators() {
        simulators.forEach(HttpSimulator::close);
    }

    @Test
    void driftIsMovedBackToTheActiveMemberAndRecorded() throws Exception {
        DigitalOceanSimulator sim = digitalOcean("203.0.113.101", 101L);
        activePair("lb", "do-1", "do-2", Instant.now().minusSeconds(60), "vip");
        double repairsBefore = repairs("digitalocean");
        client.resource(doFloatingIp("vip", "203.0.113.101", "lb", sim)).create();

        FloatingIp inSync = awaitStatus("vip", s -> reasonIs(s, "InSync"));
        assertThat(providerInSync(inSync).getStatus()).isEqualTo("True");
        assertThat(providerInSync(inSync).getMessage()).contains("digitalocean").contains("203.0.113.101")
                .contains("do-1 (101)");
        assertThat(inSync.getStatus().driftRepairs).isZero();
        assertThat(sim.mutatingRequests()).isEmpty();
        assertThat(drift.holdsProvider(inSync.getMetadata().getUid())).isTrue();

        // Someone moves the reserved IP to the backup's droplet in the console.
        sim.startAction("203.0.113.101", "assign_ip", 102L);

        FloatingIp repaired = awaitStatus("vip", s -> s.driftRepairs != null && s.driftRepairs == 1
                && reasonIs(s, "InSync"));
        assertThat(sim.holderOf("203.0.113.101")).contains(101L);
        FloatingIpStatus.DriftRepair record = repaired.getStatus().lastDriftRepair;
        assertThat(record.from).isEqualTo("102");
        assertThat(record.fromNode).isEqualTo("do-2");
        assertThat(record.to).isEqualTo("101");
        assertThat(record.toNode).isEqualTo("do-1");
        assertThat(Instant.parse(record.time)).isAfter(Instant.now().minusSeconds(30));
        assertThat(sim.mutatingRequests()).hasSize(1);
        assertThat(sim.mutatingRequests().getFirst().json().path("droplet_id").asLong()).isEqualTo(101L);
        // The agents' view is unchanged: do-1 still holds it, no move was counted.
        assertThat(repaired.getStatus().holderNode).isEqualTo("do-1");

        await().atMost(WAIT).untilAsserted(() -> assertThat(events("vip", "DriftRepaired")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).contains("203.0.113.101").contains("do-2 (102)")
                            .contains("do-1 (101)").contains("digitalocean");
                }));
        assertThat(repairs("digitalocean")).isEqualTo(repairsBefore + 1);
        Timer reads = registry.find("tandem.provider.call").tag("provider", "digitalocean")
                .tag("operation", "get_reserved_ip").tag("outcome", "success").timer();
        assertThat(reads).as("provider calls are timed").isNotNull();
        assertThat(reads.count()).isPositive();
        assertThat(registry.find("tandem.provider.call").tag("provider", "digitalocean")
                .tag("operation", "post_action").tag("outcome", "success").timer()).isNotNull();
        // The names Prometheus sees, as the README documents them.
        assertThat(scrape()).containsPattern("tandem_operator_drift_repairs_total\\{provider=\"digitalocean\"} [1-9]")
                .containsPattern("tandem_provider_call_seconds_count\\{operation=\"get_reserved_ip\",outcome=\"success\","
                        + "provider=\"digitalocean\"} [1-9]");

        // Still repaired a few checks later, and counted once.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> {
            FloatingIp f = get("vip");
            return f.getStatus().driftRepairs == 1 && reasonIs(f.getStatus(), "InSync");
        });
        assertThat(sim.mutatingRequests()).hasSize(1);
    }

    @Test
    void aHetznerFloatingIpMovedInTheConsoleIsMovedBack() {
        HetznerSimulator sim = new HetznerSimulator(TOKEN, Clock.systemUTC());
        simulators.add(sim);
        sim.server(41, "hz-1").server(42, "hz-2");
        long id = sim.floatingIp("203.0.113.102", 41L);
        sim.actionDuration(Duration.ofMillis(200));
        TestResources.secret(client, ns, "hcloud", Map.of("token", TOKEN));
        activePair("hz", "hz-1", "hz-2", Instant.now().minusSeconds(60), "hz-vip");
        double repairsBefore = repairs("hetzner");

        FloatingIp fip = TestResources.layer2(ns, "hz-vip", "203.0.113.102", "hz");
        fip.getSpec().provider = new ProviderSpec();
        fip.getSpec().provider.hetzner = new HetznerSpec();
        fip.getSpec().provider.hetzner.credentialsSecretRef = new SecretKeyRef("hcloud", null);
        fip.getSpec().provider.hetzner.floatingIpId = id;
        fip.getSpec().provider.hetzner.apiUrl = sim.apiUrl();
        fip.getSpec().provider.hetzner.metadataUrl = sim.metadataUrl();
        fip.getSpec().retry = fastRetry();
        client.resource(fip).create();
        awaitStatus("hz-vip", s -> reasonIs(s, "InSync"));

        sim.startAction(id, "assign_floating_ip", 42L);

        FloatingIp repaired = awaitStatus("hz-vip", s -> s.driftRepairs != null && s.driftRepairs == 1
                && reasonIs(s, "InSync"));
        assertThat(sim.holderOf(id)).contains(41L);
        assertThat(repaired.getStatus().lastDriftRepair.from).isEqualTo("42");
        assertThat(repaired.getStatus().lastDriftRepair.fromNode).isEqualTo("hz-2");
        assertThat(repaired.getStatus().lastDriftRepair.to).isEqualTo("41");
        assertThat(repaired.getStatus().lastDriftRepair.toNode).isEqualTo("hz-1");
        assertThat(sim.mutatingRequests()).singleElement()
                .satisfies(r -> assertThat(r.path()).isEqualTo("/v1/floating_ips/" + id + "/actions/assign"));
        await().atMost(WAIT).until(() -> !events("hz-vip", "DriftRepaired").isEmpty());
        assertThat(repairs("hetzner")).isEqualTo(repairsBefore + 1);
    }

    @Test
    void noRepairWhileTheNewMasterIsInItsGracePeriod() {
        DigitalOceanSimulator sim = digitalOcean("203.0.113.103", 102L);
        createPair("grace", "do-1", "do-2");
        // do-1 has just taken over; its agent would move the address now.
        Instant since = Instant.now();
        activePair("grace", "do-1", "do-2", since);
        Instant graceEnds = since.plusSeconds(DriftTestProfile.GRACE_SECONDS);
        client.resource(doFloatingIp("grace-vip", "203.0.113.103", "grace", sim)).create();

        FloatingIp waiting = awaitStatus("grace-vip", s -> reasonIs(s, "Repairing"));
        assertThat(providerInSync(waiting).getStatus()).isEqualTo("False");
        assertThat(providerInSync(waiting).getMessage()).contains("do-2 (102)").contains("do-1 (101)")
                .contains("its agent is moving the address");
        // Checks every second see the drift, and leave it to the agent until the grace is over.
        Duration untilGraceEnds = Duration.between(Instant.now(), graceEnds.minusMillis(300));
        assertThat(untilGraceEnds).as("the test reached the grace period in time").isPositive();
        await().during(untilGraceEnds).atMost(untilGraceEnds.plusSeconds(2))
                .until(() -> sim.mutatingRequests().isEmpty());

        // The agent never did: after the grace the operator does.
        FloatingIp repaired = awaitStatus("grace-vip", s -> s.driftRepairs != null && s.driftRepairs == 1);
        assertThat(Instant.parse(repaired.getStatus().lastDriftRepair.time)).isAfter(graceEnds);
        assertThat(sim.holderOf("203.0.113.103")).contains(101L);
    }

    @Test
    void noRepairWhileAnActionIsPending() {
        DigitalOceanSimulator sim = digitalOcean("203.0.113.104", 101L);
        activePair("pending", "do-1", "do-2", Instant.now().minusSeconds(60));
        // Someone started moving the address to the backup, and the action takes long.
        sim.actionDuration(Duration.ofHours(1));
        sim.startAction("203.0.113.104", "assign_ip", 102L);
        client.resource(doFloatingIp("pending-vip", "203.0.113.104", "pending", sim)).create();

        FloatingIp seen = awaitStatus("pending-vip", s -> reasonIs(s, "Repairing"));
        assertThat(providerInSync(seen).getMessage()).contains("change in progress").contains("pending action");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> sim.mutatingRequests().isEmpty()
                && reasonIs(get("pending-vip").getStatus(), "Repairing"));
        assertThat(sim.requests("GET", "/v2/reserved_ips/.*").size()).as("checked every second").isGreaterThan(1);
        assertThat(get("pending-vip").getStatus().driftRepairs).isZero();
    }

    @Test
    void noProviderCallWithoutAnActiveMember() {
        DigitalOceanSimulator sim = digitalOcean("203.0.113.105", 102L);
        createPair("none", "do-1", "do-2");
        report("none", "do-1", State.BACKUP, Instant.now().minusSeconds(60), Map.of());
        report("none", "do-2", State.BACKUP, Instant.now().minusSeconds(60), Map.of());
        client.resource(doFloatingIp("none-vip", "203.0.113.105", "none", sim)).create();

        FloatingIp seen = awaitStatus("none-vip", s -> reasonIs(s, "Unknown")
                && providerInSyncOf(s).getMessage().contains("no active member"));
        assertThat(providerInSync(seen).getStatus()).isEqualTo("False");
        assertThat(providerInSync(seen).getMessage()).contains("FailoverPair none");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> sim.requests().isEmpty());
        assertThat(sim.holderOf("203.0.113.105")).contains(102L);
    }

    @Test
    void theAgentsOwnProviderErrorIsShownAndNotRaced() {
        DigitalOceanSimulator sim = digitalOcean("203.0.113.106", 102L);
        String error = "digitalocean post_action: gave up after 8 attempts: HTTP 503 service_unavailable";
        activePair("busy", "do-1", "do-2", Instant.now().minusSeconds(60));
        report("busy", "do-1", State.MASTER, Instant.now().minusSeconds(60), Map.of("busy-vip", error));
        client.resource(doFloatingIp("busy-vip", "203.0.113.106", "busy", sim)).create();

        FloatingIp seen = awaitStatus("busy-vip", s -> reasonIs(s, "ProviderError")
                && Conditions.find(s.conditions, Conditions.READY).getReason().equals("ProviderError"));
        Condition ready = Conditions.find(seen.getStatus().conditions, Conditions.READY);
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getMessage()).contains("do-1").contains(error);
        assertThat(seen.getStatus().phase).isEqualTo(FloatingIpStatus.Phase.Assigning);
        assertThat(providerInSync(seen).getMessage()).contains("whose agent reports: " + error);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> sim.mutatingRequests().isEmpty());
    }

    @Test
    void aProviderOutageIsReportedAndNothingIsHalfDone() {
        DigitalOceanSimulator sim = digitalOcean("203.0.113.107", 102L);
        activePair("out", "do-1", "do-2", Instant.now().minusSeconds(60));
        sim.down(true);
        client.resource(doFloatingIp("out-vip", "203.0.113.107", "out", sim)).create();

        FloatingIp seen = awaitStatus("out-vip", s -> reasonIs(s, "ProviderError"));
        Condition sync = providerInSync(seen);
        assertThat(sync.getStatus()).isEqualTo("False");
        assertThat(sync.getMessage()).contains("cannot ask digitalocean who holds 203.0.113.107")
                .contains("gave up after 3 attempts").contains("failed");
        // Several checks fail; none gets as far as a change, and one Event tells about it.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> sim.mutatingRequests().isEmpty()
                && reasonIs(get("out-vip").getStatus(), "ProviderError"));
        assertThat(sim.requests("GET", "/v2/reserved_ips/.*").size()).isGreaterThan(3);
        assertThat(events("out-vip", "ProviderError")).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("digitalocean"));
        assertThat(get("out-vip").getStatus().driftRepairs).isZero();
        assertThat(registry.find("tandem.provider.call").tag("provider", "digitalocean")
                .tag("outcome", "transient").timer()).isNotNull();

        // The provider is back: the drift is repaired.
        sim.down(false);
        FloatingIp repaired = awaitStatus("out-vip", s -> s.driftRepairs != null && s.driftRepairs == 1
                && reasonIs(s, "InSync"));
        assertThat(repaired.getStatus().lastDriftRepair.to).isEqualTo("101");
        assertThat(sim.holderOf("203.0.113.107")).contains(101L);
    }

    @Test
    void invalidCredentialsSayWhatToFixAndNeverShowTheToken() {
        DigitalOceanSimulator sim = digitalOcean("203.0.113.108", 102L);
        activePair("creds", "do-1", "do-2", Instant.now().minusSeconds(60));
        FloatingIp fip = doFloatingIp("creds-vip", "203.0.113.108", "creds", sim);
        fip.getSpec().provider.digitalocean.credentialsSecretRef = new SecretKeyRef("bad-token", null);
        TestResources.secret(client, ns, "bad-token", Map.of("token", WRONG_TOKEN));
        client.resource(fip).create();

        FloatingIp seen = awaitStatus("creds-vip", s -> reasonIs(s, "ProviderError"));
        assertThat(providerInSync(seen).getMessage()).contains("HTTP 401")
                .contains("rejected the API token in Secret " + ns + "/bad-token").contains("put a valid token there");
        // One Event, however many checks see the error.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> reasonIs(get("creds-vip").getStatus(), "ProviderError"));
        assertThat(events("creds-vip", "ProviderError")).hasSize(1);
        assertThat(sim.mutatingRequests()).isEmpty();

        List<String> secrets = List.of(WRONG_TOKEN, base64(WRONG_TOKEN), TOKEN, base64(TOKEN));
        String status = Serialization.asJson(get("creds-vip").getStatus());
        for (String secret : secrets) {
            assertThat(status).doesNotContain(secret);
        }
        List<Event> all = client.v1().events().inNamespace(ns).list().getItems();
        assertThat(all).isNotEmpty();
        for (Event e : all) {
            String json = Serialization.asJson(e);
            for (String secret : secrets) {
                assertThat(json).doesNotContain(secret);
            }
        }
    }

    @Test
    void noAssignWhenTheActiveMemberChangesDuringTheRepair() throws InterruptedException {
        DigitalOceanSimulator sim = digitalOcean("203.0.113.109", 102L);
        activePair("flip", "do-1", "do-2", Instant.now().minusSeconds(60));
        // Every answer takes two seconds: time to change the pair between the repair's read and its POST.
        sim.delay(Duration.ofSeconds(2));
        client.resource(doFloatingIp("flip-vip", "203.0.113.109", "flip", sim)).create();

        // The check's read, then the repair's own read before its POST: the repair has started for do-1.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> sim.requests("GET", "/v2/reserved_ips/.*").size() >= 2);
        // do-1 steps down and do-2, which holds the address at DigitalOcean already, takes over.
        report("flip", "do-1", State.BACKUP, Instant.now(), Map.of());
        report("flip", "do-2", State.MASTER, Instant.now(), Map.of());

        FloatingIp settled = awaitStatus("flip-vip", s -> reasonIs(s, "InSync")
                && providerInSyncOf(s).getMessage().contains("do-2 (102)"));
        assertThat(sim.mutatingRequests()).as("the guard stopped the POST").isEmpty();
        assertThat(sim.holderOf("203.0.113.109")).contains(102L);
        assertThat(settled.getStatus().driftRepairs).isZero();
        assertThat(settled.getStatus().lastDriftRepair).isNull();
        assertThat(events("flip-vip", "DriftRepaired")).isEmpty();
    }

    @Test
    void aLayer2FloatingIpNeverBuildsAProviderAndADeletedOneClosesIts() throws InterruptedException {
        activePair("mix", "do-1", "do-2", Instant.now().minusSeconds(60), "l2-vip");
        client.resource(TestResources.layer2(ns, "l2-vip", "203.0.113.110", "mix")).create();
        FloatingIp l2 = awaitStatus("l2-vip", s -> s.phase == FloatingIpStatus.Phase.Assigned);
        assertThat(Conditions.find(l2.getStatus().conditions, FloatingIpStatusAggregator.PROVIDER_IN_SYNC)).isNull();
        assertThat(l2.getStatus().driftRepairs).isNull();

        DigitalOceanSimulator sim = digitalOcean("203.0.113.111", 101L);
        client.resource(doFloatingIp("do-vip", "203.0.113.111", "mix", sim)).create();
        FloatingIp cloud = awaitStatus("do-vip", s -> reasonIs(s, "InSync"));
        assertThat(drift.holdsProvider(cloud.getMetadata().getUid())).isTrue();
        // Checks that find nothing new write nothing.
        Thread.sleep(500);
        String version = get("do-vip").getMetadata().getResourceVersion();
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                .until(() -> version.equals(get("do-vip").getMetadata().getResourceVersion()));
        assertThat(sim.requests("GET", "/v2/reserved_ips/.*").size()).as("checked meanwhile").isGreaterThan(2);
        // Several checks later the layer2 one still has none.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> !drift.holdsProvider(l2.getMetadata().getUid()));

        // Nobody holds do-vip in the agents' reports, so deleting it is prompt; its provider is closed.
        client.resources(FloatingIp.class).inNamespace(ns).withName("do-vip").delete();
        await().atMost(WAIT).until(() -> get("do-vip") == null);
        assertThat(drift.holdsProvider(cloud.getMetadata().getUid())).isFalse();
    }

    // ---- helpers ----

    private DigitalOceanSimulator digitalOcean(String address, Long holder) {
        DigitalOceanSimulator sim = new DigitalOceanSimulator(TOKEN, Clock.systemUTC());
        simulators.add(sim);
        sim.droplet(101, "do-1").droplet(102, "do-2").reservedIp(address, holder);
        sim.actionDuration(Duration.ofMillis(200));
        if (client.secrets().inNamespace(ns).withName("do-token").get() == null) {
            TestResources.secret(client, ns, "do-token", Map.of("token", TOKEN));
        }
        return sim;
    }

    private FloatingIp doFloatingIp(String name, String address, String pair, DigitalOceanSimulator sim) {
        FloatingIp fip = TestResources.digitalocean(ns, name, address, pair, "do-token");
        fip.getSpec().provider.digitalocean.apiUrl = sim.url() + "/";
        fip.getSpec().provider.digitalocean.metadataUrl = sim.url();
        fip.getSpec().retry = fastRetry();
        return fip;
    }

    /** Retries that take milliseconds; the timeout leaves room for a simulator told to answer slowly. */
    private static RetrySpec fastRetry() {
        RetrySpec r = new RetrySpec();
        r.attempts = 4;
        r.initialBackoff = "10ms";
        r.maxBackoff = "50ms";
        r.timeout = "5s";
        return r;
    }

    /** A pair of {@code master} and {@code backup} whose agents report; waits until the operator sees master active. */
    private void activePair(String name, String master, String backup, Instant since, String... holds) {
        if (client.resources(FailoverPair.class).inNamespace(ns).withName(name).get() == null) {
            createPair(name, master, backup);
        }
        report(name, master, State.MASTER, since, Map.of(), holds);
        report(name, backup, State.BACKUP, Instant.now().minusSeconds(600), Map.of());
        await().atMost(WAIT).until(() -> client.resources(FailoverPair.class).inNamespace(ns).withName(name).get(),
                p -> p.getStatus() != null && master.equals(p.getStatus().activeMember));
    }

    /** Creates a pair and waits for the operator's first status, with the members' providerIDs. */
    private void createPair(String name, String... nodes) {
        client.resource(TestResources.pair(ns, name, nodes)).create();
        await().atMost(WAIT).until(() -> client.resources(FailoverPair.class).inNamespace(ns).withName(name).get(),
                p -> p != null && p.getStatus() != null && p.getStatus().virtualRouterId != null
                        && p.getStatus().memberProviderIds.size() == nodes.length);
    }

    private void report(String pair, String node, State state, Instant since, Map<String, String> providerErrors,
                        String... holds) {
        MemberStatus m = new MemberStatus(state, 100);
        m.lastSeen = Instant.now().toString();
        m.since = since.toString();
        m.reason = "MasterDown";
        m.holds = List.of(holds);
        m.providerErrors = new LinkedHashMap<>(providerErrors);
        TestResources.report(client, ns, pair, node, m);
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private double repairs(String provider) {
        Counter c = registry.find("tandem.operator.drift.repairs").tag("provider", provider).counter();
        return c == null ? 0 : c.count();
    }

    private FloatingIp get(String name) {
        return client.resources(FloatingIp.class).inNamespace(ns).withName(name).get();
    }

    private List<Event> events(String name, String reason) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> e.getInvolvedObject() != null && name.equals(e.getInvolvedObject().getName()))
                .filter(e -> reason.equals(e.getReason()))
                .toList();
    }

    private FloatingIp awaitStatus(String name, Predicate<FloatingIpStatus> test) {
        return await().atMost(WAIT).until(() -> get(name),
                f -> f != null && f.getStatus() != null && test.test(f.getStatus()));
    }

    private static Condition providerInSyncOf(FloatingIpStatus s) {
        return Conditions.find(s.conditions, FloatingIpStatusAggregator.PROVIDER_IN_SYNC);
    }

    private static Condition providerInSync(FloatingIp fip) {
        return providerInSyncOf(fip.getStatus());
    }

    private static boolean reasonIs(FloatingIpStatus s, String reason) {
        Condition c = providerInSyncOf(s);
        return c != null && reason.equals(c.getReason());
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
