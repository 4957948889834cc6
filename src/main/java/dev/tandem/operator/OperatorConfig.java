package dev.tandem.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Settings of the operator process, from application.properties or TANDEM_OPERATOR_* environment variables. */
@ConfigMapping(prefix = "tandem.operator")
public interface OperatorConfig {
    /** Image of the agent containers; the operator's own image by default, since one artifact holds both. */
    @WithDefault("ghcr.io/tandem-dev/tandem:0.1.0")
    String agentImage();

    @WithDefault("IfNotPresent")
    String imagePullPolicy();

    /** Election agents serve metrics on this port plus their pair's virtual router id (9561-9815 by default). */
    @WithDefault("9560")
    int agentMetricsPortBase();

    /** Priority class of agent pods, e.g. system-node-critical, so that they are the last to be evicted. */
    Optional<String> agentPriorityClass();

    /** A member report older than this counts as missing: its agent is gone or cannot reach the API server. */
    @WithDefault("30s")
    Duration memberStaleAfter();

    /** How often every resource is looked at again even without events (stale reports, drift, references). */
    @WithDefault("20s")
    Duration resyncInterval();

    /**
     * How often the operator asks the cloud provider who holds each cloud FloatingIp, to find and repair drift (the
     * address moved away from the active member behind tandem's back, e.g. in the provider's console).
     */
    @WithDefault("30s")
    Duration driftCheckInterval();

    /**
     * How long a member must have been MASTER before the operator repairs drift towards it: the member's own agent
     * moves the address when it takes over, and gets this long to do so before the operator steps in.
     */
    @WithDefault("15s")
    Duration driftGrace();

    /** Namespace of the operator, where HostBond DaemonSets run. */
    @WithDefault("tandem-system")
    String namespace();

    /** ServiceAccount of HostBond agents, created by deploy/. */
    @WithDefault("tandem-bond-agent")
    String bondServiceAccount();
}
