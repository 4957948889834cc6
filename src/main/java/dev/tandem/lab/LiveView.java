package dev.tandem.lab;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.MemberStatus;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches the lab four times a second: the pair's status as the operator and the agents wrote it, the agents'
 * transitions, the client's replies. Draws the live block on a terminal, prints each transition as a line, and
 * remembers when the operator's {@code status.activeMember} changed, for the timeline.
 */
final class LiveView implements AutoCloseable {
    static final Duration PERIOD = Duration.ofMillis(250);
    private static final Duration PLAIN_SUMMARY_EVERY = Duration.ofSeconds(10);

    /** A change of status.activeMember, when the lab first saw it. */
    record ActiveChange(Instant seen, String from, String to) {
    }

    private final LabConsole console;
    private final KubernetesClient client;
    private final LabSample sample;
    private final List<AgentProcess> agents;
    private final PingClient ping;
    private final List<ActiveChange> activeChanges = new CopyOnWriteArrayList<>();
    private final Set<AgentProcess.Transition> printed = new HashSet<>();
    private volatile FailoverPair pair;
    private volatile String note = "";
    private volatile boolean running = true;
    private String lastActive;
    private Instant lastSummary = Instant.EPOCH;
    private final Thread thread;

    LiveView(LabConsole console, KubernetesClient client, LabSample sample, List<AgentProcess> agents, PingClient ping) {
        this.console = console;
        this.client = client;
        this.sample = sample;
        this.agents = List.copyOf(agents);
        this.ping = ping;
        this.thread = Thread.ofPlatform().daemon().name("lab-view").start(this::loop);
    }

    /** A line under the block: what the lab is doing now (e.g. "round 2/3: waiting for a takeover"). */
    void note(String text) {
        note = text;
    }

    FailoverPair pair() {
        return pair;
    }

    List<ActiveChange> activeChanges() {
        return List.copyOf(activeChanges);
    }

    private void loop() {
        while (running) {
            try {
                refresh();
            } catch (RuntimeException e) {
                note = "cannot read the pair's status: " + e.getMessage();
            }
            try {
                Thread.sleep(PERIOD);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void refresh() {
        FailoverPair p = client.resources(FailoverPair.class).inNamespace(sample.namespace()).withName(sample.pairName()).get();
        if (p != null) {
            pair = p;
            String active = p.getStatus() == null ? null : p.getStatus().activeMember;
            if (!Objects.equals(active, lastActive)) {
                activeChanges.add(new ActiveChange(Instant.now(), lastActive, active));
                lastActive = active;
            }
        }
        List<AgentProcess.Transition> all = new ArrayList<>();
        agents.forEach(a -> all.addAll(a.transitions()));
        all.sort(java.util.Comparator.comparing(AgentProcess.Transition::at));
        for (AgentProcess.Transition t : all) {
            if (printed.add(t)) {
                console.println(describe(t));
            }
        }
        Instant now = Instant.now();
        if (console.terminal()) {
            console.live(block(now));
        } else if (Duration.between(lastSummary, now).compareTo(PLAIN_SUMMARY_EVERY) >= 0) {
            lastSummary = now;
            console.println(summary(now));
        }
    }

    static String describe(AgentProcess.Transition t) {
        return t.node() + ": " + t.from() + " -> " + t.to() + " (" + t.reason()
                + (t.tookMillis() == null ? "" : ", took over " + t.tookMillis() + " ms after the last advert") + ")";
    }

    private List<String> block(Instant now) {
        FailoverPair p = pair;
        FailoverPairStatus s = p == null ? null : p.getStatus();
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add(String.format("FailoverPair %s/%s   router id %s   adverts every %s   operator: active member %s",
                sample.namespace(), sample.pairName(), s == null || s.virtualRouterId == null ? "-" : s.virtualRouterId,
                Objects.requireNonNullElse(sample.pair().getSpec().advertInterval, "100ms"),
                s == null || s.activeMember == null ? "none" : s.activeMember));
        lines.add(String.format("  %-12s %-8s %-9s %s", "member", "state", "priority", "holds"));
        for (AgentProcess a : agents) {
            MemberStatus m = s == null || s.members == null ? null : s.members.get(a.node());
            String priority = m == null || m.effectivePriority == null ? "-" : Integer.toString(m.effectivePriority);
            // A member whose link is cut cannot report that it let go: what it holds is shown while it is MASTER only.
            lines.add(String.format("  %-12s %-8s %-9s %s", a.node(), a.alive() ? a.state() : "stopped", priority,
                    "MASTER".equals(a.state()) ? holds(m) : ""));
        }
        lines.add(String.format("  %-12s ping %s: %d replies/s", "client", sample.vip(), ping.repliesPerSecond(now)));
        if (!note.isEmpty()) {
            lines.add(note);
        }
        return lines;
    }

    private String summary(Instant now) {
        FailoverPair p = pair;
        FailoverPairStatus s = p == null ? null : p.getStatus();
        StringBuilder b = new StringBuilder("status:");
        for (AgentProcess a : agents) {
            MemberStatus m = s == null || s.members == null ? null : s.members.get(a.node());
            b.append(' ').append(a.node()).append(' ').append(a.alive() ? a.state() : "stopped");
            if (m != null && m.effectivePriority != null) {
                b.append(" (").append(m.effectivePriority).append(')');
            }
            b.append(';');
        }
        b.append(" active member ").append(s == null || s.activeMember == null ? "none" : s.activeMember);
        b.append("; client ").append(ping.repliesPerSecond(now)).append(" replies/s");
        return b.toString();
    }

    /** The addresses of the FloatingIps a member reports holding. */
    private String holds(MemberStatus m) {
        if (m == null || m.holds == null || m.holds.isEmpty()) {
            return "";
        }
        Map<String, String> addresses = new java.util.HashMap<>();
        for (FloatingIp f : sample.floatingIps()) {
            addresses.put(f.getMetadata().getName(), f.getSpec().address);
        }
        return String.join(", ", m.holds.stream().map(h -> addresses.getOrDefault(h, h)).toList());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        console.clearLive();
    }
}
