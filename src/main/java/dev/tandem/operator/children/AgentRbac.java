package dev.tandem.operator.children;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.Tandem;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * The identity of a pair's election agents and the least it may do: read its own pair and the FloatingIps of its
 * namespace, write its own entry of the pair's status, read the Secrets the pair and its FloatingIps name, and record
 * Events, and with {@code spec.fencing: lease} use the pair's fencing Lease. It reads no Node: the operator resolves
 * member addresses into the pair's status.
 */
public final class AgentRbac {
    private AgentRbac() {
    }

    public static ServiceAccount serviceAccount(FailoverPair pair) {
        return new ServiceAccountBuilder()
                .withNewMetadata()
                    .withName(ChildNames.base(pair.getMetadata().getName()))
                    .withNamespace(pair.getMetadata().getNamespace())
                    .withLabels(ElectionDaemonSet.labels(pair))
                    .withOwnerReferences(OwnerRefs.controller(pair))
                .endMetadata()
                .build();
    }

    /** @param secretNames the auth Secret and every credentials Secret of the pair's FloatingIps */
    public static Role role(FailoverPair pair, SortedSet<String> secretNames) {
        String pairName = pair.getMetadata().getName();
        List<PolicyRule> rules = new ArrayList<>();
        rules.add(rule(Tandem.GROUP, "failoverpairs", List.of(pairName), "get", "list", "watch"));
        rules.add(rule(Tandem.GROUP, "failoverpairs/status", List.of(pairName), "get", "patch"));
        rules.add(rule(Tandem.GROUP, "floatingips", List.of(), "get", "list", "watch"));
        if (!secretNames.isEmpty()) {
            rules.add(rule("", "secrets", List.copyOf(secretNames), "get", "watch", "list"));
        }
        if (pair.getSpec() != null && pair.getSpec().fencing == FailoverPairSpec.Fencing.lease) {
            // spec.fencing: lease. create cannot be limited to a name (the name is in the body), get and update can.
            String lease = Tandem.fenceLeaseName(pairName);
            rules.add(rule("coordination.k8s.io", "leases", List.of(lease), "get", "update"));
            rules.add(rule("coordination.k8s.io", "leases", List.of(), "create"));
        }
        rules.add(rule("", "events", List.of(), "create", "patch"));
        rules.add(rule("events.k8s.io", "events", List.of(), "create", "patch"));
        return new RoleBuilder()
                .withNewMetadata()
                    .withName(ChildNames.base(pairName))
                    .withNamespace(pair.getMetadata().getNamespace())
                    .withLabels(ElectionDaemonSet.labels(pair))
                    .withOwnerReferences(OwnerRefs.controller(pair))
                .endMetadata()
                .withRules(rules)
                .build();
    }

    public static RoleBinding roleBinding(FailoverPair pair) {
        String name = ChildNames.base(pair.getMetadata().getName());
        return new RoleBindingBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(pair.getMetadata().getNamespace())
                    .withLabels(ElectionDaemonSet.labels(pair))
                    .withOwnerReferences(OwnerRefs.controller(pair))
                .endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(name).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(pair.getMetadata().getNamespace()).endSubject()
                .build();
    }

    private static PolicyRule rule(String group, String resource, List<String> names, String... verbs) {
        PolicyRuleBuilder b = new PolicyRuleBuilder().withApiGroups(group).withResources(resource).withVerbs(verbs);
        if (!names.isEmpty()) {
            b.withResourceNames(names);
        }
        return b.build();
    }
}
