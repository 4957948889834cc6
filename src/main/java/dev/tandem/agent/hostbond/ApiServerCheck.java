package dev.tandem.agent.hostbond;

import java.util.Optional;

/** Whether the Kubernetes API server answers from this node: empty when it does, else why not. */
@FunctionalInterface
public interface ApiServerCheck {
    Optional<String> check();
}
