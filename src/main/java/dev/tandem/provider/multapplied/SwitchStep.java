package dev.tandem.provider.multapplied;

/** One PATCH of a move: set {@code object}'s {@code enabled} to {@code enabled}. */
public record SwitchStep(RoutingObject object, boolean enabled) {
    /** How messages name the step: {@code bond 3 routes/8 -> disabled}. */
    @Override
    public String toString() {
        return object + " -> " + (enabled ? "enabled" : "disabled");
    }
}
