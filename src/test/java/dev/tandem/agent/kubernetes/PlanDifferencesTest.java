package dev.tandem.agent.kubernetes;

import dev.tandem.operator.TestResources;

import dev.tandem.agent.PairPlan;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.HealthCheckSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Only a real change of the plan restarts the election; re-reading the same resources is not one. */
class PlanDifferencesTest {
    static final Map<String, String> ADDRESSES = Map.of("lb-1", "192.0.2.11", "lb-2", "192.0.2.12");

    /** The pair as an informer event delivers it: freshly deserialized, so every nested object is new. */
    static FailoverPair read(FailoverPair pair) {
        return Serialization.unmarshal(Serialization.asJson(pair), FailoverPair.class);
    }

    static FailoverPair pairWithCheck() {
        FailoverPair pair = TestResources.pair("demo", "web", "lb-1", "lb-2");
        pair.getSpec().healthChecks = List.of(KubernetesAgentTest.haproxyCheck(50));
        return pair;
    }

    static PairPlan plan(FailoverPair pair, List<FloatingIp> fips) {
        return PairPlan.of(pair, fips, "lb-1", ADDRESSES, 42);
    }

    @Test
    void theSameResourcesReadTwiceGiveTheSamePlan() {
        FailoverPair pair = pairWithCheck();
        FloatingIp fip = TestResources.layer2("demo", "web-vip", "192.0.2.100", "web");
        PairPlan a = plan(read(pair), List.of(fip));
        PairPlan b = plan(read(pair), List.of(fip));
        assertThat(a).as("HealthCheckSpec compares by identity, so the record's equals is not enough").isNotEqualTo(b);
        assertThat(PlanDifferences.between(a, b)).isEmpty();
    }

    @Test
    void namesWhatChanged() {
        FailoverPair pair = pairWithCheck();
        FailoverPair changed = read(pair);
        changed.getSpec().members.getFirst().priority = 180;
        HealthCheckSpec check = changed.getSpec().healthChecks.getFirst();
        check.weight = 60;
        PairPlan a = plan(read(pair), List.of());
        PairPlan b = plan(changed, List.of(TestResources.layer2("demo", "web-vip", "192.0.2.100", "web")));
        assertThat(PlanDifferences.between(a, b)).containsExactly("priority", "healthChecks", "addresses");
    }

    @Test
    void floatingIpsBeingDeletedAndTheCachesOrderDoNotCount() {
        FloatingIp a = TestResources.layer2("demo", "vip-a", "192.0.2.100", "web");
        FloatingIp b = TestResources.layer2("demo", "vip-b", "192.0.2.101", "web");
        FloatingIp leaving = TestResources.layer2("demo", "vip-c", "192.0.2.102", "web");
        leaving.getMetadata().setDeletionTimestamp("2030-01-01T00:00:00Z");
        assertThat(ElectionSupervisor.live(List.of(b, leaving, a))).extracting(f -> f.getMetadata().getName())
                .containsExactly("vip-a", "vip-b");
    }
}
