package dev.tandem.agent.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.LayerTwoSpec;
import dev.tandem.api.v1alpha1.LocalObjectRef;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.ProviderSpec;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The mock API server as the agent's tests need it, with the operator's part played by the test. */
public final class ClusterFixtures {
    private ClusterFixtures() {
    }

    /** The checked-in CRDs from crds/, as a cluster has them (the operator is not started). */
    public static void installCrds(KubernetesClient client) {
        for (String crd : List.of("failoverpairs.tandem.dev", "floatingips.tandem.dev")) {
            try (InputStream in = Files.newInputStream(Path.of("crds", crd + ".yaml"))) {
                CustomResourceDefinition definition = client.apiextensions().v1().customResourceDefinitions().load(in).item();
                if (client.resource(definition).get() == null) {
                    client.resource(definition).create();
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read crds/" + crd + ".yaml", e);
            }
        }
    }

    public static String namespace(KubernetesClient client) {
        String ns = "a-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    /**
     * What the operator does for the agents: writes status.virtualRouterId and status.memberAddresses with a JSON
     * Patch (the mock server appends lists in merge patches), leaving the agents' entries alone.
     */
    public static void resolve(KubernetesClient client, String namespace, String pair, int routerId,
                               Map<String, String> addresses) {
        FailoverPair current = client.resources(FailoverPair.class).inNamespace(namespace).withName(pair).get();
        var ops = JsonNodeFactory.instance.arrayNode();
        ObjectNode addressNode = client.getKubernetesSerialization().convertValue(addresses, ObjectNode.class);
        if (current.getStatus() == null) {
            ObjectNode status = JsonNodeFactory.instance.objectNode();
            status.put("virtualRouterId", routerId);
            status.set("memberAddresses", addressNode);
            ops.addObject().put("op", "add").put("path", "/status").set("value", status);
        } else {
            ops.addObject().put("op", "add").put("path", "/status/virtualRouterId").put("value", routerId);
            ops.addObject().put("op", "add").put("path", "/status/memberAddresses").set("value", addressNode);
        }
        client.resources(FailoverPair.class).inNamespace(namespace).withName(pair).subresource("status")
                .patch(PatchContext.of(PatchType.JSON), ops.toString());
    }

    /** Sets status.memberProviderIds, as the operator does from the member nodes' spec.providerID. */
    public static void providerIds(KubernetesClient client, String namespace, String pair, Map<String, String> ids) {
        var ops = JsonNodeFactory.instance.arrayNode();
        ops.addObject().put("op", "add").put("path", "/status/memberProviderIds")
                .set("value", client.getKubernetesSerialization().convertValue(ids, ObjectNode.class));
        client.resources(FailoverPair.class).inNamespace(namespace).withName(pair).subresource("status")
                .patch(PatchContext.of(PatchType.JSON), ops.toString());
    }

    /** Writes another member's entry, as its agent would. */
    public static void report(KubernetesClient client, String namespace, String pair, String node, MemberStatus entry) {
        FailoverPair current = client.resources(FailoverPair.class).inNamespace(namespace).withName(pair).get();
        var ops = JsonNodeFactory.instance.arrayNode();
        if (current.getStatus() == null) {
            ops.addObject().put("op", "add").put("path", "/status").set("value", JsonNodeFactory.instance.objectNode()
                    .set("members", JsonNodeFactory.instance.objectNode()));
        } else if (current.getStatus().members == null || current.getStatus().members.isEmpty()) {
            ops.addObject().put("op", "add").put("path", "/status/members").set("value", JsonNodeFactory.instance.objectNode());
        }
        ops.addObject().put("op", "add").put("path", "/status/members/" + node)
                .set("value", client.getKubernetesSerialization().convertValue(entry, JsonNode.class));
        client.resources(FailoverPair.class).inNamespace(namespace).withName(pair).subresource("status")
                .patch(PatchContext.of(PatchType.JSON), ops.toString());
    }

    /** The node's entry of the pair's status, or null. */
    public static MemberStatus member(KubernetesClient client, String namespace, String pair, String node) {
        FailoverPair p = client.resources(FailoverPair.class).inNamespace(namespace).withName(pair).get();
        return p == null || p.getStatus() == null || p.getStatus().members == null ? null : p.getStatus().members.get(node);
    }
}
