package dev.tandem.agent.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.MemberStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.EditReplacePatchable;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Every write the agent makes to the API server, on one thread of its own: never the election thread, and never more
 * than one call at a time. The client fails fast (no retries of its own, a short timeout): the callers decide when to
 * try again, so that one hanging call cannot hold back a newer report for long.
 */
final class AgentApi implements AutoCloseable {
    /** HTTP 422: the JSON Patch's parent path (/status or /status/members) does not exist yet. */
    static final int UNPROCESSABLE = 422;

    private final KubernetesClient client;
    private final String namespace;
    private final String pair;
    private final ScheduledExecutorService executor;

    AgentApi(KubernetesClient base, String namespace, String pair, Duration callTimeout) {
        Config config = new ConfigBuilder(base.getConfiguration())
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout((int) callTimeout.toMillis())
                .withConnectionTimeout((int) callTimeout.toMillis())
                .build();
        this.client = new KubernetesClientBuilder().withConfig(config).build();
        this.namespace = namespace;
        this.pair = pair;
        this.executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("tandem-api-" + pair).factory());
    }

    /** The thread every write runs on. */
    ScheduledExecutorService executor() {
        return executor;
    }

    /**
     * Writes {@code status.members.<node>} and nothing else: a JSON Patch that adds (or replaces, as a whole) this one
     * entry, so no other writer's data is read or rewritten. Before the pair has a status or a members map, that patch
     * fails with 422; a JSON merge patch then creates the parents with the entry.
     *
     * @throws KubernetesClientException when the API server refuses or cannot be reached
     */
    void reportMember(String node, MemberStatus entry) {
        JsonNode value = client.getKubernetesSerialization().convertValue(entry, JsonNode.class);
        var ops = JsonNodeFactory.instance.arrayNode();
        ops.addObject().put("op", "add").put("path", "/status/members/" + pointerSegment(node)).set("value", value);
        try {
            status().patch(PatchContext.of(PatchType.JSON), ops.toString());
        } catch (KubernetesClientException e) {
            if (e.getCode() != UNPROCESSABLE) {
                throw e;
            }
            ObjectNode merge = JsonNodeFactory.instance.objectNode();
            merge.putObject("status").putObject("members").set(node, value);
            status().patch(PatchContext.of(PatchType.JSON_MERGE), merge.toString());
        }
    }

    /** @throws KubernetesClientException when the API server refuses or cannot be reached */
    void recordEvent(Event event) {
        client.v1().events().inNamespace(namespace).resource(event).create();
    }

    /**
     * The status subresource, addressed through a stub object: {@code withName(...).patch(...)} would first GET the
     * pair, doubling the calls of every report; a patch of a given object only uses its name and namespace.
     */
    private EditReplacePatchable<FailoverPair> status() {
        FailoverPair stub = new FailoverPair();
        stub.setMetadata(new ObjectMetaBuilder().withName(pair).withNamespace(namespace).build());
        return client.resources(FailoverPair.class).inNamespace(namespace).resource(stub).subresource("status");
    }

    /** RFC 6901 escaping of one JSON Pointer segment. */
    static String pointerSegment(String s) {
        return s.replace("~", "~0").replace("/", "~1");
    }

    @Override
    public void close() {
        executor.shutdownNow();
        client.close();
    }
}
