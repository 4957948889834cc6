package dev.tandem.operator;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Starts the controllers when the process is the operator, and stops them when the application stops: informers and
 * reconcile threads end, and the leader-election Lease is released so a standby takes over at once. (The SDK extension
 * stops only an operator it started itself; tandem starts it from the `operator` subcommand.)
 */
@ApplicationScoped
public class OperatorLifecycle {
    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);

    @Inject
    Instance<Operator> operator;

    private volatile boolean started;

    /** Starts the controllers once; later calls do nothing. */
    public synchronized void start() {
        if (!started) {
            operator.get().start();
            started = true;
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Stops the controllers if they run (the lab stops them before its API server goes). */
    public synchronized void stop() {
        if (started) {
            LOG.info("stopping the controllers");
            operator.get().stop();
            started = false;
        }
    }
}
