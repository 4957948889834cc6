package dev.tandem.validation;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @ParameterizedTest(name = "{0} is {1} ms")
    @CsvSource({
            "10ms, 10",
            "1s, 1000",
            "1.5s, 1500",
            "40.95s, 40950",
            "5m, 300000",
            "1h, 3600000",
            "0s, 0",
            "1.000s, 1000",
            "0.25m, 15000",
    })
    void parsesTheApiForms(String text, long millis) {
        assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(strings = {"", "1", "1.0005s", "-1s", "1 s", " 1s", "1s ", "10us", "1.5ms", "s", ".5s", "1.s", "1S",
            "1d", "1h30m", "PT1S"})
    void refusesAnythingElse(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @NullSource
    void refusesNull(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @ParameterizedTest(name = "{0} ms is written {1}")
    @CsvSource({
            "0, 0s",
            "10, 10ms",
            "1500, 1500ms",
            "1000, 1s",
            "40950, 40950ms",
            "300000, 5m",
            "3600000, 1h",
            "5400000, 90m",
    })
    void formatsInTheLargestWholeUnit(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    }

    @Test
    void orDefaultUsesTheDefaultOnlyWhenUnset() {
        assertThat(Durations.orDefault(null, "100ms")).isEqualTo(Duration.ofMillis(100));
        assertThat(Durations.orDefault("2s", "100ms")).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> Durations.orDefault("2 s", "100ms"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 s");
    }

    /** Every whole-millisecond duration up to about eleven days (far beyond the API's 1h maximum) survives a round trip. */
    @Property
    void formatThenParseRoundTripsWholeMilliseconds(@ForAll @LongRange(min = 0, max = 999_999_999L) long millis) {
        Duration d = Duration.ofMillis(millis);
        String text = Durations.format(d);
        assertThat(Durations.parse(text)).contains(d);
        assertThat(Durations.format(Durations.parse(text).orElseThrow())).isEqualTo(text);
    }
}
