package dev.tandem.provider.aws;

import dev.tandem.provider.Retrier;

import java.time.Duration;

/**
 * How long to wait for EC2 to finish remapping a secondary private IP ("Remapping an IP address is an asynchronous
 * operation", AssignPrivateIpAddresses in the EC2 API reference), and how often to look.
 *
 * @param interval between two looks; DescribeNetworkInterfaces is in EC2's larger bucket of describe calls, and one
 *                 look a second stays far below its refill rate
 * @param deadline after which the move is reported as failed (transient)
 * @param sleeper  waits between looks; tests pass one that advances a manual clock
 */
record RemapWait(Duration interval, Duration deadline, Retrier.Sleeper sleeper) {
    static final RemapWait DEFAULT = new RemapWait(Duration.ofSeconds(1), Duration.ofSeconds(60), Thread::sleep);

    RemapWait {
        if (interval.isNegative() || interval.isZero() || deadline.compareTo(interval) < 0) {
            throw new IllegalArgumentException("remap wait needs 0 < interval <= deadline, got " + interval + " and "
                    + deadline);
        }
    }

    /** The most looks the deadline allows, a bound that holds even when the clock does not move. */
    long maxLooks() {
        return deadline.toNanos() / interval.toNanos() + 1;
    }
}
