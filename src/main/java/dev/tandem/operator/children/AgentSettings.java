package dev.tandem.operator.children;

import java.util.Optional;

/**
 * How agent workloads are built: image, pull policy, metrics port base and scheduling priority.
 *
 * @param metricsPortBase each election agent serves metrics on this port plus its pair's virtual router id, so that
 *                        agents of several pairs on one host network never collide
 */
public record AgentSettings(String image, String imagePullPolicy, int metricsPortBase, Optional<String> priorityClassName,
                            String bondServiceAccount) {
}
