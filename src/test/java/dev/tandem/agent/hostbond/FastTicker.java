package dev.tandem.agent.hostbond;

import java.time.Duration;

/** Time that runs {@link #SCALE} times faster than the wall clock: a 5 s rollback timeout passes in 50 ms. */
final class FastTicker implements Ticker {
    static final int SCALE = 100;
    private final long start = System.nanoTime();

    @Override
    public long nanos() {
        return start + (System.nanoTime() - start) * SCALE;
    }

    @Override
    public void sleep(Duration d) throws InterruptedException {
        long nanos = d.toNanos() / SCALE;
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
}
