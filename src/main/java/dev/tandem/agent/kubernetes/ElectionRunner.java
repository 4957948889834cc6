package dev.tandem.agent.kubernetes;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.election.AuthKeySource;
import dev.tandem.agent.election.ElectionListener;

import java.io.IOException;

/**
 * Opens and starts the election for a plan. In production {@link AgentNodeRunner} opens an
 * {@link dev.tandem.agent.election.AgentNode} on the calling thread (the DaemonSet's pod uses the host's network);
 * tests open it inside a network namespace, or use a fake.
 */
@FunctionalInterface
public interface ElectionRunner {
    /**
     * @param keys the udp transport's keys; {@link AuthKeySource#NONE} for the vrrp transport
     * @throws IOException naming the interface, socket, address or key that could not be opened
     */
    Election open(PairPlan plan, ElectionListener listener, AuthKeySource keys) throws IOException;

    /** A running election. */
    @FunctionalInterface
    interface Election extends AutoCloseable {
        /** Leaves gracefully (priority 0, make-before-break hand-over, addresses removed) and frees everything. */
        @Override
        void close();

        /**
         * Takes new floating addresses without a new election, when only they changed. Returns false when this
         * election cannot, and the caller restarts it instead.
         */
        default boolean replaceAddresses(PairPlan next) {
            return false;
        }
    }
}
