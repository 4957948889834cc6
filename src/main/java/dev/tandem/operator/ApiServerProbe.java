package dev.tandem.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One quick look at the API server before the operator starts, so that a missing cluster is one line naming what was
 * tried, not a long retry storm that ends in a stack trace.
 */
public final class ApiServerProbe {
    static final String SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    private static final int TIMEOUT_MS = 5_000;

    private ApiServerProbe() {
    }

    /** Why the API server cannot be used, or empty when it answered. */
    public static Optional<String> check(Config config, Map<String, String> env, String home) {
        Config quick = new ConfigBuilder(config)
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(TIMEOUT_MS)
                .withRequestTimeout(TIMEOUT_MS)
                .build();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(quick).build()) {
            client.getKubernetesVersion();
            return Optional.empty();
        } catch (KubernetesClientException e) {
            String why = e.getCode() == 401 || e.getCode() == 403
                    ? "it rejected the credentials (HTTP " + e.getCode() + ")"
                    : rootCause(e);
            return Optional.of("cannot reach the Kubernetes API at " + config.getMasterUrl() + " (" + source(env, home)
                    + "): " + why);
        } catch (RuntimeException e) {
            return Optional.of("cannot reach the Kubernetes API at " + config.getMasterUrl() + " (" + source(env, home)
                    + "): " + rootCause(e));
        }
    }

    /** Where the client's settings came from, in the order the Fabric8 client looks. */
    static String source(Map<String, String> env, String home) {
        String kubeconfig = env.get("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            return "kubeconfig " + kubeconfig + " from $KUBECONFIG";
        }
        Path fallback = Path.of(home == null ? "/" : home, ".kube", "config");
        if (Files.isRegularFile(fallback)) {
            return "kubeconfig " + fallback;
        }
        if (env.containsKey("KUBERNETES_SERVICE_HOST") || Files.exists(Path.of(SERVICE_ACCOUNT_TOKEN))) {
            return "in-cluster service account";
        }
        return "no kubeconfig: $KUBECONFIG is unset and " + fallback + " does not exist, and this is not a pod";
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? "" : ": " + t.getMessage();
        return t.getClass().getSimpleName() + message;
    }
}
