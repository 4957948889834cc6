package dev.tandem.agent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged agent as users run it, one real process per member in network namespaces
 * ({@code ip netns exec NS java -jar target/quarkus-app/quarkus-run.jar agent --standalone FILE --node NAME}):
 * signals, a killed process's leftovers, and the start-up errors a user sees.
 */
class AgentProcessIT {
    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final List<String> JVM = List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED");
    static final int EX_CONFIG = 78;
    static final Pattern TRANSITION = Pattern.compile("web: (\\w+) -> (\\w+) \\((\\w+)\\)(?:, took over (\\d+) ms)?");
    static final Pattern REPLY = Pattern.compile("icmp_seq=(\\d+)");
    static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");

    LabNet lab;

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsNamespacesAndTheJar() {
        String why = LabNet.unavailableReason();
        if (why != null) {
            System.out.println("AgentProcessIT skipped: " + why);
        }
        Assumptions.assumeTrue(why == null, "AgentProcessIT skipped: " + why);
        assertThat(JAR).as("built by `mvn package` before the integration tests").exists();
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close(); // the agents and pings first, by their pids, then the namespaces
        }
    }

    String vip() {
        return lab.subnet + "100";
    }

    Path resources(String interfaceName) throws IOException {
        // Readable by an unprivileged user too (the capability case runs as nobody).
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = tmp.resolve("pair.yaml");
        Files.writeString(file, lab.webPair(63, interfaceName, ""));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    List<String> agentCommand(Path file, String node) {
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(JVM);
        command.addAll(List.of("-jar", JAR.toString(), "agent", "--standalone", file.toString(), "--node", node));
        return command;
    }

    /** One agent process in the node's namespace; its stdout and stderr go to {@code logName} in the temp dir. */
    Process startAgent(Path file, String node, String logName) throws IOException {
        return lab.start(node, agentCommand(file, node), Map.of("TANDEM_METRICS_PORT", "0"), tmp.resolve(logName));
    }

    String log(String logName) {
        try {
            Path p = tmp.resolve(logName);
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Transition(String from, String to, String reason, Long tookMillis) {
    }

    List<Transition> transitions(String logName) {
        List<Transition> out = new ArrayList<>();
        Matcher m = TRANSITION.matcher(log(logName));
        while (m.find()) {
            out.add(new Transition(m.group(1), m.group(2), m.group(3), m.group(4) == null ? null : Long.parseLong(m.group(4))));
        }
        return out;
    }

    String state(String logName) {
        List<Transition> t = transitions(logName);
        return t.isEmpty() ? "" : t.getLast().to();
    }

    void awaitState(String logName, String state) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(state(logName)).as("state in %s:%n%s", logName, log(logName)).isEqualTo(state));
    }

    void awaitOnlyHolder(String node) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(lab.holders(vip() + "/32")).as("nodes holding %s", vip()).containsExactly(node));
    }

    /** The scheduling policy of the agent's election thread, from /proc (0 SCHED_OTHER, 1 SCHED_FIFO). */
    static int electionThreadPolicy(Process agent) throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(agent.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).strip().startsWith("tandem-electio")) {
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return Integer.parseInt(fields[38]); // field 41 of proc_pid_stat(5): policy
                }
            }
        }
        throw new AssertionError("no election thread in process " + agent.pid());
    }

    /** The agent's Prometheus metrics, fetched inside its namespace from the port its log names. */
    String metrics(String node, String logName) {
        return get(node, logName, "/q/metrics");
    }

    /** GET of one of the agent's paths inside its namespace; fails unless the answer is 200. */
    String get(String node, String logName, String path) {
        Matcher m = LISTENING.matcher(log(logName));
        assertThat(m.find()).as("%s names its HTTP port", logName).isTrue();
        dev.tandem.lab.Shell.Result r = LabNet.exec(List.of("ip", "netns", "exec", lab.ns(node), "curl", "-sf",
                "http://127.0.0.1:" + m.group(1) + path));
        assertThat(r.exit()).as("curl %s on %s: %s", path, node, r.output()).isZero();
        return r.output();
    }

    @Test
    void sigtermOfTheMasterHandsOverAndAClientLosesAtMostOneReply() throws Exception {
        lab = LabNet.create(91, "lb1", "lb2", "client");
        Path file = resources("eth0");
        Process lb1 = startAgent(file, "lb1", "lb1.log");
        startAgent(file, "lb2", "lb2.log");
        awaitState("lb1.log", "MASTER");
        awaitState("lb2.log", "BACKUP");
        awaitOnlyHolder("lb1");
        // Readiness follows the election: both members take part, one as MASTER, one as BACKUP.
        assertThat(get("lb1", "lb1.log", "/q/health/ready")).contains("\"status\":\"UP\"").contains("MASTER");
        assertThat(get("lb2", "lb2.log", "/q/health/ready")).contains("\"status\":\"UP\"").contains("BACKUP");
        assertThat(get("lb2", "lb2.log", "/q/health/live")).contains("UP");
        if (dev.tandem.net.Capabilities.ofThisProcess().has(23)) { // CAP_SYS_NICE, which the agent inherits
            assertThat(electionThreadPolicy(lb1)).as("SCHED_FIFO (1) with CAP_SYS_NICE").isEqualTo(1);
            assertThat(log("lb1.log")).contains("the election thread runs real-time (SCHED_FIFO 10)");
        } else {
            System.out.println("AgentProcessIT: no CAP_SYS_NICE here; checking the agent says it runs at the normal"
                    + " priority instead of SCHED_FIFO");
            assertThat(electionThreadPolicy(lb1)).isZero();
            assertThat(log("lb1.log")).contains("the election thread runs at the normal priority");
        }

        int count = 400; // 4 s at 10 ms
        Process ping = lab.start("client", List.of("ping", "-D", "-n", "-i", "0.01", "-W", "1", "-c", String.valueOf(count),
                vip()), tmp.resolve("ping.log"));
        await().atMost(Duration.ofSeconds(5)).until(() -> replies(log("ping.log")).size() >= 100);

        lb1.destroy(); // SIGTERM
        assertThat(lb1.waitFor(10, TimeUnit.SECONDS)).as("lb1's agent exits after SIGTERM").isTrue();
        System.out.println("AgentProcessIT: lb1's agent exited with status " + lb1.exitValue() + " after SIGTERM");
        awaitState("lb2.log", "MASTER");
        assertThat(transitions("lb2.log").getLast().reason()).isEqualTo("PriorityZeroReceived");
        awaitOnlyHolder("lb2");
        assertThat(log("lb1.log")).as("the successor advertised before lb1 gave up waiting")
                .doesNotContain("no member took over");

        assertThat(ping.waitFor(20, TimeUnit.SECONDS)).as("ping ends").isTrue();
        TreeSet<Integer> answered = replies(log("ping.log"));
        List<Integer> lost = new ArrayList<>();
        for (int seq = 1; seq <= count; seq++) {
            if (!answered.contains(seq)) {
                lost.add(seq);
            }
        }
        System.out.printf("AgentProcessIT: graceful handover lost %d of %d replies %s; longest gap %d ms%n",
                lost.size(), count, lost, longestGapMillis(log("ping.log")));
        assertThat(lost).as("echo requests without a reply, ping output:%n%s", log("ping.log")).hasSizeLessThanOrEqualTo(1);
        assertThat(metrics("lb2", "lb2.log")).containsPattern("tandem_agent_state\\{[^}]*state=\"MASTER\"[^}]*} 1\\.0");
    }

    @Test
    void aKilledMastersAddressStaysUntilItsAgentReturnsAndRemovesIt() throws Exception {
        lab = LabNet.create(92, "lb1", "lb2", "client");
        Path file = resources("eth0");
        Process lb1 = startAgent(file, "lb1", "lb1.log");
        startAgent(file, "lb2", "lb2.log");
        awaitState("lb1.log", "MASTER");
        awaitState("lb2.log", "BACKUP");
        awaitOnlyHolder("lb1");

        lb1.destroyForcibly(); // SIGKILL: no priority 0, nobody removes the address
        assertThat(lb1.waitFor(10, TimeUnit.SECONDS)).isTrue();
        awaitState("lb2.log", "MASTER");
        Transition takeover = transitions("lb2.log").getLast();
        System.out.println("AgentProcessIT: lb2 took over " + takeover.tookMillis() + " ms after lb1's last advert (SIGKILL)");
        assertThat(takeover.reason()).isEqualTo("MasterDown");
        // Master_Down_Interval = 3 × 50 ms + Skew_Time ((256 − 100) × 50 ms / 256 ≈ 30 ms) ≈ 180 ms.
        assertThat(takeover.tookMillis()).as("takeover after about three advert intervals").isBetween(150L, 1000L);
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(lab.holders(vip() + "/32")).as("the killed node still has the address").containsExactly("lb1", "lb2"));

        startAgent(file, "lb1", "lb1-restarted.log");
        await().atMost(Duration.ofSeconds(60)).until(() -> log("lb1-restarted.log").contains("left by a previous run"));
        assertThat(log("lb1-restarted.log")).contains("removed " + vip() + " on eth0, left by a previous run");
        awaitState("lb1-restarted.log", "MASTER");
        awaitState("lb2.log", "BACKUP");
        awaitOnlyHolder("lb1");
        // No lasting duplicate: one holder, and it stays one.
        for (int i = 0; i < 10; i++) {
            assertThat(lab.holders(vip() + "/32")).containsExactly("lb1");
            Thread.sleep(100);
        }
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(lab.ping("client", vip())).isTrue();
            assertThat(lab.neighbour("client", vip())).isEqualTo(lab.mac("lb1"));
        });
    }

    record Exit(int status, String stdout, String stderr) {
        List<String> ours() {
            return stderr.lines().filter(l -> l.startsWith("tandem agent")).toList();
        }
    }

    /** Runs the agent to its end in the node's namespace, optionally behind a privilege-dropping prefix. */
    Exit runToExit(String node, List<String> prefix, Path file) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", lab.ns(node)));
        command.addAll(prefix);
        command.addAll(agentCommand(file, node));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("TANDEM_METRICS_PORT", "0");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("the agent did not exit within 60 s: " + Files.readString(err));
        }
        return new Exit(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void anInterfaceThatDoesNotExistIsOneLineAndExit78() throws Exception {
        lab = LabNet.create(93, "lb1");
        Exit e = runToExit("lb1", List.of(), resources("eth9"));
        assertThat(e.status()).as("exit status, stderr:%n%s", e.stderr()).isEqualTo(EX_CONFIG);
        assertThat(e.ours()).singleElement().satisfies(line -> assertThat(line)
                .contains("interface eth9 does not exist").contains("eth0"));
        assertThat(e.stdout() + e.stderr()).doesNotContain("\tat ");
        assertThat(lab.addresses("lb1")).doesNotContain(vip());
    }

    @Test
    void withoutCapabilitiesItSaysWhichAreMissingAndExits78() throws Exception {
        Optional<List<String>> drop = privilegeDrop();
        String why = drop.isPresent() ? null : "neither setpriv nor capsh is installed to run the agent without capabilities";
        if (why != null) {
            System.out.println("AgentProcessIT.withoutCapabilities skipped: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        lab = LabNet.create(94, "lb1");
        Exit e = runToExit("lb1", drop.get(), resources("eth0"));
        assertThat(e.status()).as("exit status, stderr:%n%s", e.stderr()).isEqualTo(EX_CONFIG);
        assertThat(e.ours()).singleElement().satisfies(line -> assertThat(line)
                .contains("needs CAP_NET_RAW").contains("CAP_NET_ADMIN").contains("missing: CAP_NET_RAW, CAP_NET_ADMIN")
                .doesNotContain("tandem agent: tandem agent"));
        assertThat(e.stdout() + e.stderr()).doesNotContain("\tat ");
        assertThat(lab.addresses("lb1")).doesNotContain(vip());
    }

    /** A command prefix that runs the rest as nobody with no capabilities at all. */
    static Optional<List<String>> privilegeDrop() {
        if (LabNet.exec(List.of("setpriv", "--version")).exit() == 0) {
            return Optional.of(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"));
        }
        if (LabNet.exec(List.of("capsh", "--version")).exit() == 0) {
            // capsh --user drops to nobody's ids, then bash execs the agent command (its $0 and arguments).
            return Optional.of(List.of("capsh", "--drop=all", "--user=nobody", "--", "-c", "exec \"$0\" \"$@\""));
        }
        return Optional.empty();
    }

    static TreeSet<Integer> replies(String pingOutput) {
        TreeSet<Integer> seqs = new TreeSet<>();
        Matcher m = REPLY.matcher(pingOutput);
        while (m.find()) {
            seqs.add(Integer.parseInt(m.group(1)));
        }
        return seqs;
    }

    /** The longest time between two replies, from ping -D's receive timestamps. */
    static long longestGapMillis(String pingOutput) {
        double last = -1;
        double longest = 0;
        for (String line : pingOutput.lines().filter(l -> l.startsWith("[") && l.contains("icmp_seq=")).toList()) {
            double t = Double.parseDouble(line.substring(1, line.indexOf(']')));
            if (last >= 0) {
                longest = Math.max(longest, t - last);
            }
            last = t;
        }
        return Math.round(longest * 1000);
    }
}
