package dev.tandem.operator;

import dev.tandem.api.v1alpha1.BondSpec;
import dev.tandem.api.v1alpha1.DigitalOceanSpec;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.LayerTwoSpec;
import dev.tandem.api.v1alpha1.LocalObjectRef;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.MultappliedBondSpec;
import dev.tandem.api.v1alpha1.MultappliedSpec;
import dev.tandem.api.v1alpha1.NodeBondStatus;
import dev.tandem.api.v1alpha1.ProviderSpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import dev.tandem.api.v1alpha1.MemberStatus;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builders for the objects the operator tests create. */
public final class TestResources {
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

    /** A node whose spec.providerID names its machine at a cloud, e.g. digitalocean://101; created once. */
    static Node node(KubernetesClient client, String name, String internalIp, String providerId) {
        Node existing = client.nodes().withName(name).get();
        if (existing != null) {
            return existing;
        }
        return client.nodes().resource(new NodeBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).build())
                .withNewSpec().withProviderID(providerId).endSpec()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(internalIp).endAddress().endStatus()
                .build()).create();
    }

    public static FailoverPair pair(String namespace, String name, String... nodes) {
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

    public static FloatingIp layer2(String namespace, String name, String address, String pair) {
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
        report(client, namespace, pair, node, entry);
    }

    /** Writes {@code entry} as {@code node}'s own entry of the pair's status, as its agent does. */
    static void report(KubernetesClient client, String namespace, String pair, String node, MemberStatus entry) {
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

    /** A FloatingIp with the digitalocean provider, its token in the named Secret (default key). */
    public static FloatingIp digitalocean(String namespace, String name, String address, String pair, String secret) {
        FloatingIp fip = layer2(namespace, name, address, pair);
        fip.getSpec().provider = new ProviderSpec();
        fip.getSpec().provider.digitalocean = new DigitalOceanSpec();
        fip.getSpec().provider.digitalocean.credentialsSecretRef = new SecretKeyRef(secret, null);
        return fip;
    }

    /** A FloatingIp with the multapplied provider and one bond for each of {@code nodes}. */
    static FloatingIp multapplied(String namespace, String name, String address, String pair, String secret,
                                  String... nodes) {
        FloatingIp fip = layer2(namespace, name, address, pair);
        fip.getSpec().provider = new ProviderSpec();
        MultappliedSpec m = new MultappliedSpec();
        m.apiUrl = "https://bonding.example.net";
        m.credentialsSecretRef = new SecretKeyRef(secret, null);
        long id = 1;
        for (String n : nodes) {
            MultappliedBondSpec b = new MultappliedBondSpec();
            b.node = n;
            b.bondId = id++;
            m.bonds.add(b);
        }
        fip.getSpec().provider.multapplied = m;
        return fip;
    }

    /** Creates an Opaque Secret; values are given in clear and stored base64-encoded in data, as the API server does. */
    static Secret secret(KubernetesClient client, String namespace, String name, Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return client.secrets().inNamespace(namespace).resource(new SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withType("Opaque")
                .withData(data)
                .build()).create();
    }

    /** A valid bond-mode HostBond (cluster-scoped) over eth0 and wlan0 on the nodes matching {@code nodeSelector}. */
    static HostBond hostBond(String name, Map<String, String> nodeSelector) {
        HostBond bond = new HostBond();
        bond.setMetadata(new ObjectMetaBuilder().withName(name).build());
        HostBondSpec spec = new HostBondSpec();
        spec.nodeSelector = new LinkedHashMap<>(nodeSelector);
        spec.mode = HostBondSpec.Mode.bond;
        spec.bond = new BondSpec();
        spec.bond.slaves = List.of("eth0", "wlan0");
        spec.bond.primary = "eth0";
        spec.bond.miimon = 100;
        spec.bond.updelay = 200;
        spec.bond.failOverMac = BondSpec.FailOverMac.active;
        bond.setSpec(spec);
        return bond;
    }

    /**
     * Does what a bond agent does: writes its own entry status.nodes.{@code node} of the HostBond with a JSON Patch,
     * and nothing else.
     */
    static void reportBond(KubernetesClient client, String bond, String node, NodeBondStatus.Phase phase, String active,
                           String message) {
        NodeBondStatus entry = new NodeBondStatus(phase, active, message);
        entry.lastChange = Instant.now().toString();
        HostBond current = client.resources(HostBond.class).withName(bond).get();
        String prefix = "";
        if (current.getStatus() == null) {
            prefix = "{\"op\":\"add\",\"path\":\"/status\",\"value\":{\"nodes\":{}}},";
        } else if (current.getStatus().nodes == null || current.getStatus().nodes.isEmpty()) {
            prefix = "{\"op\":\"add\",\"path\":\"/status/nodes\",\"value\":{}},";
        }
        String body = "[" + prefix + "{\"op\":\"add\",\"path\":\"/status/nodes/" + node + "\",\"value\":"
                + Serialization.asJson(entry) + "}]";
        client.resources(HostBond.class).withName(bond).subresource("status")
                .patch(PatchContext.of(PatchType.JSON), body);
    }
}
