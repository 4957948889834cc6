package dev.tandem.operator;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.LayerTwoSpec;
import dev.tandem.api.v1alpha1.LocalObjectRef;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.ProviderSpec;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import dev.tandem.api.v1alpha1.MemberStatus;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builders for the objects the operator tests create. */
final class TestResources {
    private TestResources() {
    }

    static String namespace(KubernetesClient client) {
        String ns = "t-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    static Node node(KubernetesClient client, String name, String internalIp, Map<String, String> labels) {
        Node existing = client.nodes().withName(name).get();
        if (existing != null) {
            return existing;
        }
        return client.nodes().resource(new NodeBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).withLabels(labels).build())
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(internalIp).endAddress().endStatus()
                .build()).create();
    }

    static FailoverPair pair(String namespace, String name, String... nodes) {
        FailoverPair pair = new FailoverPair();
        pair.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        FailoverPairSpec spec = new FailoverPairSpec();
        int priority = 200;
        for (String n : nodes) {
            spec.members.add(new MemberSpec(n, priority));
            priority -= 50;
        }
        pair.setSpec(spec);
        return pair;
    }

    static FloatingIp layer2(String namespace, String name, String address, String pair) {
        FloatingIp fip = new FloatingIp();
        fip.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        FloatingIpSpec spec = new FloatingIpSpec();
        spec.address = address;
        spec.failoverPairRef = new LocalObjectRef(pair);
        spec.provider = new ProviderSpec();
        spec.provider.layer2 = new LayerTwoSpec();
        fip.setSpec(spec);
        return fip;
    }

    /** Does what an agent does: writes its own entry of the pair's status, and nothing else. */
    static void report(KubernetesClient client, String namespace, String pair, String node, String state, String... holds) {
        report(client, namespace, pair, node, state, Instant.now(), holds);
    }

    static void report(KubernetesClient client, String namespace, String pair, String node, String state, Instant seen,
                       String... holds) {
        MemberStatus entry = new MemberStatus(MemberStatus.State.valueOf(state), 100);
        entry.lastSeen = seen.toString();
        entry.reason = "MasterDown";
        entry.takeoverMillis = 180L;
        entry.holds = List.of(holds);
        FailoverPair current = client.resources(FailoverPair.class).inNamespace(namespace).withName(pair).get();
        String prefix = "";
        if (current.getStatus() == null) {
            prefix = "{\"op\":\"add\",\"path\":\"/status\",\"value\":{\"members\":{}}},";
        } else if (current.getStatus().members == null || current.getStatus().members.isEmpty()) {
            prefix = "{\"op\":\"add\",\"path\":\"/status/members\",\"value\":{}},";
        }
        String body = "[" + prefix + "{\"op\":\"add\",\"path\":\"/status/members/" + node + "\",\"value\":"
                + Serialization.asJson(entry) + "}]";
        client.resources(FailoverPair.class).inNamespace(namespace).withName(pair).subresource("status")
                .patch(PatchContext.of(PatchType.JSON), body);
    }
}
