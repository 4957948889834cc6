package dev.tandem.operator.children;

import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.operator.TestResources;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class AgentRbacTest {
    static List<PolicyRule> leaseRules(FailoverPairSpec.Fencing fencing) {
        var pair = TestResources.pair("ns", "web", "lb-1", "lb-2");
        pair.getSpec().fencing = fencing;
        return AgentRbac.role(pair, new TreeSet<>()).getRules().stream()
                .filter(r -> r.getResources().contains("leases")).toList();
    }

    @Test
    void onlyAPairWithLeaseFencingMayUseItsFencingLease() {
        assertThat(leaseRules(null)).isEmpty();
        assertThat(leaseRules(FailoverPairSpec.Fencing.none)).isEmpty();
        List<PolicyRule> rules = leaseRules(FailoverPairSpec.Fencing.lease);
        assertThat(rules).anySatisfy(r -> {
            assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
            assertThat(r.getResourceNames()).containsExactly("tandem-web-fence");
            assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "update");
        });
        assertThat(rules).anySatisfy(r -> assertThat(r.getVerbs()).containsExactly("create"));
        assertThat(rules).noneMatch(r -> r.getVerbs().contains("delete") || r.getVerbs().contains("list"));
    }
}
