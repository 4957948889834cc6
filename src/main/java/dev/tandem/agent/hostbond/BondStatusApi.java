package dev.tandem.agent.hostbond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.api.v1alpha1.NodeBondStatus;
import dev.tandem.api.v1alpha1.Tandem;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The bond agent's writes to the API server: its own node's entry of a HostBond's {@code status.nodes} and Events on
 * the HostBond. The entry is written with a JSON Patch that adds (or replaces as a whole) {@code
 * /status/nodes/<node>} and nothing else, so neither the operator's fields nor another node's entry is read or
 * rewritten, whoever writes at the same time. Before the HostBond has a status or a nodes map, that patch fails with
 * 422; a JSON merge patch then creates the parents with the entry, merging into whatever the operator wrote.
 */
final class BondStatusApi {
    static final int UNPROCESSABLE = 422;
    static final String COMPONENT = "tandem-bond-agent";
    /** Events of cluster-scoped objects live in this namespace, where {@code kubectl describe} looks for them. */
    static final String EVENTS_NAMESPACE = "default";

    private final KubernetesClient client;
    private final String hostBond;
    private final String node;

    BondStatusApi(KubernetesClient client, String hostBond, String node) {
        this.client = client;
        this.hostBond = hostBond;
        this.node = node;
    }

    /** @throws KubernetesClientException when the API server refuses or cannot be reached */
    void report(NodeBondStatus entry) {
        JsonNode value = client.getKubernetesSerialization().convertValue(entry, JsonNode.class);
        var ops = JsonNodeFactory.instance.arrayNode();
        ops.addObject().put("op", "add").put("path", "/status/nodes/" + pointerSegment(node)).set("value", value);
        try {
            status().patch(PatchContext.of(PatchType.JSON), ops.toString());
        } catch (KubernetesClientException e) {
            if (e.getCode() != UNPROCESSABLE) {
                throw e;
            }
            ObjectNode merge = JsonNodeFactory.instance.objectNode();
            merge.putObject("status").putObject("nodes").set(node, value);
            status().patch(PatchContext.of(PatchType.JSON_MERGE), merge.toString());
        }
    }

    /** @throws KubernetesClientException when the API server refuses or cannot be reached */
    void recordEvent(String uid, String type, String reason, String message, Instant at) {
        client.v1().events().inNamespace(EVENTS_NAMESPACE).resource(event(uid, type, reason, message, at)).create();
    }

    Event event(String uid, String type, String reason, String message, Instant at) {
        String time = at.truncatedTo(ChronoUnit.SECONDS).toString();
        return new EventBuilder()
                .withNewMetadata()
                    .withName(hostBond + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE))
                    .withNamespace(EVENTS_NAMESPACE)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(Tandem.API_VERSION)
                        .withKind("HostBond")
                        .withName(hostBond)
                        .withUid(uid)
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(node + ": " + (message.length() > 1000 ? message.substring(0, 997) + "..." : message))
                .withNewSource().withComponent(COMPONENT).withHost(node).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(node)
                .withFirstTimestamp(time)
                .withLastTimestamp(time)
                .withCount(1)
                .build();
    }

    /**
     * The status subresource through a stub object: {@code withName(...).patch(...)} would first GET the HostBond.
     */
    private io.fabric8.kubernetes.client.dsl.EditReplacePatchable<HostBond> status() {
        HostBond stub = new HostBond();
        stub.setMetadata(new ObjectMetaBuilder().withName(hostBond).build());
        return client.resources(HostBond.class).resource(stub).subresource("status");
    }

    /** RFC 6901 escaping of one JSON Pointer segment. */
    static String pointerSegment(String s) {
        return s.replace("~", "~0").replace("/", "~1");
    }
}
