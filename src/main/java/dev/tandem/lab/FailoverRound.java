package dev.tandem.lab;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.TransitionRecord;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One round: cut the active member's link at the switch, wait for another member to take over and for the client's
 * replies to return, measure the longest gap in the replies, show what happened in order, then heal the link and wait
 * for the pair to settle again.
 */
final class FailoverRound {
    static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(15);
    static final Duration SETTLE_LIMIT = Duration.ofSeconds(30);

    /** What a round measured. */
    record Result(String cut, String successor, Duration gap, Long takeoverMillis) {
    }

    private final LabConsole console;
    private final LabNetwork network;
    private final KubernetesClient client;
    private final LabSample sample;
    private final List<AgentProcess> agents;
    private final PingClient ping;
    private final LiveView view;

    FailoverRound(LabConsole console, LabNetwork network, KubernetesClient client, LabSample sample,
                  List<AgentProcess> agents, PingClient ping, LiveView view) {
        this.console = console;
        this.network = network;
        this.client = client;
        this.sample = sample;
        this.agents = agents;
        this.ping = ping;
        this.view = view;
    }

    Result run(int round, int rounds) {
        String label = "round " + round + "/" + rounds;
        String master = awaitSettled(label);
        console.println("");
        console.println(label + ": cutting " + master + "'s link at the switch (" + network.cutCommand(master) + ")");
        view.note(label + ": " + master + "'s link is cut; waiting for a takeover");
        Instant cut = Instant.now();
        network.cut(master);

        AgentProcess.Transition first = awaitValue(TAKEOVER_LIMIT, () -> mastershipSince(cut, master))
                .orElseThrow(() -> new LabException(label + ": no member took over within " + TAKEOVER_LIMIT.toSeconds()
                        + " s of cutting " + master + "'s link" + tails()));
        Instant resumed = awaitValue(TAKEOVER_LIMIT, () -> ping.firstReplyAfter(first.at().minusMillis(50)))
                .orElseThrow(() -> new LabException(label + ": " + first.node() + " took over, but the client got no"
                        + " reply from " + sample.vip() + " within " + TAKEOVER_LIMIT.toSeconds() + " s"));
        // Two backups may both take over and one step down again: the successor is the one still MASTER.
        sleep(Duration.ofMillis(300));
        AgentProcess.Transition takeover = mastershipSince(cut, master).orElse(first);
        // Give the agents' reports and the operator a moment, so the timeline shows the status catching up too.
        await(Duration.ofSeconds(5), () -> takeover.node().equals(activeMember()));
        sleep(Duration.ofMillis(300));

        PingClient.Gap gap = ping.longestGap(cut.minusMillis(500), resumed.plusMillis(100))
                .orElse(new PingClient.Gap(Duration.ZERO, cut, resumed));
        console.println(String.format("%s: %s took over from %s; the client lost replies for %d ms", label,
                takeover.node(), master, gap.length().toMillis()));
        timeline(cut, master, gap).forEach(console::println);
        events(cut).ifPresent(console::println);

        console.println(label + ": healing " + master + "'s link");
        view.note(label + ": " + master + "'s link is back; waiting for the pair to settle");
        network.heal(master);
        return new Result(master, takeover.node(), gap.length(), takeover.tookMillis());
    }

    /** The time-ordered story of the round, relative to the cut. */
    private List<String> timeline(Instant cut, String master, PingClient.Gap gap) {
        record Entry(Instant at, String what) {
        }
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry(cut, "lab: " + master + "'s link cut at the switch"));
        entries.add(new Entry(gap.lastBefore(), "client: last reply before the gap"));
        entries.add(new Entry(gap.firstAfter(), "client: first reply after the gap ("
                + gap.length().toMillis() + " ms without replies)"));
        Instant horizon = Instant.now();
        for (AgentProcess a : agents) {
            for (AgentProcess.Transition t : a.transitions()) {
                if (!t.at().isBefore(cut.minusMillis(5)) && t.at().isBefore(horizon)) {
                    entries.add(new Entry(t.at(), LiveView.describe(t)));
                }
            }
        }
        for (LiveView.ActiveChange c : view.activeChanges()) {
            if (c.seen().isAfter(cut)) {
                entries.add(new Entry(c.seen(), "operator: status.activeMember " + (c.to() == null ? "empty" : c.to())
                        + historyOf(c.to())));
            }
        }
        entries.sort(Comparator.comparing(Entry::at));
        List<String> lines = new ArrayList<>();
        for (Entry e : entries) {
            lines.add(String.format("  %+7d ms  %s", Duration.between(cut, e.at()).toMillis(), e.what()));
        }
        return lines;
    }

    /** The operator's status.history entry for a change to {@code member}, as it recorded it. */
    private String historyOf(String member) {
        FailoverPair p = view.pair();
        if (member == null || p == null || p.getStatus() == null || p.getStatus().history == null) {
            return "";
        }
        for (TransitionRecord r : p.getStatus().history.reversed()) {
            if (member.equals(r.to)) {
                return " (status.history: " + Objects.requireNonNullElse(r.from, "none") + " -> " + r.to + ", "
                        + r.reason + (r.takeoverMillis == null ? "" : ", takeover " + r.takeoverMillis + " ms") + ")";
            }
        }
        return "";
    }

    /** The Events recorded since the cut, by reason and object, as `kubectl get events` would list them. */
    private Optional<String> events(Instant cut) {
        try {
            List<Event> events = client.v1().events().inNamespace(sample.namespace()).list().getItems();
            List<String> seen = new ArrayList<>();
            for (Event e : events) {
                String last = e.getLastTimestamp();
                if (last != null && !Instant.parse(last).isBefore(cut.minusSeconds(1))) {
                    String source = e.getSource() == null ? "" : Objects.requireNonNullElse(e.getSource().getHost(),
                            Objects.requireNonNullElse(e.getSource().getComponent(), ""));
                    seen.add(e.getReason() + " on " + e.getInvolvedObject().getKind() + " "
                            + e.getInvolvedObject().getName() + (source.isEmpty() ? "" : " (" + source + ")"));
                }
            }
            return seen.isEmpty() ? Optional.empty() : Optional.of("  Events: " + String.join("; ", seen));
        } catch (RuntimeException e) {
            return Optional.of("  Events: cannot list them: " + e.getMessage());
        }
    }

    /** The MASTER transition after the cut of the member that is MASTER now, other than the one cut. */
    private Optional<AgentProcess.Transition> mastershipSince(Instant cut, String master) {
        return agents.stream()
                .filter(a -> !a.node().equals(master) && "MASTER".equals(a.state()))
                .flatMap(a -> a.transitions().stream())
                .filter(t -> "MASTER".equals(t.to()) && !t.at().isBefore(cut.minusMillis(5)))
                .reduce((a, b) -> b);
    }

    /** Whether every member reports all its health checks passing (they start failing until they rise). */
    private boolean checksPassing() {
        FailoverPair p = view.pair();
        if (sample.pair().getSpec().healthChecks.isEmpty()) {
            return true;
        }
        if (p == null || p.getStatus() == null || p.getStatus().members == null) {
            return false;
        }
        return agents.stream().allMatch(a -> {
            var m = p.getStatus().members.get(a.node());
            return m != null && m.checks != null && !m.checks.isEmpty()
                    && m.checks.values().stream().allMatch("passing"::equals);
        });
    }

    /** Waits until exactly one member is MASTER, every other BACKUP, and the operator agrees; returns the master. */
    String awaitSettled(String label) {
        view.note(label + ": waiting for the pair to settle (one MASTER, the others BACKUP)");
        Instant deadline = Instant.now().plus(SETTLE_LIMIT);
        Instant stableSince = null;
        String stableMaster = null;
        while (Instant.now().isBefore(deadline)) {
            List<String> masters = agents.stream().filter(a -> "MASTER".equals(a.state())).map(AgentProcess::node).toList();
            boolean othersBackup = agents.stream().allMatch(a -> masters.contains(a.node()) || "BACKUP".equals(a.state()));
            String master = masters.size() == 1 && othersBackup && masters.getFirst().equals(activeMember())
                    && ping.repliesPerSecond(Instant.now()) > 0 && checksPassing() ? masters.getFirst() : null;
            if (master == null || !master.equals(stableMaster)) {
                stableMaster = master;
                stableSince = Instant.now();
            } else if (Duration.between(stableSince, Instant.now()).toMillis() >= 1_000) {
                return master;
            }
            sleep(Duration.ofMillis(50));
        }
        throw new LabException(label + ": the pair did not settle within " + SETTLE_LIMIT.toSeconds()
                + " s (one MASTER that the operator reports, the others BACKUP, every health check passing, the client answered): "
                + agents.stream().map(a -> a.node() + " " + a.state()).toList() + ", status.activeMember "
                + activeMember() + tails());
    }

    private String activeMember() {
        FailoverPair p = view.pair();
        return p == null || p.getStatus() == null ? null : p.getStatus().activeMember;
    }

    private String tails() {
        StringBuilder b = new StringBuilder();
        for (AgentProcess a : agents) {
            b.append("\n  ").append(a.node()).append("'s agent (").append(a.log()).append("), last lines:");
            a.recentLines().stream().skip(Math.max(0, a.recentLines().size() - 5)).forEach(l -> b.append("\n    ").append(l));
        }
        return b.toString();
    }

    static <T> Optional<T> awaitValue(Duration limit, java.util.function.Supplier<Optional<T>> value) {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new LabException("interrupted");
            }
            Optional<T> v = value.get();
            if (v.isPresent() || Instant.now().isAfter(deadline)) {
                return v;
            }
            sleep(Duration.ofMillis(10));
        }
    }

    static boolean await(Duration limit, BooleanSupplier condition) {
        return awaitValue(limit, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty()).isPresent();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }
}
