package dev.tandem.lab;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.TransitionRecord;
import dev.tandem.monitoring.MonitoringDocs;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code tandem lab} end to end, as the README tells a user to run it, from the packaged jar: it builds, cuts the
 * active member's link once, and keeps running (--keep) so that the test can look at what a person on call would:
 * the metrics endpoints of the operator and of every agent (every documented series a layer-2 pair makes is there
 * after the failover), the pair's status.history and the Events. Then SIGTERM, and nothing of the lab is left.
 */
class LabIT {
    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    static final Pattern GAP = Pattern.compile("round 1/1: (\\S+) took over from (\\S+); the client lost replies for (\\d+) ms");
    static final Pattern KUBECONFIG = Pattern.compile("kubectl --kubeconfig (\\S+) ");
    static final Pattern OPERATOR_METRICS = Pattern.compile("curl -s (http://\\S+/q/metrics)");
    static final Pattern AGENT_METRICS = Pattern.compile("ip netns exec (tlab(\\w+)-\\S+) curl -s http://127\\.0\\.0\\.1:(\\d+)/q/metrics");
    /**
     * Documented series a layer-2 lab cannot make: cloud moves and provider calls need a cloud, HostBond nodes a
     * HostBond, drift repairs a cloud FloatingIp; rejected and foreign adverts need packets nobody in the lab sends.
     */
    static final Set<String> NOT_IN_A_LAYER2_LAB = Set.of("tandem_floating_ip_move_failures_total",
            "tandem_provider_call_seconds", "tandem_operator_hostbond_nodes", "tandem_operator_drift_repairs_total",
            "tandem_agent_adverts_rejected_total", "tandem_agent_adverts_foreign_total");

    @TempDir
    Path tmp;
    Process lab;
    String labId;

    @BeforeAll
    static void needsRootNamespacesAndTheJar() {
        String why = !"root".equals(System.getProperty("user.name")) ? "the lab needs root"
                : Shell.run(List.of("ip", "-V")).exit() != 0 ? "iproute2 is not installed"
                : Shell.run(List.of("ping", "-V")).exit() != 0 ? "iputils ping is not installed" : null;
        if (why != null) {
            System.out.println("LabIT skipped: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        assertThat(JAR).as("built by `mvn package` before the integration tests").exists();
    }

    @AfterEach
    void stop() throws Exception {
        if (lab != null && lab.isAlive()) {
            lab.destroy();
            if (!lab.waitFor(60, TimeUnit.SECONDS)) {
                lab.destroyForcibly();
            }
        }
        if (labId != null) {
            // Whatever the lab did not remove (it should have), so that no test leaves namespaces behind.
            LabNetwork.removeAbandoned();
        }
    }

    String output() throws IOException {
        return Files.readString(tmp.resolve("lab.out"), StandardCharsets.UTF_8);
    }

    @Test
    void aFailoverIsMeasuredAndSeenInMetricsStatusAndEventsAndEverythingIsRemovedAfterwards() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "lab", "--rounds", "1", "--keep")
                .redirectOutput(tmp.resolve("lab.out").toFile()).redirectError(tmp.resolve("lab.err").toFile());
        pb.environment().remove("KUBECONFIG");
        lab = pb.start();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> !lab.isAlive()
                || output().contains("The lab keeps running"));
        assertThat(lab.isAlive()).as("the lab runs; its output:%n%s%n%s", output(),
                Files.readString(tmp.resolve("lab.err"))).isTrue();
        String out = output();
        System.out.println("LabIT: the lab's output:\n" + out);
        assertThat(out).as("plain output when stdout is no terminal").doesNotContain("\033[");
        assertThat(out.lines().filter(l -> !l.isBlank()).toList())
                .allSatisfy(l -> assertThat(l).matches("\\d{2}:\\d{2}:\\d{2}\\.\\d{3} .*"));
        Matcher gap = GAP.matcher(out);
        assertThat(gap.find()).as("the round's result").isTrue();
        System.out.printf("LabIT: %s took over from %s; the client lost replies for %s ms%n", gap.group(1), gap.group(2),
                gap.group(3));
        assertThat(Long.parseLong(gap.group(3))).as("gap at 50 ms adverts").isBetween(20L, 2_000L);
        assertThat(out).contains("lab: " + gap.group(2) + "'s link cut at the switch")
                .contains(gap.group(1) + ": BACKUP -> MASTER (MasterDown, took over")
                .contains("operator: status.activeMember " + gap.group(1));

        Set<String> documented = new TreeSet<>(MonitoringDocs.documentedMetrics().stream()
                .filter(n -> n.startsWith("tandem_")).toList());
        documented.removeAll(NOT_IN_A_LAYER2_LAB);

        Matcher operator = OPERATOR_METRICS.matcher(out);
        assertThat(operator.find()).isTrue();
        Set<String> exposed = new TreeSet<>(families(curl(List.of(), operator.group(1))));
        Matcher agent = AGENT_METRICS.matcher(out);
        assertThat(agent.find()).isTrue();
        labId = agent.group(2);
        String port = agent.group(3);
        for (String node : List.of("lb-1", "lb-2", "lb-3")) {
            exposed.addAll(families(curl(List.of("ip", "netns", "exec", "tlab" + labId + "-" + node),
                    "http://127.0.0.1:" + port + "/q/metrics")));
        }
        assertThat(exposed).as("series of the operator and the three agents after the failover")
                .containsAll(documented);

        Matcher kubeconfig = KUBECONFIG.matcher(out);
        assertThat(kubeconfig.find()).isTrue();
        try (KubernetesClient client = new KubernetesClientBuilder().withHttpClientFactory(new JdkHttpClientFactory())
                .withConfig(Config.fromKubeconfig(Files.readString(Path.of(kubeconfig.group(1))))).build()) {
            FailoverPair pair = client.resources(FailoverPair.class).inNamespace("tandem-demo").withName("ingress-lb").get();
            TransitionRecord last = pair.getStatus().history.getLast();
            assertThat(last.from).isEqualTo(gap.group(2));
            assertThat(last.to).isEqualTo(gap.group(1));
            assertThat(last.reason).isEqualTo("MasterDown");
            assertThat(last.takeoverMillis).as("measured by the agent").isBetween(100L, 2_000L);
            assertThat(last.time).isNotBlank();
            List<String> reasons = client.v1().events().inNamespace("tandem-demo").list().getItems().stream()
                    .map(Event::getReason).toList();
            assertThat(reasons).contains("MasterDown", "ActiveMemberChanged", "Moved", "FaultCleared");
        }

        List<String> pids = new ArrayList<>();
        for (String node : List.of("lb-1", "lb-2", "lb-3", "client")) {
            pids.addAll(List.of(Shell.run(List.of("ip", "netns", "pids", "tlab" + labId + "-" + node)).output()
                    .trim().split("\\s+")));
        }
        assertThat(pids).as("the agents and the client run in the lab's namespaces").hasSizeGreaterThanOrEqualTo(4);
        if (Shell.run(List.of("kubectl", "version", "--client")).exit() == 0) {
            // The hint the lab prints works: kubectl finds tandem's kinds (the embedded server answers discovery).
            Shell.Result active = Shell.run(List.of("kubectl", "--kubeconfig", kubeconfig.group(1), "-n", "tandem-demo",
                    "get", "fp", "ingress-lb", "-o", "jsonpath={.status.activeMember}"));
            assertThat(active.output()).as("kubectl get fp").isEqualTo(gap.group(1));
        } else {
            System.out.println("LabIT: kubectl is not installed; the lab's kubectl hint was not tried");
        }
        lab.destroy(); // SIGTERM, as a service manager or `kill` stops it
        assertThat(lab.waitFor(60, TimeUnit.SECONDS)).as("the lab stops").isTrue();
        assertThat(output()).contains("removed the lab's namespaces, processes and files");
        assertThat(Shell.run(List.of("ip", "netns", "list")).output()).doesNotContain("tlab" + labId + "-");
        assertThat(Path.of(LabNetwork.STATE_ROOT, labId)).doesNotExist();
        assertThat(pids).as("processes of the lab left running")
                .noneSatisfy(pid -> assertThat(Path.of("/proc", pid)).exists());
    }

    static String curl(List<String> prefix, String url) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("curl", "-sf", url));
        Shell.Result r = Shell.run(command);
        assertThat(r.exit()).as("%s: %s", command, r.output()).isZero();
        return r.output();
    }

    /**
     * The families of a scrape by their series names: the operator's registry (Prometheus client 1.x) names a counter's
     * family without the _total its samples carry, the agent's (0.x) with it.
     */
    static List<String> families(String scrape) {
        return scrape.lines().filter(l -> l.startsWith("# TYPE tandem_")).map(l -> l.split(" "))
                .map(f -> "counter".equals(f[3]) && !f[2].endsWith("_total") ? f[2] + "_total" : f[2])
                .map(n -> n.endsWith("_max") ? n.substring(0, n.length() - 4) : n).toList();
    }
}
