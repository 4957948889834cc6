package dev.tandem.operator.children;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.MemberSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;

import java.util.List;
import java.util.Map;

/**
 * The DaemonSet that runs one election agent on each member node of a pair.
 *
 * <p>Least privilege: the agent needs CAP_NET_RAW for the VRRP raw socket (IP protocol 112) and gratuitous ARP, and
 * CAP_NET_ADMIN to add and remove addresses over rtnetlink, and CAP_SYS_NICE to run its election thread SCHED_FIFO (so
 * adverts stay on time when the node's CPUs are saturated); nothing else, so every other capability is dropped and the
 * pod is not privileged. It runs as root because a non-root process does not get added capabilities in its effective
 * set. Host network is the point: the addresses live on the node's interfaces.
 */
public final class ElectionDaemonSet {
    public static final String CONTAINER = "agent";
    /**
     * JVM settings of the election agent, chosen with bench/failover: a small serial-collected heap (short, rare pauses
     * on a heap this small) that gives memory back, compact object headers, a small code cache and C1 only (the agent's
     * hot path is tiny; C2 compilation threads would compete with the election thread for the CPU).
     */
    public static final String AGENT_JVM_OPTIONS = "-XX:+UseSerialGC -Xms16m -Xmx64m -XX:MinHeapFreeRatio=10"
            + " -XX:MaxHeapFreeRatio=30 -XX:+UseCompactObjectHeaders -XX:ReservedCodeCacheSize=16m -XX:-UsePerfData"
            + " -Xss512k -XX:TieredStopAtLevel=1 -XX:TrimNativeHeapInterval=5000";

    private ElectionDaemonSet() {
    }

    public static DaemonSet desired(FailoverPair pair, int virtualRouterId, AgentSettings settings) {
        String name = ChildNames.base(pair.getMetadata().getName());
        Map<String, String> selector = selectorLabels(pair);
        int metricsPort = settings.metricsPortBase() + virtualRouterId;
        List<String> nodes = pair.getSpec().members.stream().map(m -> m.node).toList();
        boolean execChecks = pair.getSpec().healthChecks != null
                && pair.getSpec().healthChecks.stream().anyMatch(c -> c.exec != null);

        return new DaemonSetBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(pair.getMetadata().getNamespace())
                    .withLabels(labels(pair))
                    .withOwnerReferences(OwnerRefs.controller(pair))
                .endMetadata()
                .withNewSpec()
                    .withNewSelector().withMatchLabels(selector).endSelector()
                    // One member at a time: restarting every agent of a pair at once would drop the address.
                    .withNewUpdateStrategy()
                        .withType("RollingUpdate")
                        .withNewRollingUpdate().withMaxUnavailable(new IntOrString(1)).withMaxSurge(new IntOrString(0)).endRollingUpdate()
                    .endUpdateStrategy()
                    .withNewTemplate()
                        .withNewMetadata()
                            .withLabels(labels(pair))
                            .withAnnotations(Map.of("kubectl.kubernetes.io/default-container", CONTAINER))
                        .endMetadata()
                        .withNewSpec()
                            .withServiceAccountName(name)
                            .withAutomountServiceAccountToken(true)
                            .withHostNetwork(true)
                            // exec health checks such as `pidof haproxy` (seeds 003/004) must see the node's processes.
                            .withHostPID(execChecks)
                            .withDnsPolicy("ClusterFirstWithHostNet")
                            .withPriorityClassName(settings.priorityClassName().orElse(null))
                            // A short grace period: on SIGTERM the agent sends priority 0 and the backup takes over
                            // after the skew time (RFC 5798 §6.4.3), well within it.
                            .withTerminationGracePeriodSeconds(10L)
                            .withNewAffinity()
                                .withNewNodeAffinity()
                                    .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                                        .addNewNodeSelectorTerm()
                                            // Match the node name itself: the hostname label may differ from it.
                                            .withMatchFields(new NodeSelectorRequirementBuilder()
                                                    .withKey("metadata.name").withOperator("In").withValues(nodes).build())
                                        .endNodeSelectorTerm()
                                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                                .endNodeAffinity()
                            .endAffinity()
                            // The user named these nodes; an agent must stay on a tainted or unreachable node, since
                            // the election keeps working when the node has lost the API server.
                            .addNewToleration().withOperator("Exists").endToleration()
                            .withContainers(container(pair, settings, metricsPort))
                            .addNewVolume().withName("tmp").withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity("16Mi")).endEmptyDir().endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    private static Container container(FailoverPair pair, AgentSettings settings, int metricsPort) {
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(settings.image())
                .withImagePullPolicy(settings.imagePullPolicy())
                .withArgs("agent", "--pair", pair.getMetadata().getName())
                .addNewEnv().withName("NODE_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("TANDEM_METRICS_PORT").withValue(Integer.toString(metricsPort)).endEnv()
                .addNewEnv().withName("JAVA_TOOL_OPTIONS").withValue(AGENT_JVM_OPTIONS).endEnv()
                // Two malloc arenas instead of eight per core: the agent's native allocations are few and small.
                .addNewEnv().withName("MALLOC_ARENA_MAX").withValue("2").endEnv()
                .addNewPort().withName("metrics").withContainerPort(metricsPort).withProtocol("TCP").endPort()
                .withNewLivenessProbe()
                    .withNewHttpGet().withPath("/q/health/live").withPort(new IntOrString(metricsPort)).endHttpGet()
                    .withPeriodSeconds(10).withFailureThreshold(3)
                .endLivenessProbe()
                .withNewReadinessProbe()
                    .withNewHttpGet().withPath("/q/health/ready").withPort(new IntOrString(metricsPort)).endHttpGet()
                    .withPeriodSeconds(5)
                .endReadinessProbe()
                .withNewResources()
                    .addToRequests("cpu", new Quantity("20m"))
                    .addToRequests("memory", new Quantity("96Mi"))
                    .addToLimits("memory", new Quantity("256Mi"))
                .endResources()
                .withNewSecurityContext()
                    .withPrivileged(false)
                    .withAllowPrivilegeEscalation(false)
                    .withReadOnlyRootFilesystem(true)
                    .withRunAsUser(0L)
                    .withNewCapabilities().withDrop("ALL").withAdd("NET_ADMIN", "NET_RAW", "SYS_NICE").endCapabilities()
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .build();
    }

    public static Map<String, String> selectorLabels(FailoverPair pair) {
        return Map.of(
                ChildNames.LABEL_NAME, "tandem",
                ChildNames.LABEL_COMPONENT, ChildNames.COMPONENT_ELECTION,
                ChildNames.LABEL_INSTANCE, ChildNames.labelValue(pair.getMetadata().getName()));
    }

    public static Map<String, String> labels(FailoverPair pair) {
        return Map.of(
                ChildNames.LABEL_NAME, "tandem",
                ChildNames.LABEL_COMPONENT, ChildNames.COMPONENT_ELECTION,
                ChildNames.LABEL_INSTANCE, ChildNames.labelValue(pair.getMetadata().getName()),
                ChildNames.LABEL_MANAGED_BY, ChildNames.MANAGER,
                ChildNames.LABEL_PAIR, ChildNames.labelValue(pair.getMetadata().getName()));
    }

    /** The nodes the DaemonSet is pinned to, in spec order. */
    public static List<String> memberNodes(FailoverPair pair) {
        return pair.getSpec().members.stream().map((MemberSpec m) -> m.node).toList();
    }
}
