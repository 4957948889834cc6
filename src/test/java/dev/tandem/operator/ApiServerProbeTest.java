package dev.tandem.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** With no cluster, the operator says in one line what it tried, instead of retrying into a stack trace. */
class ApiServerProbeTest {
    @TempDir
    Path home;

    @Test
    void aClosedPortIsOneLineNamingTheUrlAndTheKubeconfig() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:" + port).build();
        Instant start = Instant.now();
        Optional<String> problem = ApiServerProbe.check(config, Map.of("KUBECONFIG", "/etc/tandem/kubeconfig"), home.toString());
        assertThat(Duration.between(start, Instant.now())).as("no retry storm").isLessThan(Duration.ofSeconds(10));
        assertThat(problem).hasValueSatisfying(line -> {
            assertThat(line).doesNotContain("\n");
            assertThat(line).contains("https://127.0.0.1:" + port);
            assertThat(line).contains("kubeconfig /etc/tandem/kubeconfig from $KUBECONFIG");
            assertThat(line).containsIgnoringCase("refused");
        });
    }

    @Test
    void anUnknownHostIsNamed() {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://kubernetes.default.svc.invalid").build();
        Optional<String> problem = ApiServerProbe.check(config, Map.of(), home.toString());
        assertThat(problem).hasValueSatisfying(line -> {
            assertThat(line).contains("https://kubernetes.default.svc.invalid");
            assertThat(line).contains("UnknownHostException");
        });
    }

    @Test
    void saysWhereTheSettingsCameFrom() throws IOException {
        assertThat(ApiServerProbe.source(Map.of(), home.toString()))
                .contains("$KUBECONFIG is unset").contains(home.resolve(".kube/config").toString()).contains("not a pod");
        assertThat(ApiServerProbe.source(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), home.toString()))
                .isEqualTo("in-cluster service account");
        Files.createDirectories(home.resolve(".kube"));
        Files.writeString(home.resolve(".kube/config"), "apiVersion: v1\n");
        assertThat(ApiServerProbe.source(Map.of(), home.toString())).isEqualTo("kubeconfig " + home.resolve(".kube/config"));
    }
}
