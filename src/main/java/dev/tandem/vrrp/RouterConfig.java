package dev.tandem.vrrp;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * One member's configuration of one virtual router (RFC 5798 §6.1 parameters).
 *
 * @param vrid Virtual Router Identifier, 1-255 (RFC 5798 §5.2.3)
 * @param priority this member's configured priority, 1-255; 255 only for the owner of the addresses (§5.2.4)
 * @param advertIntervalCentis Advertisement_Interval in centiseconds, 1-4095 (§5.2.7)
 * @param preempt Preempt_Mode (§6.1): whether a backup takes over from a master of lower priority. The owner
 *                always preempts, whatever this says (§6.1)
 * @param preemptDelayNanos keepalived's {@code preempt_delay}: for this long after start (or after a fault clears)
 *                          the member behaves as if preempt were off; 0 for none
 * @param primaryAddress this member's own address, the source of its adverts and the tie-breaker (§6.4.3)
 * @param virtualAddresses the addresses the master holds, 1-255, same family as the primary address
 */
public record RouterConfig(
        int vrid, int priority, int advertIntervalCentis, boolean preempt, long preemptDelayNanos,
        IpAddress primaryAddress, List<IpAddress> virtualAddresses) {

    public static final int OWNER_PRIORITY = 255;
    public static final int DEFAULT_PRIORITY = 100;
    public static final int DEFAULT_ADVERT_INTERVAL_CENTIS = 100;

    public RouterConfig {
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("vrid must be 1-255, got " + vrid);
        }
        if (priority < 1 || priority > OWNER_PRIORITY) {
            throw new IllegalArgumentException("priority must be 1-255 (255 = address owner; 0 is reserved for a "
                    + "stopping master, RFC 5798 §5.2.4), got " + priority);
        }
        if (advertIntervalCentis < VrrpTimers.MIN_INTERVAL_CENTIS
                || advertIntervalCentis > VrrpTimers.MAX_INTERVAL_CENTIS) {
            throw new IllegalArgumentException("advertIntervalCentis must be 1-4095 (10 ms to 40.95 s), got "
                    + advertIntervalCentis);
        }
        if (preemptDelayNanos < 0) {
            throw new IllegalArgumentException("preemptDelayNanos must not be negative, got " + preemptDelayNanos);
        }
        Objects.requireNonNull(primaryAddress, "primaryAddress");
        Objects.requireNonNull(virtualAddresses, "virtualAddresses");
        virtualAddresses = List.copyOf(virtualAddresses);
        if (virtualAddresses.isEmpty() || virtualAddresses.size() > Advert.MAX_ADDRESSES) {
            throw new IllegalArgumentException("virtualAddresses must hold 1-255 addresses, got "
                    + virtualAddresses.size());
        }
        if (new HashSet<>(virtualAddresses).size() != virtualAddresses.size()) {
            throw new IllegalArgumentException("virtualAddresses must not repeat an address, got " + virtualAddresses);
        }
        for (IpAddress address : virtualAddresses) {
            if (address.isV4() != primaryAddress.isV4()) {
                // RFC 5798 §5.2.9: one advert, one family; an IPv6 router advertises from its link-local address.
                throw new IllegalArgumentException("virtual address " + address + " is not of the same family as "
                        + "primary address " + primaryAddress);
            }
        }
    }

    /** Defaults: interval 1 s, preempt on, no preempt delay. */
    public static RouterConfig of(int vrid, int priority, IpAddress primaryAddress, List<IpAddress> virtualAddresses) {
        return new RouterConfig(vrid, priority, DEFAULT_ADVERT_INTERVAL_CENTIS, true, 0, primaryAddress,
                virtualAddresses);
    }

    public boolean isOwner() {
        return priority == OWNER_PRIORITY;
    }

    public boolean isV4() {
        return primaryAddress.isV4();
    }

    public long advertIntervalNanos() {
        return VrrpTimers.centisToNanos(advertIntervalCentis);
    }

    public RouterConfig withPriority(int newPriority) {
        return new RouterConfig(vrid, newPriority, advertIntervalCentis, preempt, preemptDelayNanos, primaryAddress,
                virtualAddresses);
    }

    public RouterConfig withAdvertIntervalCentis(int centis) {
        return new RouterConfig(vrid, priority, centis, preempt, preemptDelayNanos, primaryAddress, virtualAddresses);
    }

    public RouterConfig withPreempt(boolean newPreempt, long newPreemptDelayNanos) {
        return new RouterConfig(vrid, priority, advertIntervalCentis, newPreempt, newPreemptDelayNanos,
                primaryAddress, virtualAddresses);
    }
}
