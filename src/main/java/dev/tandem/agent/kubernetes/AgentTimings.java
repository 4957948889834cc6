package dev.tandem.agent.kubernetes;

import java.time.Duration;

/**
 * The agent's clocks towards the API server; the defaults fit the operator, tests shorten them.
 *
 * @param heartbeat          how often the member entry is reported without a change; well within the operator's
 *                           30 s staleness limit (TANDEM_OPERATOR_MEMBER_STALE_AFTER)
 * @param retryInitial       first wait before a failed report is sent again; it doubles up to {@code retryMax}
 * @param retryMax           longest wait between two attempts of a failed report
 * @param lastReportTimeout  how long a stopping agent waits for its last report (state INIT)
 * @param openRetry          how long to wait before trying again to open an election that could not start
 * @param warnEvery          a repeated failure (API calls, watches) is logged at most once per this interval
 * @param apiCallTimeout     limit of one write to the API server; writes are not retried by the client
 */
public record AgentTimings(Duration heartbeat, Duration retryInitial, Duration retryMax, Duration lastReportTimeout,
                           Duration openRetry, Duration warnEvery, Duration apiCallTimeout) {
    public static final AgentTimings DEFAULTS = new AgentTimings(Duration.ofSeconds(10), Duration.ofSeconds(1),
            Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofSeconds(5));
}
