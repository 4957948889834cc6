package dev.tandem.provider.aws;

import dev.tandem.provider.sim.HttpSimulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The EC2 instance metadata service with IMDSv2 tokens required ({@code HttpTokens=required}), after
 * aws/amazon-ec2-metadata-mock: {@code PUT /latest/api/token} with a TTL of 1 to 21600 seconds (400 otherwise, 403
 * when the request came through a proxy that set X-Forwarded-For), then {@code GET /latest/meta-data/…} with the
 * token (401 when it is missing, unknown or expired).
 */
public final class ImdsSimulator extends HttpSimulator {
    private final Clock clock;
    private final Map<String, Instant> tokens = new HashMap<>();
    private String instanceId;
    private boolean forgetNextIssued;

    public ImdsSimulator(Clock clock, String instanceId) {
        this.clock = clock;
        this.instanceId = instanceId;
        route("PUT", "/latest/api/token", (req, m) -> token(req));
        route("GET", "/latest/meta-data/instance-id", (req, m) -> withToken(req, () -> this.instanceId));
    }

    public synchronized void instanceId(String id) {
        instanceId = id;
    }

    /** Forgets every token, as after a restart of the service; the next GET with an old one gets 401. */
    public synchronized void forgetTokens() {
        tokens.clear();
    }

    /** The next token handed out is forgotten at once, so the GET that uses it gets 401 (a restart in between). */
    public synchronized void forgetTokensAfterNextIssue() {
        forgetNextIssued = true;
    }

    private Response token(Request req) {
        if (req.header("X-Forwarded-For") != null) {
            return text(403, "Forbidden");
        }
        String ttl = req.header(InstanceMetadata.TTL_HEADER);
        long seconds;
        try {
            seconds = ttl == null ? -1 : Long.parseLong(ttl.strip());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > 21600) {
            return text(400, "Bad Request");
        }
        String token = "AQAEA" + UUID.randomUUID().toString().replace("-", "");
        if (forgetNextIssued) {
            forgetNextIssued = false;
        } else {
            tokens.put(token, clock.instant().plus(Duration.ofSeconds(seconds)));
        }
        return text(200, token).withHeader(InstanceMetadata.TTL_HEADER, Long.toString(seconds));
    }

    private Response withToken(Request req, java.util.function.Supplier<String> value) {
        String token = req.header(InstanceMetadata.TOKEN_HEADER);
        Instant expiry = token == null ? null : tokens.get(token);
        if (expiry == null || !clock.instant().isBefore(expiry)) {
            return text(401, "Unauthorized");
        }
        return text(200, value.get());
    }

    private static Response text(int status, String body) {
        return new Response(status, Map.of("Content-Type", "text/plain"), body);
    }
}
