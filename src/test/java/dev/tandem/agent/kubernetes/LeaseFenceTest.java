package dev.tandem.agent.kubernetes;

import dev.tandem.agent.cloud.FenceDecision;
import dev.tandem.api.v1alpha1.Tandem;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The fencing Lease of spec.fencing: lease against the Fabric8 mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true, https = false) // no self-signed certificate: no BouncyCastle here
class LeaseFenceTest {
    static final String NS = "default";
    KubernetesClient client;
    final List<LeaseFence> fences = new ArrayList<>();

    @AfterEach
    void tearDown() {
        fences.forEach(LeaseFence::close);
    }

    LeaseFence fence(String node, Duration duration) {
        LeaseFence f = new LeaseFence(client, NS, "web", node, duration, Clock.systemUTC());
        fences.add(f);
        return f;
    }

    Lease lease() {
        return client.leases().inNamespace(NS).withName(Tandem.fenceLeaseName("web")).get();
    }

    @Test
    void theFirstMasterTakesTheLeaseAndAnotherWaitsUntilItIsReleased() throws Exception {
        LeaseFence lb1 = fence("lb-1", Duration.ofSeconds(10));
        LeaseFence lb2 = fence("lb-2", Duration.ofSeconds(10));
        assertThat(lb1.confirm()).isInstanceOf(FenceDecision.Allowed.class);
        assertThat(lease().getMetadata().getName()).isEqualTo("tandem-web-fence");
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("lb-1");
        assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo(10);

        // lb-2 also believes it is MASTER (a partition between the two): it may not move the address.
        assertThat(lb2.confirm()).isInstanceOfSatisfying(FenceDecision.Held.class,
                h -> assertThat(h.holder()).isEqualTo("lb-1"));
        assertThat(lb1.confirm()).as("the holder renews").isInstanceOf(FenceDecision.Allowed.class);

        lb1.release(); // lb-1 stepped down
        assertThat(lease().getSpec().getHolderIdentity()).isNull();
        assertThat(lb2.confirm()).isInstanceOf(FenceDecision.Allowed.class);
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("lb-2");
        assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(1);
    }

    @Test
    void theHolderKeepsItRenewedAndALeaseNotRenewedForItsDurationIsTakenOver() throws Exception {
        LeaseFence lb1 = fence("lb-1", Duration.ofSeconds(1));
        LeaseFence lb2 = fence("lb-2", Duration.ofSeconds(1));
        assertThat(lb1.confirm()).isInstanceOf(FenceDecision.Allowed.class);
        Thread.sleep(2_500);
        assertThat(lb2.confirm()).as("renewed every quarter of its duration").isInstanceOf(FenceDecision.Held.class);

        lb1.close(); // lb-1 died as MASTER: nobody renews, nobody releases
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> lb2.confirm() instanceof FenceDecision.Allowed);
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("lb-2");
    }

    @Test
    void withoutAnApiServerTheElectionAloneDecides() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) { // accepts connections, never answers
            KubernetesClient away = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort()).withRequestRetryBackoffLimit(0)
                    .build()).build();
            LeaseFence lb1 = new LeaseFence(away, NS, "web", "lb-1", Duration.ofSeconds(10), Clock.systemUTC());
            fences.add(lb1);
            long start = System.nanoTime();
            assertThat(lb1.confirm()).isInstanceOfSatisfying(FenceDecision.Unreachable.class,
                    u -> assertThat(u.reason()).contains("did not answer within 2000 ms"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            away.close();
        }
    }
}
