package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.FloatingIpStatus.DriftRepair;

import java.util.Objects;

/**
 * What the operator's latest look at a cloud provider says: the reason and message of the FloatingIp's
 * {@code ProviderInSync} condition, and the last drift repair it made (kept until the next one, so that a status
 * computed from an older copy of the FloatingIp still records it).
 */
public record ProviderCheck(Reason reason, String message, DriftRepair lastRepair) {
    /** The reasons of {@code ProviderInSync}; only {@link #InSync} is True. */
    public enum Reason {
        /** The provider has the address on the active member's machine. */
        InSync,
        /** The provider has it elsewhere, and the operator did not move it back (the active member changed meanwhile). */
        Drift,
        /** A move toward the active member is under way: a pending action, the agent's own move, or a repair. */
        Repairing,
        /** The provider answered with an error, or the active member's agent reports one. */
        ProviderError,
        /** Nothing to compare: no active member, a stale report, an unknown machine id, not checked yet. */
        Unknown
    }

    public ProviderCheck {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    public static ProviderCheck of(Reason reason, String message) {
        return new ProviderCheck(reason, message, null);
    }

    public ProviderCheck withLastRepair(DriftRepair repair) {
        return new ProviderCheck(reason, message, repair);
    }

    public boolean inSync() {
        return reason == Reason.InSync;
    }
}
