package dev.tandem.operator.drift;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ProviderErrorEventsTest {
    private static final Instant T0 = Instant.parse("2026-05-04T10:00:00Z");

    @Test
    void oneEventPerDistinctMessageEveryTenMinutes() {
        ProviderErrorEvents events = new ProviderErrorEvents();
        assertThat(events.shouldRecord("u1", "HTTP 503", T0)).isTrue();
        assertThat(events.shouldRecord("u1", "HTTP 503", T0.plusSeconds(30))).isFalse();
        assertThat(events.shouldRecord("u1", "HTTP 503", T0.plusSeconds(599))).isFalse();
        // Another message, or another FloatingIp, at once.
        assertThat(events.shouldRecord("u1", "HTTP 401", T0.plusSeconds(31))).isTrue();
        assertThat(events.shouldRecord("u2", "HTTP 503", T0.plusSeconds(32))).isTrue();
        // Ten minutes after the first, the same message again.
        assertThat(events.shouldRecord("u1", "HTTP 503", T0.plusSeconds(600))).isTrue();
    }

    @Test
    void aForgottenFloatingIpStartsAfresh() {
        ProviderErrorEvents events = new ProviderErrorEvents();
        assertThat(events.shouldRecord("u1", "HTTP 503", T0)).isTrue();
        events.forget("u1");
        assertThat(events.shouldRecord("u1", "HTTP 503", T0.plusSeconds(1))).isTrue();
    }
}
