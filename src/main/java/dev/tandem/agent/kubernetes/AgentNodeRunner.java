package dev.tandem.agent.kubernetes;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.StandaloneAgent;
import dev.tandem.agent.election.AgentNode;
import dev.tandem.agent.election.AuthKeySource;
import dev.tandem.agent.election.ElectionListener;
import org.jboss.logging.Logger;

import java.io.IOException;

/** The production runner: the election on this host's network, opened on the calling thread. */
public final class AgentNodeRunner implements ElectionRunner {
    private static final Logger LOG = Logger.getLogger("dev.tandem.agent");

    @Override
    public Election open(PairPlan plan, ElectionListener listener, AuthKeySource keys) throws IOException {
        AgentNode node = AgentNode.open(plan, listener, keys);
        node.leftovers().forEach(a -> LOG.infof("%s: removed %s, left by a previous run of this agent", plan.pair(), a));
        LOG.infof("%s: electing on %s as %s (%s), %d address(es)", plan.pair(), node.loop().interfaceName(),
                plan.node(), StandaloneAgent.describe(plan), plan.addresses().size());
        AgentNode started = node.start();
        return new Election() {
            @Override
            public void close() {
                started.close();
            }

            @Override
            public boolean replaceAddresses(PairPlan next) {
                started.loop().replaceAddresses(next.addresses());
                return true;
            }
        };
    }
}
