package dev.tandem.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged artifact, run as a user runs it: `java -jar target/quarkus-app/quarkus-run.jar ...`. */
class PackagedCommandIT {
    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    @TempDir
    Path home;

    record Result(int exit, String stdout, String stderr, Duration took) {
    }

    Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        assertThat(JAR).as("built by `mvn package` before the integration tests").exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(home.resolve("out.txt").toFile())
                .redirectError(home.resolve("err.txt").toFile());
        pb.environment().remove("KUBECONFIG");
        pb.environment().remove("KUBERNETES_SERVICE_HOST");
        pb.environment().put("HOME", home.toString());
        pb.environment().put("QUARKUS_HTTP_PORT", "0");
        pb.environment().putAll(env);
        Instant start = Instant.now();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tandem " + String.join(" ", args) + " did not exit within 60 s");
        }
        return new Result(p.exitValue(), Files.readString(home.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(home.resolve("err.txt"), StandardCharsets.UTF_8), Duration.between(start, Instant.now()));
    }

    @Test
    void operatorWithoutAClusterExitsWithOneClearLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path kubeconfig = home.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: nowhere
                  cluster:
                    server: https://127.0.0.1:%d
                contexts:
                - name: nowhere
                  context: {cluster: nowhere, user: nobody}
                current-context: nowhere
                users:
                - name: nobody
                  user: {token: not-a-real-token}
                """.formatted(port));

        Result r = run(Map.of("KUBECONFIG", kubeconfig.toString()), "operator");

        assertThat(r.exit()).isEqualTo(1);
        List<String> ours = r.stderr().lines().filter(l -> l.startsWith("tandem operator:")).toList();
        assertThat(ours).singleElement().satisfies(line -> {
            assertThat(line).contains("https://127.0.0.1:" + port);
            assertThat(line).contains("kubeconfig " + kubeconfig + " from $KUBECONFIG");
        });
        assertThat(r.stderr() + r.stdout()).doesNotContain("\tat ").doesNotContain("not-a-real-token");
        assertThat(r.took()).as("no 20-second retry storm").isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void helpListsTheThreeRoles() throws Exception {
        Result r = run(Map.of(), "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.stdout()).contains("operator").contains("agent").contains("lab");
    }

    @Test
    void anAgentWithABadFileExitsWithOneLineNamingTheProblem() throws Exception {
        Path file = home.resolve("pair.yaml");
        Files.writeString(file, """
                apiVersion: tandem.dev/v1alpha1
                kind: FailoverPair
                metadata: {name: web}
                spec:
                  virtualRouterId: 61
                  members:
                    - {node: lb-1, priority: 300, address: 10.99.0.1}
                    - {node: lb-2, address: 10.99.0.2}
                """);
        Result r = run(Map.of(), "agent", "--standalone", file.toString(), "--node", "lb-1");
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stderr().lines().filter(l -> l.startsWith("tandem agent:")).toList()).singleElement()
                .satisfies(l -> assertThat(l).contains("spec.members[0].priority").contains("300"));
    }

    @Test
    void labWithASampleThatIsNotThereSaysWhichOnesAreAndStartsNothing() throws Exception {
        Result r = run(Map.of(), "lab", "--sample", "no-such-sample");
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stderr().lines().filter(l -> l.startsWith("tandem lab:")).toList()).singleElement()
                .satisfies(l -> assertThat(l).contains("no sample no-such-sample").contains("bare-metal-l2-vip"));
        assertThat(r.stdout()).doesNotContain("[1/");
    }

    @Test
    void labWithACloudOnlySampleSaysWhatItNeeds() throws Exception {
        Result r = run(Map.of(), "lab", "--sample", "haproxy-digitalocean");
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.stderr()).contains("tandem lab: samples/haproxy-digitalocean.yaml has no layer2 FloatingIp")
                .contains("--sample bare-metal-l2-vip");
    }
}
