package dev.tandem.vrrp;

import dev.tandem.vrrp.Action.BecomeBackup;
import dev.tandem.vrrp.Action.BecomeMaster;
import dev.tandem.vrrp.Action.EnterFault;
import dev.tandem.vrrp.Action.SendAdvert;
import dev.tandem.vrrp.Action.Stop;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One member's side of one virtual router: the state machine of RFC 5798 §6.4 (RFC 9568 §6.4), plus FAULT.
 *
 * <p>Pure and single-threaded: every input carries the monotonic time it happened at, and every input returns the
 * {@link Action}s the driver must perform, in order. The driver calls {@link #onTick} at or after
 * {@link #nextDeadlineNanos()}; calling it early or more often is harmless.
 *
 * <p>Decisions beyond the RFC text, each tested:
 * <ul>
 *   <li>An advert for another VRID or address family is the driver's mistake (it demultiplexes, RFC 5798 §7.1), so
 *       {@link #onAdvert} rejects it with an exception rather than guessing.</li>
 *   <li>An advert from our own primary address is our own multicast looped back and is ignored.</li>
 *   <li>An advert whose interval differs from ours is processed: a backup adopts the master's interval
 *       (RFC 5798 §6.4.2), a master adopts it only when it steps down (§6.4.3); the mismatch is counted.
 *       An interval of 0 cannot drive a timer, so such an advert is discarded unless its priority is 0
 *       (a priority 0 advert arms Skew_Time from the interval already learned).</li>
 *   <li>preemptDelay (keepalived's {@code preempt_delay}): for that long after {@link #start} or after a fault clears,
 *       a backup accepts lower-priority adverts as if Preempt_Mode were false. From then on it ignores them, so it
 *       takes over one Master_Down_Interval after the last advert it accepted. A delay of 0 is plain RFC
 *       preemption.</li>
 *   <li>The owner (effective priority 255) always preempts and ignores the preempt delay (RFC 5798 §6.1).</li>
 *   <li>A master that enters FAULT first sends an advert of priority 0, as on shutdown, so that a backup takes over
 *       after Skew_Time instead of Master_Down_Interval.</li>
 *   <li>A timer that fires late is re-armed from the time it was handled ("reset the Adver_Timer to
 *       Advertisement_Interval", §6.4.3), so a late tick never causes a burst of adverts.</li>
 * </ul>
 */
public final class VirtualRouter {
    private final RouterConfig config;
    private final OneShotTimer adverTimer = new OneShotTimer();
    private final OneShotTimer masterDownTimer = new OneShotTimer();
    private final CounterTally tally = new CounterTally();
    private final Map<Reason, String> faults = new EnumMap<>(Reason.class);

    private RouterState state = RouterState.INITIALIZE;
    private long stateSinceNanos;
    private int effectivePriority;
    private int masterAdverIntervalCentis;
    private long preemptFromNanos;
    /** What a Master_Down_Timer expiry will be reported as: what last armed it, or that we ignored a lower master. */
    private Reason downTimerReason = Reason.MASTER_DOWN;
    private IpAddress knownMaster;

    public VirtualRouter(RouterConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.effectivePriority = config.priority();
        this.masterAdverIntervalCentis = config.advertIntervalCentis();
    }

    /** The Startup event (RFC 5798 §6.4.1). Only from INITIALIZE; a pending fault sends the router to FAULT. */
    public List<Action> start(long nowNanos) {
        if (state != RouterState.INITIALIZE) {
            throw new IllegalStateException("virtual router " + config.vrid() + " is already started (" + state + ")");
        }
        preemptFromNanos = nowNanos + config.preemptDelayNanos();
        if (!faults.isEmpty()) {
            Map.Entry<Reason, String> fault = faults.entrySet().iterator().next();
            return enterFaultState(fault.getKey(), fault.getValue(), nowNanos);
        }
        return joinElection(Reason.OWNER_STARTUP, Reason.STARTUP, nowNanos);
    }

    /**
     * An ADVERTISEMENT from {@code source} that passed the receive checks of RFC 5798 §7.1 (TTL, version, checksum).
     *
     * @throws IllegalArgumentException if it belongs to another VRID or address family
     */
    public List<Action> onAdvert(Advert advert, IpAddress source, long nowNanos) {
        requireOurs(advert, source);
        tally.advertsReceived++;
        if (source.equals(config.primaryAddress())) {
            tally.ownAdvertsIgnored++;
            return List.of();
        }
        if (advert.priority() == 0) {
            tally.priorityZeroReceived++;
        } else if (advert.maxAdvertIntervalCentis() == 0) {
            tally.malformedDiscarded++;
            return List.of();
        }
        if (advert.maxAdvertIntervalCentis() != config.advertIntervalCentis()) {
            tally.intervalMismatches++;
        }
        if (!new HashSet<>(advert.addresses()).equals(new HashSet<>(config.virtualAddresses()))) {
            // RFC 5798 §7.1: a differing address list is worth reporting but the packet is still processed.
            tally.addressListMismatches++;
        }
        return switch (state) {
            case BACKUP -> backupReceives(advert, source, nowNanos);
            case MASTER -> masterReceives(advert, source, nowNanos);
            case INITIALIZE, FAULT -> List.of();
        };
    }

    /** Fires whichever timer is due: Adver_Timer in MASTER, Master_Down_Timer in BACKUP. */
    public List<Action> onTick(long nowNanos) {
        if (state == RouterState.MASTER && adverTimer.isDue(nowNanos)) {
            adverTimer.arm(nowNanos, config.advertIntervalNanos());
            return List.of(advert(effectivePriority));
        }
        if (state == RouterState.BACKUP && masterDownTimer.isDue(nowNanos)) {
            // RFC 5798 §6.4.2: Master_Down_Timer fires -> send an ADVERTISEMENT, announce, become master.
            tally.masterDownExpiries++;
            return becomeMaster(downTimerReason, nowNanos);
        }
        return List.of();
    }

    /**
     * The priority health checks left this member with, 1-255 (255 only for the owner). It is advertised from the
     * next advert on and used for Skew_Time when the Master_Down_Timer is next armed; it moves no timer by itself:
     * a backup that now outranks the master takes over once the master's adverts stop counting (RFC 5798 §6.4.2).
     */
    public List<Action> setEffectivePriority(int priority, long nowNanos) {
        if (priority < 1 || priority > RouterConfig.OWNER_PRIORITY) {
            throw new IllegalArgumentException("an effective priority is 1-255, got " + priority
                    + " (a failing check without weight is a fault, not priority 0)");
        }
        if (priority == RouterConfig.OWNER_PRIORITY && !config.isOwner()) {
            throw new IllegalArgumentException("priority 255 is reserved for the address owner (RFC 5798 §5.2.4); "
                    + "virtual router " + config.vrid() + " is configured with " + config.priority());
        }
        effectivePriority = priority;
        return List.of();
    }

    /**
     * Adds a fault cause ({@link Reason#HEALTH_CHECK_FAILED}, {@link Reason#INTERFACE_DOWN}). A master announces
     * priority 0 and releases everything; a backup releases everything. Before {@link #start} the cause is kept and
     * start goes to FAULT.
     */
    public List<Action> enterFault(Reason cause, String detail, long nowNanos) {
        if (!cause.isFaultCause()) {
            throw new IllegalArgumentException(cause + " is not a fault cause");
        }
        faults.put(cause, Objects.requireNonNull(detail, "detail"));
        return switch (state) {
            case MASTER, BACKUP -> enterFaultState(cause, detail, nowNanos);
            case INITIALIZE, FAULT -> List.of();
        };
    }

    /** Clears one fault cause; when none is left, a FAULT router rejoins the election as at startup. */
    public List<Action> leaveFault(Reason cause, long nowNanos) {
        faults.remove(cause);
        return rejoinIfClear(nowNanos);
    }

    /** Clears every fault cause; a FAULT router rejoins the election as at startup. */
    public List<Action> leaveFault(long nowNanos) {
        faults.clear();
        return rejoinIfClear(nowNanos);
    }

    /** The Shutdown event (RFC 5798 §6.4.2, §6.4.3): a master sends priority 0 first; back to INITIALIZE. */
    public List<Action> shutdown(long nowNanos) {
        RouterState from = state;
        if (from == RouterState.INITIALIZE) {
            return List.of();
        }
        adverTimer.cancel();
        masterDownTimer.cancel();
        knownMaster = null;
        transition(RouterState.INITIALIZE, Reason.SHUTDOWN, nowNanos);
        Stop stop = new Stop(from, Reason.SHUTDOWN);
        return from == RouterState.MASTER ? List.of(advert(0), stop) : List.of(stop);
    }

    private List<Action> backupReceives(Advert advert, IpAddress source, long nowNanos) {
        if (advert.priority() == 0) {
            // RFC 5798 §6.4.2: the master is stopping; wait only Skew_Time, so the best backup answers first.
            masterDownTimer.arm(nowNanos, skewTimeNanos());
            downTimerReason = Reason.PRIORITY_ZERO_RECEIVED;
            knownMaster = null;
            return List.of();
        }
        knownMaster = source;
        if (!preemptsAt(nowNanos) || advert.priority() >= effectivePriority) {
            // RFC 5798 §6.4.2: adopt the master's interval and restart the countdown.
            masterAdverIntervalCentis = advert.maxAdvertIntervalCentis();
            armMasterDownTimer(nowNanos);
            return List.of();
        }
        // Preempt_Mode and a lower priority: discard, and let the Master_Down_Timer run out.
        tally.lowerPriorityDiscarded++;
        if (downTimerReason == Reason.MASTER_DOWN) {
            downTimerReason = Reason.PREEMPTED;
        }
        return List.of();
    }

    private List<Action> masterReceives(Advert advert, IpAddress source, long nowNanos) {
        if (advert.priority() == 0) {
            // RFC 5798 §6.4.3: a peer is stopping; answer at once so nobody times out.
            adverTimer.arm(nowNanos, config.advertIntervalNanos());
            return List.of(advert(effectivePriority));
        }
        boolean higherPriority = advert.priority() > effectivePriority;
        boolean tieWonByAddress = advert.priority() == effectivePriority
                && source.compareTo(config.primaryAddress()) > 0;
        if (higherPriority || tieWonByAddress) {
            // RFC 5798 §6.4.3: step down, learn the new master's interval.
            adverTimer.cancel();
            masterAdverIntervalCentis = advert.maxAdvertIntervalCentis();
            armMasterDownTimer(nowNanos);
            knownMaster = source;
            Reason reason = higherPriority ? Reason.HIGHER_PRIORITY_ADVERT : Reason.HIGHER_ADDRESS_ADVERT;
            transition(RouterState.BACKUP, reason, nowNanos);
            return List.of(new BecomeBackup(RouterState.MASTER, reason));
        }
        // RFC 9568 §6.4.3: a lower-priority master is told at once who is master (keepalived's default too).
        return List.of(advert(effectivePriority));
    }

    private List<Action> joinElection(Reason asOwner, Reason asBackup, long nowNanos) {
        if (effectivePriority == RouterConfig.OWNER_PRIORITY) {
            return becomeMaster(asOwner, nowNanos); // RFC 5798 §6.4.1
        }
        RouterState from = state;
        masterAdverIntervalCentis = config.advertIntervalCentis();
        armMasterDownTimer(nowNanos);
        knownMaster = null;
        transition(RouterState.BACKUP, asBackup, nowNanos);
        return List.of(new BecomeBackup(from, asBackup));
    }

    private List<Action> becomeMaster(Reason reason, long nowNanos) {
        RouterState from = state;
        masterDownTimer.cancel();
        adverTimer.arm(nowNanos, config.advertIntervalNanos());
        masterAdverIntervalCentis = config.advertIntervalCentis();
        knownMaster = null;
        transition(RouterState.MASTER, reason, nowNanos);
        return List.of(advert(effectivePriority), new BecomeMaster(from, reason, config.virtualAddresses()));
    }

    private List<Action> enterFaultState(Reason cause, String detail, long nowNanos) {
        RouterState from = state;
        adverTimer.cancel();
        masterDownTimer.cancel();
        knownMaster = null;
        transition(RouterState.FAULT, cause, nowNanos);
        EnterFault fault = new EnterFault(from, cause, detail);
        return from == RouterState.MASTER ? List.of(advert(0), fault) : List.of(fault);
    }

    private List<Action> rejoinIfClear(long nowNanos) {
        if (state != RouterState.FAULT || !faults.isEmpty()) {
            return List.of();
        }
        preemptFromNanos = nowNanos + config.preemptDelayNanos();
        return joinElection(Reason.FAULT_CLEARED, Reason.FAULT_CLEARED, nowNanos);
    }

    private void armMasterDownTimer(long nowNanos) {
        masterDownTimer.arm(nowNanos, masterDownIntervalNanos());
        downTimerReason = Reason.MASTER_DOWN;
    }

    private boolean preemptsAt(long nowNanos) {
        if (effectivePriority == RouterConfig.OWNER_PRIORITY) {
            return true;
        }
        return config.preempt() && nowNanos - preemptFromNanos >= 0;
    }

    private SendAdvert advert(int priority) {
        Advert advert = Advert.of(config.vrid(), priority, config.advertIntervalCentis(), config.virtualAddresses());
        tally.sent(advert);
        return new SendAdvert(advert);
    }

    private void transition(RouterState to, Reason reason, long nowNanos) {
        state = to;
        stateSinceNanos = nowNanos;
        tally.transition(to, reason);
    }

    private void requireOurs(Advert advert, IpAddress source) {
        if (advert.vrid() != config.vrid()) {
            throw new IllegalArgumentException("advert for VRID " + advert.vrid() + " handed to virtual router "
                    + config.vrid() + "; the driver must demultiplex by VRID (RFC 5798 §7.1)");
        }
        if (advert.isV4() != config.isV4() || source.isV4() != config.isV4()) {
            throw new IllegalArgumentException("advert from " + source + " is of another address family than "
                    + "virtual router " + config.vrid() + " (" + config.primaryAddress() + ")");
        }
    }

    public RouterConfig config() {
        return config;
    }

    public RouterState state() {
        return state;
    }

    /** When the current state was entered; 0 before the first transition. */
    public long stateSinceNanos() {
        return stateSinceNanos;
    }

    public int effectivePriority() {
        return effectivePriority;
    }

    /** Master_Adver_Interval: learned from the master in BACKUP (RFC 5798 §6.4.2), our own otherwise. */
    public int masterAdverIntervalCentis() {
        return masterAdverIntervalCentis;
    }

    public long skewTimeNanos() {
        return VrrpTimers.skewTimeNanos(effectivePriority, masterAdverIntervalCentis);
    }

    public long masterDownIntervalNanos() {
        return VrrpTimers.masterDownIntervalNanos(effectivePriority, masterAdverIntervalCentis);
    }

    /** When {@link #onTick} is next needed; empty in INITIALIZE and FAULT, where nothing is timed. */
    public OptionalLong nextDeadlineNanos() {
        return switch (state) {
            case MASTER -> OptionalLong.of(adverTimer.deadlineNanos());
            case BACKUP -> OptionalLong.of(masterDownTimer.deadlineNanos());
            case INITIALIZE, FAULT -> OptionalLong.empty();
        };
    }

    /** Who is master as far as this member knows: itself, the last advertiser heard as backup, or nobody. */
    public Optional<IpAddress> currentMaster() {
        return state == RouterState.MASTER ? Optional.of(config.primaryAddress()) : Optional.ofNullable(knownMaster);
    }

    /** Active fault causes and their details; empty when none. */
    public Map<Reason, String> faults() {
        return Map.copyOf(faults);
    }

    public RouterCounters counters() {
        return tally.snapshot();
    }

    @Override
    public String toString() {
        return "VirtualRouter[vrid=" + config.vrid() + ", " + config.primaryAddress() + ", " + state
                + ", priority=" + effectivePriority + "]";
    }
}
