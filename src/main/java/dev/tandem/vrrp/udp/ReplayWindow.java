package dev.tandem.vrrp.udp;

import java.util.Arrays;

/**
 * Anti-replay for one sender, after the sliding window of RFC 4303 §3.4.3 but over counter values that are not
 * consecutive (a sender counts in microseconds): the window holds the last {@link #SIZE} counters accepted. A counter
 * is accepted when it is above all of them, or inside their range and not among them (a datagram that came late,
 * out of order); it is refused when it is among them (a replay) or below the oldest (too old to tell, or older than
 * the first counter accepted). Only authentic messages may be shown to it, or a forger could push the window forward.
 *
 * <p>The first counter shown to an empty window is accepted whatever it is: nothing older is known. So the first one
 * must be known to be fresh: {@link PeerHandshake} shows it the counter of the peer's answer to a hello of this start,
 * never an advert that could be a recording.
 */
public final class ReplayWindow {
    public static final int SIZE = 64;

    /** Accepted counters, ascending; the first {@code count} entries are in use. */
    private final long[] recent = new long[SIZE];
    private int count;

    /** Whether {@code counter} is new; if so it is recorded. Counters compare unsigned. */
    public boolean accept(long counter) {
        if (count == 0) {
            recent[count++] = counter;
            return true;
        }
        if (Long.compareUnsigned(counter, recent[count - 1]) > 0) {
            append(counter);
            return true;
        }
        if (Long.compareUnsigned(counter, recent[0]) < 0) {
            return false; // older than everything remembered (or than the counter that seeded the window)
        }
        int at = search(counter);
        if (at >= 0) {
            return false; // seen
        }
        insert(-at - 1, counter);
        return true;
    }

    /** The highest counter accepted, for messages; 0 before the first. */
    public long highest() {
        return count == 0 ? 0 : recent[count - 1];
    }

    private void append(long counter) {
        if (count == SIZE) {
            System.arraycopy(recent, 1, recent, 0, SIZE - 1);
            count--;
        }
        recent[count++] = counter;
    }

    private void insert(int at, long counter) {
        if (count == SIZE) {
            // Drop the oldest to make room; everything below the new oldest is refused from now on.
            System.arraycopy(recent, 1, recent, 0, at - 1);
            recent[at - 1] = counter;
            return;
        }
        System.arraycopy(recent, at, recent, at + 1, count - at);
        recent[at] = counter;
        count++;
    }

    private int search(long counter) {
        int low = 0;
        int high = count - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = Long.compareUnsigned(recent[mid], counter);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    @Override
    public String toString() {
        return "ReplayWindow" + Arrays.toString(Arrays.copyOf(recent, count));
    }
}
