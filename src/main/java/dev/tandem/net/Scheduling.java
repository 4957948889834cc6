package dev.tandem.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Real-time scheduling of the calling thread, for the election thread: with {@code SCHED_FIFO} it runs the moment an
 * advert arrives or a timer is due, even while other processes saturate every core, where under the default policy it
 * waits its turn behind them and a backup can declare the master down although it never was. keepalived does the
 * same ({@code vrrp_rt_priority}). The thread sleeps almost all the time, so it takes nothing from the rest of the
 * node. It needs {@code CAP_SYS_NICE}; without it the thread stays at the default policy.
 */
public final class Scheduling {
    /** {@code SCHED_OTHER} and {@code SCHED_FIFO} in linux/sched.h. */
    static final int SCHED_OTHER = 0;
    static final int SCHED_FIFO = 1;
    /** The highest real-time priority Linux offers (sched_get_priority_max(SCHED_FIFO)). */
    public static final int MAX_PRIORITY = 99;

    private Scheduling() {
    }

    /**
     * Puts the calling thread in {@code SCHED_FIFO} at {@code priority} (1-99).
     *
     * @throws ErrnoException EPERM without CAP_SYS_NICE (or a real-time budget of 0 in the cgroup), naming the call
     */
    public static void realtime(int priority) throws ErrnoException {
        if (priority < 1 || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("real-time priority must be 1-" + MAX_PRIORITY + ", got " + priority);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment param = arena.allocateFrom(JAVA_INT, priority); // struct sched_param { int priority; }
            Libc.check(Libc.schedSetscheduler(0, SCHED_FIFO, param), "sched_setscheduler(SCHED_FIFO, " + priority + ")",
                    "the election thread");
        }
    }

    /** Whether the calling thread runs under {@code SCHED_FIFO}. */
    public static boolean isRealtime() {
        return Libc.schedGetscheduler(0) == SCHED_FIFO;
    }
}
