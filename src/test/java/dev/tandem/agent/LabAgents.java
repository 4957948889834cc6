package dev.tandem.agent;

import dev.tandem.agent.election.AgentNode;
import dev.tandem.agent.election.AuthKeySource;
import dev.tandem.agent.election.ElectionListener;
import dev.tandem.agent.election.Listeners;
import dev.tandem.agent.election.MetricsListener;
import dev.tandem.net.NetworkNamespace;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.DecodeResult;
import dev.tandem.vrrp.RouterState;
import dev.tandem.vrrp.udp.KeyRotation;
import dev.tandem.vrrp.udp.UdpRejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Agents of the tests in namespaces: each member's election opened inside its namespace of a {@link LabNet}, as a
 * standalone host runs it, with its events and metrics recorded; closed gracefully, newest first, by {@link #close}.
 */
final class LabAgents implements AutoCloseable {
    final LabNet lab;
    final Map<String, List<String>> events = new ConcurrentHashMap<>();
    final Map<String, SimpleMeterRegistry> metrics = new ConcurrentHashMap<>();
    private final List<AgentNode> running = new ArrayList<>();

    LabAgents(LabNet lab) {
        this.lab = lab;
    }

    AgentNode start(String node, Path resources) throws Exception {
        return start(node, resources, null, KeyRotation.DEFAULT_WINDOW);
    }

    /**
     * @param credentials the node's --credentials-dir for a udp pair's keys; null for vrrp pairs
     */
    AgentNode start(String node, Path resources, Path credentials, Duration rotationWindow) throws Exception {
        StandaloneResources r = StandaloneResources.load(resources, null);
        PairPlan plan = PairPlan.of(r.pair(), r.floatingIps(), node, Map.of(), r.pair().getSpec().virtualRouterId);
        List<String> log = events.computeIfAbsent(node, k -> new CopyOnWriteArrayList<>());
        ElectionListener recorder = new ElectionListener() {
            @Override
            public void transition(Action.Transition t, long takeoverMillis) {
                log.add(t.to() + ":" + t.reason());
            }

            @Override
            public void problem(String message) {
                log.add("problem:" + message);
            }

            @Override
            public void advertRejected(DecodeResult.RejectReason reason, String message) {
                log.add("rejected:" + reason + ":" + message);
            }

            @Override
            public void datagramRejected(UdpRejectReason reason, String message) {
                log.add("dropped:" + reason + ":" + message);
            }

            @Override
            public void udpPeerConfirmed(String peer, long afterNanos) {
                log.add("confirmed:" + peer + ":" + afterNanos);
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.put(node, registry);
        ElectionListener all = new Listeners(List.of(recorder, new MetricsListener(registry, "standalone",
                r.pair().getMetadata().getName())));
        AuthKeySource keys = plan.udp() == null ? AuthKeySource.NONE : new StandaloneAuthKeys(credentials, plan.udp());
        AgentNode n = NetworkNamespace.call(lab.nsPath(node), () -> AgentNode.open(plan, all, keys, rotationWindow))
                .start();
        running.add(n);
        return n;
    }

    /** Leaves gracefully, as on SIGTERM. */
    void stop(AgentNode n) {
        running.remove(n);
        n.close();
    }

    List<String> events(String node) {
        return events.getOrDefault(node, List.of());
    }

    /** State changes of the node so far, e.g. [BACKUP:STARTUP, MASTER:MASTER_DOWN]. */
    List<String> transitions(String node) {
        return events(node).stream().filter(e -> !e.startsWith("problem:") && !e.startsWith("rejected:")
                && !e.startsWith("dropped:") && !e.startsWith("confirmed:")).toList();
    }

    double counter(String node, String name, String... tags) {
        Counter c = metrics.get(node).find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    /**
     * Waits until the node is in {@code state} and its listeners have heard of it (they hear of a takeover just after
     * its first advert is out, a moment after the loop's state changed), so that transitions() ends with it.
     */
    void awaitState(AgentNode n, RouterState state) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> {
                    assertThat(n.loop().state()).as("%s, events %s", n.plan().node(), events).isEqualTo(state);
                    assertThat(transitions(n.plan().node())).as("%s's recorded transitions", n.plan().node())
                            .last().asString().startsWith(state + ":");
                });
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        running.clear();
        lab.close();
    }
}
