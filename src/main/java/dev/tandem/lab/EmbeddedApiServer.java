package dev.tandem.lab;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The lab's Kubernetes API: the Fabric8 mock server in CRUD mode (objects are stored, watched, patched and deleted as
 * a real API server would, without admission or a scheduler), the same server the tests use. It listens on this
 * host's loopback for the operator and the live view, and through a {@link NamespaceRelay} on the bridge's address
 * for the agents in the node namespaces. Plain HTTP: nothing leaves the lab's namespaces and loopback.
 */
final class EmbeddedApiServer implements AutoCloseable {
    static final List<String> CRDS = List.of("failoverpairs.tandem.dev", "floatingips.tandem.dev", "hostbonds.tandem.dev");
    static final int RELAY_PORT = 6443;

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Thread drain;
    private NamespaceRelay relay;
    private String relayUrl;

    private EmbeddedApiServer(KubernetesMockServer server) {
        this.server = server;
        this.client = new KubernetesClientBuilder().withHttpClientFactory(new JdkHttpClientFactory())
                .withConfig(config(url())).build();
        // The mock server keeps every request it answered for tests to inspect; the lab inspects none, and a lab left
        // running with --keep would otherwise grow by every heartbeat of every agent.
        this.drain = Thread.ofPlatform().daemon().name("lab-api-drain").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    server.takeRequest(1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                // stopping
            }
        });
    }

    static EmbeddedApiServer start() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new LabApiDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return new EmbeddedApiServer(server);
    }

    String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** What the agents use: the relay on the bridge's address. */
    String nodeUrl() {
        return relayUrl;
    }

    KubernetesClient client() {
        return client;
    }

    /** Makes the server reachable from the lab's namespaces at {@code address}:{@value #RELAY_PORT}. */
    void relayInto(Path namespaceFile, String address) {
        relay = NamespaceRelay.start(namespaceFile, address, RELAY_PORT, server.getPort());
        relayUrl = "http://" + address + ":" + relay.port();
    }

    /** The CRDs of crds/ (packaged in the jar), as `kubectl apply -k deploy/` installs them. */
    void installCrds() {
        for (String crd : CRDS) {
            try (InputStream in = EmbeddedApiServer.class.getResourceAsStream("/crds/" + crd + ".yaml")) {
                if (in == null) {
                    throw new LabException("this build has no crds/" + crd + ".yaml inside; rebuild it with mvn package");
                }
                CustomResourceDefinition definition = client.apiextensions().v1().customResourceDefinitions().load(in).item();
                client.resource(definition).create();
            } catch (IOException e) {
                throw new LabException("cannot read crds/" + crd + ".yaml from the jar: " + e.getMessage(), e);
            }
        }
    }

    /** A kubeconfig that points at {@code url}, as a user's or a node's would. */
    static void writeKubeconfig(Path file, String url) {
        try {
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: tandem-lab
                      cluster:
                        server: %s
                    contexts:
                    - name: tandem-lab
                      context: {cluster: tandem-lab, user: lab, namespace: default}
                    current-context: tandem-lab
                    users:
                    - name: lab
                      user: {token: tandem-lab}
                    """.formatted(url));
        } catch (IOException e) {
            throw new LabException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static Config config(String url) {
        return new ConfigBuilder(Config.empty()).withMasterUrl(url).withOauthToken("tandem-lab")
                .withRequestRetryBackoffLimit(3).withConnectionTimeout(5_000).withRequestTimeout(10_000).build();
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.close();
        }
        drain.interrupt();
        client.close();
        server.destroy();
    }
}
