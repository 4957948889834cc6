package dev.tandem.operator.children;

import dev.tandem.api.v1alpha1.HostBond;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;

import java.util.Map;

/**
 * The DaemonSet that applies a HostBond on every matching node, one node at a time by default.
 *
 * <p>Not privileged: bonds, slaves, addresses and routes are all configured over rtnetlink (IFLA_BOND_* attributes),
 * which needs only CAP_NET_ADMIN; gateway probes (ARP, ICMP) need CAP_NET_RAW. Writing /sys/class/net/.../bonding
 * would need a writable sysfs, which only a privileged container has; the agent never does that.
 */
public final class BondDaemonSet {
    public static final String CONTAINER = "bond-agent";

    private BondDaemonSet() {
    }

    public static DaemonSet desired(HostBond bond, String namespace, AgentSettings settings) {
        String name = ChildNames.bond(bond.getMetadata().getName());
        IntOrString maxUnavailable = bond.getSpec().maxUnavailable != null ? bond.getSpec().maxUnavailable : new IntOrString(1);
        return new DaemonSetBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .withLabels(labels(bond))
                    .withOwnerReferences(OwnerRefs.controller(bond))
                .endMetadata()
                .withNewSpec()
                    .withNewSelector().withMatchLabels(selectorLabels(bond)).endSelector()
                    .withNewUpdateStrategy()
                        .withType("RollingUpdate")
                        .withNewRollingUpdate().withMaxUnavailable(maxUnavailable).withMaxSurge(new IntOrString(0)).endRollingUpdate()
                    .endUpdateStrategy()
                    // A new pod only counts as available once it stayed ready for a while after applying, so a
                    // rollout stops at the first node whose change is rolled back.
                    .withMinReadySeconds(10)
                    .withNewTemplate()
                        .withNewMetadata()
                            .withLabels(labels(bond))
                            .withAnnotations(Map.of("kubectl.kubernetes.io/default-container", CONTAINER))
                        .endMetadata()
                        .withNewSpec()
                            .withServiceAccountName(settings.bondServiceAccount())
                            .withHostNetwork(true)
                            .withDnsPolicy("ClusterFirstWithHostNet")
                            .withNodeSelector(bond.getSpec().nodeSelector)
                            .withPriorityClassName(settings.priorityClassName().orElse(null))
                            .withTerminationGracePeriodSeconds(30L)
                            .addNewToleration().withOperator("Exists").endToleration()
                            .addNewContainer()
                                .withName(CONTAINER)
                                .withImage(settings.image())
                                .withImagePullPolicy(settings.imagePullPolicy())
                                .withArgs("agent", "--host-bond", bond.getMetadata().getName())
                                .addNewEnv().withName("NODE_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName").endFieldRef().endValueFrom().endEnv()
                                // Port 0: the bond agent exposes no HTTP endpoint on the host network.
                                .addNewEnv().withName("TANDEM_METRICS_PORT").withValue("0").endEnv()
                                .withNewResources()
                                    .addToRequests("cpu", new Quantity("10m"))
                                    .addToRequests("memory", new Quantity("96Mi"))
                                    .addToLimits("memory", new Quantity("256Mi"))
                                .endResources()
                                .withNewSecurityContext()
                                    .withPrivileged(false)
                                    .withAllowPrivilegeEscalation(false)
                                    .withReadOnlyRootFilesystem(true)
                                    .withRunAsUser(0L)
                                    .withNewCapabilities().withDrop("ALL").withAdd("NET_ADMIN", "NET_RAW").endCapabilities()
                                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                                .endSecurityContext()
                                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                            .endContainer()
                            .addNewVolume().withName("tmp").withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity("16Mi")).endEmptyDir().endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    public static Map<String, String> selectorLabels(HostBond bond) {
        return Map.of(
                ChildNames.LABEL_NAME, "tandem",
                ChildNames.LABEL_COMPONENT, ChildNames.COMPONENT_BOND,
                ChildNames.LABEL_INSTANCE, ChildNames.labelValue(bond.getMetadata().getName()));
    }

    public static Map<String, String> labels(HostBond bond) {
        return Map.of(
                ChildNames.LABEL_NAME, "tandem",
                ChildNames.LABEL_COMPONENT, ChildNames.COMPONENT_BOND,
                ChildNames.LABEL_INSTANCE, ChildNames.labelValue(bond.getMetadata().getName()),
                ChildNames.LABEL_MANAGED_BY, ChildNames.MANAGER,
                ChildNames.LABEL_HOST_BOND, ChildNames.labelValue(bond.getMetadata().getName()));
    }
}
