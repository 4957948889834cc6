package dev.tandem.agent.cloud;

import java.time.Instant;

/** Whether the fencing tie-breaker lets this MASTER move the pair's cloud addresses now. */
public sealed interface FenceDecision {
    /** No fencing, or this member holds the fencing token. */
    record Allowed() implements FenceDecision {
    }

    /** Another member holds the token and renews it: it believes it is MASTER too. Nothing is moved. */
    record Held(String holder, Instant until) implements FenceDecision {
    }

    /** The token cannot be asked for (API server away, no permission): the election alone decides. */
    record Unreachable(String reason) implements FenceDecision {
    }

    FenceDecision ALLOWED = new Allowed();
}
