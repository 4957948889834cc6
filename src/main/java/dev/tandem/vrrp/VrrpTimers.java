package dev.tandem.vrrp;

/**
 * The timer formulas of RFC 5798 §6.1 (unchanged in RFC 9568 §6.1), in nanoseconds.
 *
 * <p>The RFC defines the intervals in centiseconds and Skew_Time as {@code ((256 - Priority) *
 * Master_Adver_Interval) / 256} centiseconds, which is usually fractional (priority 100, interval 100 cs gives
 * 60.9375 cs). We compute it exactly in nanoseconds, {@code (256 - p) * interval * 10^7 / 256}, truncated to a
 * whole nanosecond (the exact value is a multiple of half a nanosecond, so the error is under 1 ns). Rounding to whole
 * centiseconds instead would give neighbouring priorities the same skew at short intervals and so lose what the skew is
 * for: that the backup with the higher priority times out first. keepalived truncates the same formula in microseconds.
 */
public final class VrrpTimers {
    public static final long NANOS_PER_CENTISECOND = 10_000_000L;
    public static final int MIN_INTERVAL_CENTIS = 1;
    public static final int MAX_INTERVAL_CENTIS = 4095; // 12-bit Max Adver Int, RFC 5798 §5.2.7

    /** RFC 5798 §6.1: Master_Down_Interval is three advertisement intervals plus the skew. */
    public static final int DOWN_INTERVAL_ADVERTS = 3;

    private VrrpTimers() {
    }

    public static long centisToNanos(int centis) {
        requireInterval(centis);
        return centis * NANOS_PER_CENTISECOND;
    }

    /** Skew_Time (RFC 5798 §6.1) for a local priority and the master's advertisement interval. */
    public static long skewTimeNanos(int priority, int masterAdverIntervalCentis) {
        requirePriority(priority);
        requireInterval(masterAdverIntervalCentis);
        return (256L - priority) * masterAdverIntervalCentis * NANOS_PER_CENTISECOND / 256L;
    }

    /** Master_Down_Interval = (3 * Master_Adver_Interval) + Skew_Time (RFC 5798 §6.1). */
    public static long masterDownIntervalNanos(int priority, int masterAdverIntervalCentis) {
        return DOWN_INTERVAL_ADVERTS * centisToNanos(masterAdverIntervalCentis)
                + skewTimeNanos(priority, masterAdverIntervalCentis);
    }

    private static void requirePriority(int priority) {
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException("a local priority is 1-255, got " + priority);
        }
    }

    private static void requireInterval(int centis) {
        if (centis < MIN_INTERVAL_CENTIS || centis > MAX_INTERVAL_CENTIS) {
            throw new IllegalArgumentException("an advertisement interval is " + MIN_INTERVAL_CENTIS + "-"
                    + MAX_INTERVAL_CENTIS + " centiseconds, got " + centis);
        }
    }
}
