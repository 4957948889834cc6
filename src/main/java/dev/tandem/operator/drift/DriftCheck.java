package dev.tandem.operator.drift;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.FloatingIpStatus.DriftRepair;
import dev.tandem.operator.EventRecorder;
import dev.tandem.operator.OperatorMetrics;
import dev.tandem.operator.status.DriftRule;
import dev.tandem.operator.status.DriftRule.Checkable;
import dev.tandem.operator.status.DriftRule.Judgement;
import dev.tandem.operator.status.DriftRule.NotCheckable;
import dev.tandem.operator.status.DriftRule.Precheck;
import dev.tandem.operator.status.DriftRule.Repair;
import dev.tandem.operator.status.DriftRule.Verdict;
import dev.tandem.operator.status.ProviderCheck;
import dev.tandem.operator.status.ProviderCheck.Reason;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.Providers;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One check of one cloud FloatingIp: ask the provider who holds the address, judge it with {@link DriftRule}, and
 * repair drift under a guard that re-reads the pair before every mutating request. Runs on a check thread, never on a
 * reconcile thread: provider calls block for as long as their retry policy allows.
 */
final class DriftCheck {
    private static final Logger LOG = Logger.getLogger(DriftCheck.class);
    static final String DRIFT_REPAIRED = "DriftRepaired";
    static final String PROVIDER_ERROR = "ProviderError";

    /**
     * What a check found.
     *
     * @param repair      the repair it made, null when none
     * @param recheckSoon look again soon rather than one interval later (the pair changed under a repair)
     */
    record Result(ProviderCheck check, DriftRepair repair, boolean recheckSoon) {
        static Result of(ProviderCheck check) {
            return new Result(check, null, false);
        }
    }

    private final ProviderCache providers;
    private final ProviderErrorEvents errorEvents;
    private final EventRecorder events;
    private final OperatorMetrics metrics;
    private final Clock clock;
    private final Duration grace;
    private final Duration staleAfter;

    DriftCheck(ProviderCache providers, ProviderErrorEvents errorEvents, EventRecorder events, OperatorMetrics metrics,
               Clock clock, Duration grace, Duration staleAfter) {
        this.providers = providers;
        this.errorEvents = errorEvents;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.grace = grace;
        this.staleAfter = staleAfter;
    }

    /**
     * @param pair      the pair as the check starts
     * @param repairing told before a repair starts, so that the status can say so while it runs
     */
    Result run(CheckRequest r, FailoverPair pair, Consumer<ProviderCheck> repairing) throws InterruptedException {
        FloatingIp fip = r.floatingIp();
        String providerName = Providers.cloudName(fip.getSpec().provider).orElseThrow();
        DriftRule.Subject subject = new DriftRule.Subject(fip.getMetadata().getName(), providerName,
                fip.getSpec().address);
        FloatingIpProvider checker;
        try {
            checker = providers.checker(fip, r.secret());
        } catch (IllegalArgumentException e) {
            return Result.of(providerError(fip, "cannot use the " + providerName + " provider: " + e.getMessage()));
        }
        Map<String, String> providerIds = pair == null || pair.getStatus() == null
                || pair.getStatus().memberProviderIds == null ? Map.of() : pair.getStatus().memberProviderIds;
        Precheck pre = DriftRule.precheck(subject, pair, clock.instant(), staleAfter,
                node -> checker.machineIdFromProviderId(node, providerIds.get(node)));
        if (pre instanceof NotCheckable(ProviderCheck check)) {
            return Result.of(check);
        }
        Checkable checkable = (Checkable) pre;
        ProviderHolder holder;
        try {
            holder = checker.holder();
        } catch (ProviderException e) {
            return Result.of(providerError(fip, "cannot ask " + providerName + " who holds " + subject.address() + ": "
                    + e.getMessage()));
        }
        Judgement judgement = DriftRule.judge(subject, checkable, holder, clock.instant(), grace);
        if (judgement instanceof Verdict(ProviderCheck check)) {
            return Result.of(check);
        }
        return repair(r, subject, (Repair) judgement, repairing);
    }

    private Result repair(CheckRequest r, DriftRule.Subject subject, Repair repair, Consumer<ProviderCheck> repairing)
            throws InterruptedException {
        FloatingIp fip = r.floatingIp();
        DriftRule.ActiveMember to = repair.to();
        String fromText = repair.from() == null ? "no machine" : DriftRule.describe(repair.from(), repair.fromNode());
        String toText = DriftRule.describe(to.machineId(), to.node());
        repairing.accept(ProviderCheck.of(Reason.Repairing, repair.description() + "; moving it to " + toText));
        MasterGuard guard = () -> DriftRule.stillActive(r.pair().get().orElse(null), to, clock.instant(), staleAfter);
        try {
            providers.repairer(fip, r.secret()).assign(new Member(to.node(), to.machineId()), guard);
        } catch (ProviderException e) {
            if (e.kind() == ProviderException.Kind.STEPPED_DOWN) {
                LOG.infof("FloatingIp %s/%s: drift not repaired, %s stopped being the active member meanwhile",
                        fip.getMetadata().getNamespace(), fip.getMetadata().getName(), to.node());
                return new Result(ProviderCheck.of(Reason.Drift, repair.description() + "; not moved, because "
                        + to.node() + " stopped being the active member meanwhile; checking again"), null, true);
            }
            return Result.of(providerError(fip, repair.description() + ", and moving it there failed: "
                    + e.getMessage()));
        } catch (IllegalArgumentException e) {
            return Result.of(providerError(fip, "cannot use the " + subject.provider() + " provider: "
                    + e.getMessage()));
        }
        DriftRepair record = new DriftRepair(clock.instant().truncatedTo(ChronoUnit.MILLIS).toString(), repair.from(),
                repair.fromNode(), to.machineId(), to.node());
        String message = subject.address() + " was on " + fromText + " at " + subject.provider()
                + " instead of the active member " + toText + "; moved it to " + toText;
        LOG.warnf("FloatingIp %s/%s: %s", fip.getMetadata().getNamespace(), fip.getMetadata().getName(), message);
        metrics.driftRepaired(subject.provider());
        events.warning(fip, DRIFT_REPAIRED, message);
        return new Result(ProviderCheck.of(Reason.InSync, DriftRule.inSyncMessage(subject, to)), record, false);
    }

    /** The condition for a provider error, with an Event unless the same one was recorded recently. */
    private ProviderCheck providerError(FloatingIp fip, String message) {
        LOG.debugf("FloatingIp %s/%s: %s", fip.getMetadata().getNamespace(), fip.getMetadata().getName(), message);
        if (errorEvents.shouldRecord(fip.getMetadata().getUid(), message, clock.instant())) {
            events.warning(fip, PROVIDER_ERROR, message);
        }
        return ProviderCheck.of(Reason.ProviderError, message);
    }
}
