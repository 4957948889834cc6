package dev.tandem.net;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SCHED_FIFO for the calling thread only: another thread of the process keeps the default policy. */
class SchedulingTest {
    @Test
    void aThreadBecomesRealtimeAndOthersStayAsTheyWere() throws Exception {
        boolean canNice = Capabilities.ofThisProcess().has(CAP_SYS_NICE);
        if (!canNice) {
            System.out.println("SchedulingTest: skipped the SCHED_FIFO case: this process lacks CAP_SYS_NICE");
        }
        Assumptions.assumeTrue(canNice, "CAP_SYS_NICE is needed");
        CompletableFuture<Boolean> inThread = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Scheduling.realtime(5);
                inThread.complete(Scheduling.isRealtime());
            } catch (Exception e) {
                inThread.completeExceptionally(e);
            }
        });
        assertThat(inThread.get(5, TimeUnit.SECONDS)).isTrue();
        t.join();
        assertThat(Scheduling.isRealtime()).as("the test's own thread").isFalse();
    }

    @Test
    void priorityOutOfRangeIsRefusedWithTheRange() {
        assertThatThrownBy(() -> Scheduling.realtime(0)).hasMessageContaining("1-99, got 0");
        assertThatThrownBy(() -> Scheduling.realtime(100)).hasMessageContaining("1-99, got 100");
    }

    static final int CAP_SYS_NICE = 23;
}
