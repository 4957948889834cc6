package dev.tandem.vrrp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VrrpTimersTest {

    @ParameterizedTest(name = "priority {0}, interval {1} cs: skew {2} ns, master down {3} ns")
    @CsvSource({
            // 156 * 100 / 256 = 60.9375 cs exactly
            "100, 100,     609375000,   3609375000",
            "254, 100,       7812500,   3007812500",
            "1,   100,     996093750,   3996093750",
            "255, 100,       3906250,   3003906250",
            // 1 * 1 cs / 256 = 39062.5 ns: truncated to a whole nanosecond
            "255, 1,           39062,     30039062",
            // 155 * 1 cs / 256 = 6054687.5 ns
            "101, 1,         6054687,     36054687",
            "100, 4095,  24953906250, 147803906250",
    })
    void computesSkewAndMasterDownIntervalExactlyInNanoseconds(
            int priority, int intervalCentis, long skewNanos, long masterDownNanos) {
        assertThat(VrrpTimers.skewTimeNanos(priority, intervalCentis)).isEqualTo(skewNanos);
        assertThat(VrrpTimers.masterDownIntervalNanos(priority, intervalCentis)).isEqualTo(masterDownNanos);
    }

    @Test
    void aHigherPriorityAlwaysHasTheShorterSkewEvenAtTheShortestInterval() {
        for (int priority = 1; priority < 255; priority++) {
            assertThat(VrrpTimers.skewTimeNanos(priority + 1, 1))
                    .as("priority %d vs %d", priority + 1, priority)
                    .isLessThan(VrrpTimers.skewTimeNanos(priority, 1));
        }
    }

    @Test
    void rejectsValuesOutsideTheProtocolRanges() {
        assertThatThrownBy(() -> VrrpTimers.skewTimeNanos(0, 100)).hasMessageContaining("1-255, got 0");
        assertThatThrownBy(() -> VrrpTimers.skewTimeNanos(100, 0)).hasMessageContaining("1-4095 centiseconds, got 0");
        assertThatThrownBy(() -> VrrpTimers.centisToNanos(4096)).hasMessageContaining("got 4096");
    }
}
