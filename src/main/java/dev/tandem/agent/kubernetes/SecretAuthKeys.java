package dev.tandem.agent.kubernetes;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.election.AuthKeySource;
import dev.tandem.vrrp.udp.AuthKey;
import dev.tandem.vrrp.udp.Keyring;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Kubernetes mode: the udp transport's keys from the pair's key Secret (the one spec.transport.udp.authSecretRef names,
 * or the operator's, status.authSecretName), which the agent's Role lets it get and watch by name. A watch keeps a copy
 * in memory, so {@link #load()} never waits for the API server once the first copy has arrived; while the API server
 * is away the election keeps the keys it has.
 */
final class SecretAuthKeys implements AuthKeySource, AutoCloseable {
    /** How long opening the election waits for the first copy of the Secret. */
    static final long FIRST_COPY_SECONDS = 5;

    private final String namespace;
    private final PairPlan.Udp udp;
    private final SharedIndexInformer<Secret> informer;

    SecretAuthKeys(KubernetesClient client, String namespace, PairPlan.Udp udp) {
        this.namespace = namespace;
        this.udp = udp;
        this.informer = client.secrets().inNamespace(namespace).withField("metadata.name", udp.secretName())
                .runnableInformer(0);
        informer.exceptionHandler((started, t) -> true); // keep trying; load() says what is missing
        informer.start();
    }

    @Override
    public Keyring load() throws IOException {
        String source = "Secret " + namespace + "/" + udp.secretName();
        if (!informer.hasSynced()) {
            try {
                informer.start().toCompletableFuture().get(FIRST_COPY_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading " + source, e);
            } catch (Exception e) {
                throw new IOException("cannot read " + source + " (" + StatusReporter.describe(e) + ")", e);
            }
        }
        Secret secret = informer.getStore().list().stream()
                .filter(s -> udp.secretName().equals(s.getMetadata().getName())).findFirst().orElse(null);
        if (secret == null) {
            throw new IOException(source + " does not exist");
        }
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        byte[] key = decode(data.get(udp.keyName()), source, udp.keyName());
        if (key == null) {
            throw new IOException(source + " has no key \"" + udp.keyName() + "\"");
        }
        byte[] previous = decode(data.get(udp.previousKeyName()), source, udp.previousKeyName());
        try {
            return new Keyring(AuthKey.fromStored(key, "key \"" + udp.keyName() + "\" of " + source),
                    previous == null ? null : AuthKey.fromStored(previous, "key \"" + udp.previousKeyName() + "\" of " + source));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static byte[] decode(String value, String source, String key) throws IOException {
        if (value == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IOException("key \"" + key + "\" of " + source + " is not base64", e);
        }
    }

    @Override
    public String describe() {
        return "Secret " + namespace + "/" + udp.secretName() + ", keys " + udp.keyName() + " and "
                + udp.previousKeyName();
    }

    @Override
    public void close() {
        informer.stop();
    }
}
