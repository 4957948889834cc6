package dev.tandem.vrrp.udp;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayWindowTest {
    @Test
    void risingCountersPassAndEachOnlyOnce() {
        ReplayWindow w = new ReplayWindow();
        assertThat(w.accept(1_000)).isTrue();
        assertThat(w.accept(11_000)).isTrue();
        assertThat(w.accept(11_000)).as("replayed").isFalse();
        assertThat(w.accept(1_000)).as("replayed older").isFalse();
        assertThat(w.accept(21_000)).isTrue();
        assertThat(w.highest()).isEqualTo(21_000);
    }

    @Test
    void aLateDatagramInsideTheWindowPassesOnceAndOneBelowItIsRefused() {
        ReplayWindow w = new ReplayWindow();
        w.accept(100);
        w.accept(300);
        assertThat(w.accept(200)).as("came late, never seen").isTrue();
        assertThat(w.accept(200)).isFalse();
        for (long c = 1_000; c < 1_000 + ReplayWindow.SIZE; c++) {
            assertThat(w.accept(c)).isTrue();
        }
        assertThat(w.accept(999)).as("below the %d remembered", ReplayWindow.SIZE).isFalse();
        assertThat(w.accept(1_000)).as("fell out of the window: too old, still refused").isFalse();
        assertThat(w.accept(1_000 + ReplayWindow.SIZE - 1)).isFalse();
    }

    @Test
    void aFullWindowThatTakesALateCounterForgetsItsOldestAndRefusesIt() {
        ReplayWindow w = new ReplayWindow();
        for (long c = 0; c < ReplayWindow.SIZE; c++) {
            w.accept(10 * c + 10);
        }
        assertThat(w.accept(15)).isTrue();   // between 10 and 20: late, new; 10 is forgotten
        assertThat(w.accept(10)).isFalse();  // below the oldest now
        assertThat(w.accept(15)).isFalse();
        assertThat(w.accept(25)).isTrue();
    }

    @Test
    void beforeTheWindowFillsAnythingOlderThanTheFirstCounterIsRefused() {
        ReplayWindow w = new ReplayWindow();
        w.accept(5_000);
        w.accept(6_000);
        assertThat(w.accept(1_000)).as("recorded before this receiver started: a replay").isFalse();
        assertThat(w.accept(5_500)).as("between two seen: came late").isTrue();
    }

    @Test
    void countersCompareUnsigned() {
        ReplayWindow w = new ReplayWindow();
        w.accept(Long.MAX_VALUE);
        assertThat(w.accept(Long.MIN_VALUE)).as("2^63 is above 2^63-1").isTrue();
        assertThat(w.highest()).isEqualTo(Long.MIN_VALUE);
    }

    /** Whatever the order of arrival, each counter is accepted at most once, and every rising counter is accepted. */
    @Property(tries = 300)
    void noCounterIsEverAcceptedTwice(@ForAll @Size(max = 300) List<@net.jqwik.api.constraints.LongRange(min = 0, max = 400) Long> arrivals) {
        ReplayWindow w = new ReplayWindow();
        Set<Long> accepted = new HashSet<>();
        long highest = -1;
        List<Long> order = new ArrayList<>(arrivals);
        for (long c : order) {
            boolean ok = w.accept(c);
            if (ok) {
                assertThat(accepted.add(c)).as("counter %d accepted twice", c).isTrue();
            }
            if (c > highest) {
                assertThat(ok).as("a counter above all before it, %d", c).isTrue();
                highest = c;
            }
        }
    }
}
