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
 *
 * <p>One node at a time, for spec changes too: the pod template carries the HostBond's generation
 * ({@value #GENERATION_ENV}), so a changed spec rolls the DaemonSet, and an agent applies only the generation its pod
 * was made for. A pod is ready only once its node applied that generation and passed the rollback probes (the agent
 * keeps {@value #APPLIED_FILE} while it is so), so the rollout waits for each node and stops at the first whose
 * change was rolled back.
 */
public final class BondDaemonSet {
    public static final String CONTAINER = "bond-agent";
    /** The HostBond generation a pod applies. */
    public static final String GENERATION_ENV = "TANDEM_HOSTBOND_GENERATION";
    /** Exists while the agent's node has the pod's generation applied; the readiness probe looks for it. */
    public static final String APPLIED_FILE = "/tmp/tandem-hostbond-applied";

    private BondDaemonSet() {
    }

    public static DaemonSet desired(HostBond bond, String namespace, AgentSettings settings) {
        String name = ChildNames.bond(bond.getMetadata().getName());
        IntOrString maxUnavailable = bond.getSpec().maxUnavailable != null ? bond.getSpec().maxUnavailable : new IntOrString(1);
        long generation = bond.getMetadata().getGeneration() == null ? 0 : bond.getMetadata().getGeneration();
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
                                .addNewEnv().withName(GENERATION_ENV).withValue(String.valueOf(generation)).endEnv()
                                // Port 0: the bond agent exposes no HTTP endpoint on the host network.
                                .addNewEnv().withName("TANDEM_METRICS_PORT").withValue("0").endEnv()
                                // test(1) from the image's coreutils: no HTTP endpoint on the host network for this.
                                .withNewReadinessProbe()
                                    .withNewExec().withCommand("test", "-e", APPLIED_FILE).endExec()
                                    .withPeriodSeconds(2)
                                    .withFailureThreshold(1)
                                .endReadinessProbe()
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
