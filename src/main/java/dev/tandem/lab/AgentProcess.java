package dev.tandem.lab;

import dev.tandem.operator.children.ElectionDaemonSet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node's agent, as the election DaemonSet runs it ({@code tandem agent --pair NAME} with {@code $NODE_NAME} and
 * {@code $POD_NAMESPACE}), as a separate process inside the node's network namespace, pointed at the embedded API
 * server by {@code $KUBECONFIG}. Its log goes to a file in the lab's state directory; the transitions in it, with
 * their times, feed the live view and the timeline.
 */
final class AgentProcess implements AutoCloseable {
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");

    /** One state change from the agent's log. */
    record Transition(String node, Instant at, String from, String to, String reason, Long tookMillis) {
    }

    private final String node;
    private final Process process;
    private final Path log;
    private final Pattern transition;
    private final List<Transition> transitions = new CopyOnWriteArrayList<>();
    private final Deque<String> recent = new ArrayDeque<>();
    private volatile int metricsPort = -1;

    private AgentProcess(String node, Process process, Path log, String pair) {
        this.node = node;
        this.process = process;
        this.log = log;
        this.transition = Pattern.compile(Pattern.quote(pair) + ": (\\w+) -> (\\w+) \\((\\w+)\\)(?:, took over (\\d+) ms)?");
    }

    /**
     * @param java the java launcher; {@code jar} the packaged quarkus-run.jar
     */
    static AgentProcess start(String java, Path jar, String namespace, LabSample sample, String node, Path kubeconfig,
                              int metricsPort, Path log, boolean ownSession) {
        List<String> command = new ArrayList<>();
        if (ownSession) {
            // Its own session: a Ctrl-C in the lab's terminal reaches the lab only, which stops the agents in order.
            command.add("setsid");
        }
        command.addAll(List.of("ip", "netns", "exec", namespace, java));
        command.addAll(Arrays.asList(ElectionDaemonSet.AGENT_JVM_OPTIONS.split(" ")));
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "agent",
                "--pair", sample.pairName(), "--namespace", sample.namespace()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("NODE_NAME", node);
        env.put("POD_NAMESPACE", sample.namespace());
        env.put("TANDEM_METRICS_PORT", Integer.toString(metricsPort));
        env.put("MALLOC_ARENA_MAX", "2");
        env.remove("KUBERNETES_SERVICE_HOST");
        env.remove("JAVA_TOOL_OPTIONS");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new LabException("cannot start the agent of " + node + ": " + e.getMessage(), e);
        }
        AgentProcess agent = new AgentProcess(node, p, log, sample.pairName());
        Thread.ofPlatform().daemon().name("lab-agent-log-" + node).start(agent::readLog);
        return agent;
    }

    private void readLog() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                remember(line);
                Matcher m = transition.matcher(line);
                if (m.find()) {
                    transitions.add(new Transition(node, timeOf(line), m.group(1), m.group(2), m.group(3),
                            m.group(4) == null ? null : Long.parseLong(m.group(4))));
                }
                Matcher l = LISTENING.matcher(line);
                if (l.find()) {
                    metricsPort = Integer.parseInt(l.group(1));
                }
            }
        } catch (IOException e) {
            // the process ended or the state directory went away with the lab
        }
    }

    private synchronized void remember(String line) {
        recent.addLast(line);
        while (recent.size() > 20) {
            recent.removeFirst();
        }
    }

    /** The time at the start of an agent log line (its clock is this host's), or now when it has none. */
    static Instant timeOf(String line) {
        if (line.length() >= 23) {
            try {
                return LocalDateTime.parse(line.substring(0, 23), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant();
            } catch (DateTimeParseException e) {
                // not a log line of ours
            }
        }
        return Instant.now();
    }

    String node() {
        return node;
    }

    List<Transition> transitions() {
        return List.copyOf(transitions);
    }

    /** The state of the last transition in the log, or "starting" before the first. */
    String state() {
        List<Transition> t = transitions;
        return t.isEmpty() ? "INITIALIZE" : t.getLast().to();
    }

    int metricsPort() {
        return metricsPort;
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** The last lines the agent printed, for a failure message. */
    synchronized List<String> recentLines() {
        return List.copyOf(recent);
    }

    /** SIGTERM, as the kubelet stops a pod (the agent leaves gracefully); SIGKILL after 5 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
