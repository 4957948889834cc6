package dev.tandem.vrrp;

/**
 * Why a virtual router changed state, for Events, status history and transition metrics. {@link #label()} is the
 * CamelCase form Kubernetes uses for event reasons.
 */
public enum Reason {
    /** Started with a priority below 255: waits as backup for Master_Down_Interval (RFC 5798 §6.4.1). */
    STARTUP("Startup", false),
    /** Started as the address owner (priority 255): master at once (RFC 5798 §6.4.1). */
    OWNER_STARTUP("OwnerStartup", false),
    /** No advert for Master_Down_Interval: the master is gone (RFC 5798 §6.4.2). */
    MASTER_DOWN("MasterDown", false),
    /** The master announced it is stopping (priority 0); took over after Skew_Time (RFC 5798 §6.4.2). */
    PRIORITY_ZERO_RECEIVED("PriorityZeroReceived", false),
    /** This member preempted a master of lower priority by ignoring its adverts (RFC 5798 §6.4.2, Preempt_Mode). */
    PREEMPTED("Preempted", false),
    /** A master heard an advert of higher priority and stepped down (RFC 5798 §6.4.3). */
    HIGHER_PRIORITY_ADVERT("HigherPriorityAdvert", false),
    /** A master heard an advert of equal priority from a higher primary address and stepped down (§6.4.3). */
    HIGHER_ADDRESS_ADVERT("HigherAddressAdvert", false),
    /** A health check without weight failed. */
    HEALTH_CHECK_FAILED("HealthCheckFailed", true),
    /** The interface the election runs on is down. */
    INTERFACE_DOWN("InterfaceDown", true),
    /** Every fault cleared: back in the election. */
    FAULT_CLEARED("FaultCleared", false),
    /** The agent is stopping this router (RFC 5798 §6.4.2, §6.4.3 Shutdown event). */
    SHUTDOWN("Shutdown", false);

    private final String label;
    private final boolean faultCause;

    Reason(String label, boolean faultCause) {
        this.label = label;
        this.faultCause = faultCause;
    }

    /** CamelCase, e.g. {@code MasterDown}. */
    public String label() {
        return label;
    }

    /** Whether this reason can put a router in {@link RouterState#FAULT}. */
    public boolean isFaultCause() {
        return faultCause;
    }
}
