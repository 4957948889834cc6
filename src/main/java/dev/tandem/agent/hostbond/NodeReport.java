package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.NodeBondStatus;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This node's state for one HostBond: its phase, the link that carries traffic, when either last changed and what
 * happened last. Every change goes to the sinks (the log; in Kubernetes mode the HostBond's {@code status.nodes} entry
 * and Events). Thread-safe.
 */
public final class NodeReport {
    static final Logger LOG = Logger.getLogger("dev.tandem.agent");

    /** Where reports go. Called on the reporting thread: a sink must not block. */
    public interface Sink {
        void status(NodeBondStatus status);

        /** A Kubernetes Event: type Normal or Warning, a reason such as RolledBack, a message. */
        default void event(String type, String reason, String message) {
        }
    }

    private final String hostBond;
    private final Clock clock;
    private final List<Sink> sinks = new CopyOnWriteArrayList<>();
    private NodeBondStatus current;

    public NodeReport(String hostBond, Clock clock) {
        this.hostBond = hostBond;
        this.clock = clock;
    }

    public NodeReport addSink(Sink sink) {
        sinks.add(sink);
        return this;
    }

    /** A copy of the latest state, null before the first. */
    public synchronized NodeBondStatus current() {
        return current == null ? null : copy(current);
    }

    /** Sets the phase, the active link (null keeps the current one) and the message. */
    public void phase(NodeBondStatus.Phase phase, String active, String message) {
        NodeBondStatus next;
        synchronized (this) {
            String nextActive = active != null ? active : current == null ? null : current.active;
            next = new NodeBondStatus(phase, nextActive, message);
            boolean changed = current == null || current.phase != phase
                    || !java.util.Objects.equals(current.active, nextActive);
            next.lastChange = changed || current.lastChange == null ? now() : current.lastChange;
            current = next;
        }
        String line = hostBond + ": " + phase + (next.active == null ? "" : " (active " + next.active + ")") + ": "
                + message;
        if (phase == NodeBondStatus.Phase.Failed || phase == NodeBondStatus.Phase.RolledBack) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
        NodeBondStatus copy = copy(next);
        sinks.forEach(s -> s.status(copy));
    }

    /** Records an Event, and logs it unless the status message just said it. */
    public void event(String type, String reason, String message) {
        boolean logged;
        synchronized (this) {
            logged = current != null && current.message != null && current.message.contains(message);
        }
        if (logged) {
            LOG.debugf("%s: Event %s: %s", hostBond, reason, message);
        } else if ("Warning".equals(type)) {
            LOG.warnf("%s: %s: %s", hostBond, reason, message);
        } else {
            LOG.infof("%s: %s: %s", hostBond, reason, message);
        }
        sinks.forEach(s -> s.event(type, reason, message));
    }

    /** The active link changed while applied: the new active link, a message, and an Event. */
    public void activeChanged(String from, String to, String why, boolean toPreferred) {
        String message = "traffic moved from " + from + " to " + to + ": " + why;
        NodeBondStatus.Phase phase;
        synchronized (this) {
            phase = current == null ? NodeBondStatus.Phase.Applied : current.phase;
        }
        phase(phase, to, message);
        event(toPreferred ? "Normal" : "Warning", "ActiveLinkChanged", message);
    }

    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static NodeBondStatus copy(NodeBondStatus s) {
        NodeBondStatus c = new NodeBondStatus(s.phase, s.active, s.message);
        c.lastChange = s.lastChange;
        return c;
    }
}
