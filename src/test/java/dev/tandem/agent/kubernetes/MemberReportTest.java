package dev.tandem.agent.kubernetes;

import dev.tandem.agent.PairPlan;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.operator.TestResources;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.Reason;
import dev.tandem.vrrp.RouterState;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a member reports it holds: its layer-2 addresses whenever it is MASTER, a cloud FloatingIp only once the
 * provider confirmed the move, and the provider's error while a move keeps failing.
 */
class MemberReportTest {
    // Events go nowhere here (no API server answers on port 1); the report itself is what is checked.
    final KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build()).build();
    final AgentApi api = new AgentApi(client, "ns", "web", Duration.ofMillis(100));
    final AtomicInteger changes = new AtomicInteger();
    final MemberReport report = new MemberReport("lb1", Clock.systemUTC(), changes::incrementAndGet,
            new TransitionEvents(api, "ns", "web", "lb1", Optional::empty, Clock.systemUTC(), AgentTimings.DEFAULTS));
    final PairPlan plan;

    MemberReportTest() {
        FailoverPair pair = TestResources.pair("ns", "web", "lb1", "lb2");
        FloatingIp l2 = TestResources.layer2("ns", "web-vip", "192.0.2.100", "web");
        FloatingIp cloud = TestResources.digitalocean("ns", "web-do", "203.0.113.50", "web", "do-token");
        cloud.getSpec().configureOnHost = true;
        plan = PairPlan.of(pair, List.of(l2, cloud), "lb1", Map.of("lb1", "192.0.2.1", "lb2", "192.0.2.2"), 7);
    }

    @AfterEach
    void close() {
        api.close();
        client.close();
    }

    @Test
    void cloudAddressesCountOnlyOnceTheProviderConfirmed() {
        report.electionStarting(plan);
        report.transition(new Action.BecomeMaster(RouterState.BACKUP, Reason.MASTER_DOWN, List.of()), 50);

        MemberStatus s = report.snapshot();
        assertThat(s.state).isEqualTo(MemberStatus.State.MASTER);
        assertThat(s.holds).as("configureOnHost put web-do on the interface, but the provider has not moved it")
                .containsExactly("web-vip");

        report.cloudFailed("web-do", "digitalocean post_action: HTTP 503 server_error");
        assertThat(report.snapshot().providerErrors)
                .containsExactly(Map.entry("web-do", "digitalocean post_action: HTTP 503 server_error"));
        int before = changes.get();
        report.cloudFailed("web-do", "digitalocean post_action: HTTP 503 server_error");
        assertThat(changes.get()).as("the same error again is nothing new to report").isEqualTo(before);

        report.cloudConfirmed("web-do");
        s = report.snapshot();
        assertThat(s.holds).containsExactly("web-vip", "web-do");
        assertThat(s.providerErrors).isEmpty();

        report.transition(new Action.BecomeBackup(RouterState.MASTER, Reason.PREEMPTED), -1);
        report.cloudCleared("web-do");
        s = report.snapshot();
        assertThat(s.holds).isEmpty();
        assertThat(s.providerErrors).isEmpty();
    }

    @Test
    void aBackupHoldsNothingEvenIfAConfirmationArrivesLate() {
        report.electionStarting(plan);
        report.transition(new Action.BecomeBackup(RouterState.INITIALIZE, Reason.STARTUP), -1);
        report.cloudConfirmed("web-do");
        assertThat(report.snapshot().holds).isEmpty();

        report.transition(new Action.BecomeMaster(RouterState.BACKUP, Reason.MASTER_DOWN, List.of()), 50);
        assertThat(report.snapshot().holds).as("the late confirmation belongs to no mastership")
                .containsExactly("web-vip");
    }
}
