package dev.tandem.operator;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.cloud.CloudMetrics;
import dev.tandem.agent.election.MetricsListener;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.monitoring.MonitoringDocs;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.DecodeResult;
import dev.tandem.vrrp.Reason;
import dev.tandem.vrrp.RouterState;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Metrics" tables are what the processes expose: every tandem series the agent's and the operator's
 * meters produce when everything they count happens once is documented, and every documented tandem series is
 * produced. (LabIT checks the same on the running processes after a failover, for the series a layer-2 pair makes.)
 */
class MetricsDocumentationTest {

    @Test
    void theAgentsSeriesAreTheDocumentedOnes() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsListener election = new MetricsListener(registry, "tandem-demo", "web");
        election.transition(new Action.BecomeBackup(RouterState.INITIALIZE, Reason.STARTUP), -1);
        election.masterDownTimerExpired();
        election.transition(new Action.BecomeMaster(RouterState.BACKUP, Reason.MASTER_DOWN, List.of()), 182);
        election.layer2Installed(2, 400_000);
        election.advertSent(150);
        election.advertReceived();
        election.foreignAdvert(52);
        election.advertRejected(DecodeResult.RejectReason.TRUNCATED, "12 bytes");
        election.announced("192.0.2.100", 2);
        election.announced("2001:db8::100", 1);
        election.healthProbed("haproxy", true, Duration.ofMillis(3));
        election.healthChanged("haproxy", true, "ok");
        CloudMetrics cloud = new CloudMetrics(registry, "web");
        PairPlan.CloudAddress address = new PairPlan.CloudAddress("web-do", "203.0.113.10", "digitalocean", null);
        cloud.called("digitalocean", "assign_reserved_ip", "success", Duration.ofMillis(250));
        cloud.confirmed(address, Duration.ofSeconds(2));
        cloud.failed(address, "HTTP 503");

        Set<String> exposed = tandemFamilies(registry.scrape());
        Set<String> documented = documentedTandem(n -> !n.startsWith("tandem_operator_"));
        assertThat(exposed).as("agent series (scrape) against the README's agent table").isEqualTo(documented);
        // The takeover was recorded in seconds, with buckets a histogram_quantile() can use.
        assertThat(registry.scrape()).contains("tandem_agent_takeover_seconds_bucket{pair=\"web\",le=\"0.2\",} 1.0")
                .contains("tandem_agent_announcements_total{kind=\"gratuitous_arp\",pair=\"web\",} 2.0")
                .contains("tandem_floating_ip_moves_total{pair=\"web\",provider=\"layer2\",} 2.0");
    }

    @Test
    void theOperatorsSeriesAreTheDocumentedOnes() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OperatorMetrics metrics = new OperatorMetrics();
        metrics.registry = registry;
        FailoverPair pair = new FailoverPair();
        pair.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("tandem-demo").build());
        metrics.ready(pair, true, "Active");
        metrics.activeMemberChanged(pair, "MasterDown");
        metrics.pairObserved(pair, Map.of("lb-1", "MASTER", "lb-2", "BACKUP"), "lb-1");
        HostBond bond = new HostBond();
        bond.setMetadata(new ObjectMetaBuilder().withName("uplinks").build());
        metrics.hostBondObserved(bond, Map.of("edge-1", "RolledBack"));
        metrics.driftRepaired("hetzner");
        metrics.providerCall("hetzner", "get_floating_ip", "success", Duration.ofMillis(80));

        Set<String> exposed = tandemFamilies(registry.scrape());
        Set<String> documented = documentedTandem(n -> n.startsWith("tandem_operator_") || n.startsWith("tandem_provider_"));
        assertThat(exposed).as("operator series (scrape) against the README's operator table").isEqualTo(documented);
        assertThat(registry.scrape())
                .contains("tandem_operator_pair_members{namespace=\"tandem-demo\",pair=\"web\",state=\"UNKNOWN\",} 0.0")
                .contains("tandem_operator_hostbond_nodes{hostbond=\"uplinks\",phase=\"RolledBack\",} 1.0");

        metrics.forget(pair);
        assertThat(registry.scrape()).as("a deleted pair leaves no series behind")
                .doesNotContain("tandem_operator_pair_members{").doesNotContain("tandem_operator_pair_active_member{");
    }

    /** Families named in "# TYPE" lines, a timer's _max gauge counted as part of the timer. */
    static Set<String> tandemFamilies(String scrape) {
        return scrape.lines().filter(l -> l.startsWith("# TYPE tandem_"))
                .map(l -> l.split(" ")[2])
                .map(n -> n.endsWith("_max") ? n.substring(0, n.length() - 4) : n)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> documentedTandem(java.util.function.Predicate<String> which) throws IOException {
        return MonitoringDocs.documentedMetrics().stream().filter(n -> n.startsWith("tandem_")).filter(which)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
