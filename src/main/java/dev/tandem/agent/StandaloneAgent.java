package dev.tandem.agent;

import dev.tandem.agent.cloud.CloudMetrics;
import dev.tandem.agent.cloud.CloudMover;
import dev.tandem.agent.cloud.Progresses;
import dev.tandem.agent.cloud.StandaloneCloud;
import dev.tandem.agent.election.AgentNode;
import dev.tandem.provider.CallObserver;
import dev.tandem.agent.election.AuthKeySource;
import dev.tandem.agent.election.ElectionListener;
import dev.tandem.agent.election.Listeners;
import dev.tandem.agent.election.LoggingListener;
import dev.tandem.agent.election.MetricsListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent driven by a YAML file instead of the Kubernetes API: for hosts outside a cluster (the seeds' load
 * balancers and bonders), for tests and for the lab. The file holds the same FailoverPair and FloatingIp resources;
 * members need their addresses and the pair its virtualRouterId, since no operator resolves them.
 */
public final class StandaloneAgent {
    private static final Logger LOG = Logger.getLogger("dev.tandem.agent");

    private StandaloneAgent() {
    }

    /**
     * Starts the election for {@code node}; returns the running node, to be closed (gracefully) on shutdown.
     *
     * @throws IllegalArgumentException when the file cannot be read or is not valid tandem resources
     * @throws PairPlan.PlanException   when the resources give this node no usable plan
     * @throws IOException              when the interface, socket or address table cannot be opened
     */
    /** A running standalone agent: the election and, for cloud FloatingIps, the mover. Close it to leave gracefully. */
    public record Running(AgentNode node, CloudMover cloud, StandaloneCloud environment) implements AutoCloseable {
        @Override
        public void close() {
            node.close(); // graceful: priority 0, hand-over; the mover sees the transition and stops
            if (cloud != null) {
                cloud.close();
                environment.close();
            }
        }
    }

    /** The election's settings in words, for the start-up log line. */
    public static String describe(PairPlan plan) {
        String to = plan.multicast() ? (plan.selfAddress().contains(":") ? "ff02::12" : "224.0.0.18")
                : String.join(", ", plan.peers().stream().map(p -> p.node() + " " + p.address()).toList());
        String how = plan.udp() != null ? "udp port " + plan.udp().port() + " with HMAC-SHA256"
                : plan.multicast() ? "VRRPv3 multicast" : "VRRPv3 unicast";
        return "priority " + plan.priority() + ", router id " + plan.virtualRouterId() + ", adverts every "
                + plan.advertIntervalCentis() * 10 + " ms, " + how + " to " + to;
    }

    /**
     * @param credentialsDir where cloud FloatingIps' credentials and the udp transport's keys are, as {@code DIR/<secret name>/<key>}
     */
    public static Running start(Path file, String node, String pairName, MeterRegistry registry,
                                List<ElectionListener> more, Path credentialsDir) throws IOException {
        StandaloneResources resources = StandaloneResources.load(file, pairName);
        PairPlan plan = PairPlan.of(resources.pair(), resources.floatingIps(), node, Map.of(),
                resources.pair().getSpec().virtualRouterId);
        List<ElectionListener> listeners = new ArrayList<>();
        listeners.add(new LoggingListener(plan.pair()));
        if (registry != null) {
            listeners.add(new MetricsListener(registry, plan.namespace(), plan.pair()));
        }
        listeners.addAll(more);
        CloudMover cloud = null;
        StandaloneCloud environment = null;
        if (!plan.cloudAddresses().isEmpty()) {
            CloudMetrics metrics = registry == null ? null : new CloudMetrics(registry, plan.pair());
            environment = new StandaloneCloud(node, credentialsDir, metrics == null ? CallObserver.NONE : metrics);
            cloud = new CloudMover(plan.pair(), environment, metrics == null ? new Progresses(List.of())
                    : new Progresses(List.of(metrics)));
            cloud.plan(plan.cloudAddresses());
            listeners.add(cloud);
        }
        AgentNode agent;
        try {
            agent = AgentNode.open(plan, new Listeners(listeners), plan.udp() == null ? AuthKeySource.NONE
                    : new StandaloneAuthKeys(credentialsDir, plan.udp()));
        } catch (IOException | RuntimeException e) {
            if (cloud != null) {
                cloud.close();
                environment.close();
            }
            throw e;
        }
        agent.leftovers().forEach(a -> LOG.infof("%s: removed %s, left by a previous run of this agent", plan.pair(), a));
        LOG.infof("%s: electing on %s as %s (%s), %d address(es)", plan.pair(), agent.loop().interfaceName(), node,
                describe(plan), plan.addresses().size());
        if (!plan.cloudAddresses().isEmpty()
                && resources.pair().getSpec().fencing == dev.tandem.api.v1alpha1.FailoverPairSpec.Fencing.lease) {
            LOG.infof("%s: spec.fencing lease needs the Kubernetes API; a standalone agent moves cloud FloatingIps on"
                    + " the election alone", plan.pair());
        }
        plan.cloudAddresses().forEach(c -> LOG.infof("%s: FloatingIp %s (%s) is moved through %s while this member is"
                + " MASTER; credentials from %s", plan.pair(), c.floatingIp(), c.address(), c.provider(),
                credentialsDir));
        return new Running(agent.start(), cloud, environment);
    }
}
