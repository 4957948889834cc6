package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.MemberStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Whether a member's own report is recent enough to be believed. */
public final class MemberLiveness {
    private MemberLiveness() {
    }

    public static boolean isFresh(MemberStatus report, Instant now, Duration staleAfter) {
        if (report == null || report.lastSeen == null || report.state == null) {
            return false;
        }
        try {
            Instant seen = Instant.parse(report.lastSeen);
            return !seen.plus(staleAfter).isBefore(now);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
