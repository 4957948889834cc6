package dev.tandem.vrrp;

/**
 * A deadline on the injected monotonic clock (Adver_Timer, Master_Down_Timer of RFC 5798 §6.2). Deadlines are
 * compared by subtraction, as {@code System.nanoTime()} values must be: they may be negative and may wrap.
 */
final class OneShotTimer {
    private boolean armed;
    private long deadlineNanos;

    void arm(long nowNanos, long durationNanos) {
        armed = true;
        deadlineNanos = nowNanos + durationNanos;
    }

    void cancel() {
        armed = false;
    }

    boolean isArmed() {
        return armed;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    boolean isDue(long nowNanos) {
        return armed && nowNanos - deadlineNanos >= 0;
    }
}
