package dev.tandem.agent.hostbond;

/**
 * Whether one uplink's gateway answers, from its probes: {@code fall} lost probes in a row take an uplink down,
 * {@code rise} answered ones in a row bring it back; a lost carrier takes it down at once. Before the first probe it
 * is unknown: the first answer makes it healthy, {@code fall} lost ones make it down. Pure; not thread-safe.
 */
final class UplinkHealth {
    enum State { UNKNOWN, UP, DOWN }

    private final int rise;
    private final int fall;
    private State state = State.UNKNOWN;
    private int answeredInARow;
    private int lostInARow;

    UplinkHealth(int rise, int fall) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be at least 1, got " + rise + " and " + fall);
        }
        this.rise = rise;
        this.fall = fall;
    }

    State state() {
        return state;
    }

    boolean isUp() {
        return state == State.UP;
    }

    /** Records an answered probe; true when the state changed. */
    boolean answered() {
        answeredInARow++;
        lostInARow = 0;
        if (state == State.UNKNOWN || state == State.DOWN && answeredInARow >= rise) {
            return to(State.UP);
        }
        return false;
    }

    /** Records a probe without answer; true when the state changed. */
    boolean lost() {
        lostInARow++;
        answeredInARow = 0;
        if (state != State.DOWN && lostInARow >= fall) {
            return to(State.DOWN);
        }
        return false;
    }

    /** The interface lost its carrier: no gateway can answer; true when the state changed. */
    boolean carrierLost() {
        answeredInARow = 0;
        lostInARow = Math.max(lostInARow, fall);
        return to(State.DOWN);
    }

    private boolean to(State next) {
        boolean changed = state != next;
        state = next;
        return changed;
    }
}
