package dev.tandem.agent.hostbond;

import java.time.Duration;

/** Elapsed time and waiting, injectable so that the waits of a rollback can be tested without waiting. */
public interface Ticker {
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
            Thread.sleep(d);
        }
    };

    long nanos();

    void sleep(Duration d) throws InterruptedException;
}
