package dev.tandem.agent.hostbond;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** rise and fall as keepalived's and HAProxy's checks count them: in a row, and reset by the other outcome. */
class UplinkHealthTest {
    @Test
    void theFirstAnswerMakesAnUnknownUplinkHealthy() {
        UplinkHealth h = new UplinkHealth(3, 2);
        assertThat(h.state()).isEqualTo(UplinkHealth.State.UNKNOWN);
        assertThat(h.answered()).isTrue();
        assertThat(h.isUp()).isTrue();
        assertThat(h.answered()).as("no change").isFalse();
    }

    @Test
    void fallLostProbesInARowTakeItDownAndRiseAnswersBringItBack() {
        UplinkHealth h = new UplinkHealth(3, 2);
        h.answered();
        assertThat(h.lost()).isFalse();
        assertThat(h.answered()).as("an answer resets the count of lost probes").isFalse();
        assertThat(h.lost()).isFalse();
        assertThat(h.lost()).isTrue();
        assertThat(h.state()).isEqualTo(UplinkHealth.State.DOWN);
        assertThat(h.answered()).isFalse();
        assertThat(h.answered()).isFalse();
        assertThat(h.lost()).as("a lost probe resets the count of answers").isFalse();
        assertThat(h.answered()).isFalse();
        assertThat(h.answered()).isFalse();
        assertThat(h.answered()).isTrue();
        assertThat(h.isUp()).isTrue();
    }

    @Test
    void anUnknownUplinkThatNeverAnswersGoesDownAfterFall() {
        UplinkHealth h = new UplinkHealth(1, 3);
        assertThat(h.lost()).isFalse();
        assertThat(h.lost()).isFalse();
        assertThat(h.lost()).isTrue();
        assertThat(h.state()).isEqualTo(UplinkHealth.State.DOWN);
    }

    @Test
    void aLostCarrierTakesItDownAtOnce() {
        UplinkHealth h = new UplinkHealth(2, 5);
        h.answered();
        assertThat(h.carrierLost()).isTrue();
        assertThat(h.carrierLost()).isFalse();
        assertThat(h.answered()).isFalse();
        assertThat(h.answered()).isTrue();
        assertThatThrownBy(() -> new UplinkHealth(0, 1)).hasMessageContaining("at least 1");
    }
}
