package dev.tandem.provider.multapplied;

import dev.tandem.provider.ProviderException;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A move of routing objects that stopped part-way: which PATCH failed, which objects it had already changed and which
 * it did not reach. It keeps the kind of the failure that stopped it (a permanent 403, a transient 500 that outlasted
 * the retries, a lost mastership), so the caller reacts as to that failure.
 *
 * <p>This is what {@code swap-active-bond.py} lacked: it logged a failed PATCH, went on with the next object and
 * exited 0, so keepalived never learnt that the bonds were left half-switched. Here nothing is half-applied silently;
 * the next {@code assign} reads every object again and applies the rest of the same sequence.
 */
public final class PartialSwitchException extends ProviderException {
    private final SwitchStep failed;
    private final List<SwitchStep> changed;
    private final List<SwitchStep> notDone;

    PartialSwitchException(String operation, ProviderException cause, SwitchStep failed, List<SwitchStep> changed,
            List<SwitchStep> notDone) {
        super(cause.kind(), MultappliedProvider.NAME, operation, cause.httpStatus(), cause.code(),
                cause.retryAfter().orElse(null), message(cause, failed, changed, notDone), cause);
        this.failed = failed;
        this.changed = List.copyOf(changed);
        this.notDone = List.copyOf(notDone);
    }

    /** The step whose PATCH failed. */
    public SwitchStep failed() {
        return failed;
    }

    /** The steps applied before it, in order: these objects are already in their new state. */
    public List<SwitchStep> changed() {
        return changed;
    }

    /** The steps after the failed one that were not attempted. */
    public List<SwitchStep> notDone() {
        return notDone;
    }

    private static String message(ProviderException cause, SwitchStep failed, List<SwitchStep> changed,
            List<SwitchStep> notDone) {
        return "stopped at " + failed + ": " + ManagementServer.withoutPrefix(cause) + ". Already changed: "
                + list(changed) + ". Not done: " + list(notDone) + ". The next attempt reads every object again and"
                + " applies what is missing";
    }

    private static String list(List<SwitchStep> steps) {
        return steps.isEmpty() ? "none" : steps.stream().map(SwitchStep::toString).collect(Collectors.joining(", "));
    }
}
