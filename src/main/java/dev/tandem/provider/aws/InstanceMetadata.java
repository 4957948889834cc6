package dev.tandem.provider.aws;

import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHttp;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The instance id from the EC2 instance metadata service, IMDSv2 style: a session token from
 * {@code PUT /latest/api/token}, then {@code GET /latest/meta-data/instance-id} with it. IMDSv1 (a GET without a
 * token) is refused by instances that require tokens, so it is never tried.
 *
 * <p>Plain {@code java.net.http} through {@link ProviderHttp} rather than the SDK's {@code imds} module: two requests
 * once at start-up do not need another artifact, and this way they share the per-call timeout, the call timing and
 * the Retrier with every other provider call, against the {@code aws.metadataUrl} of the spec.
 */
final class InstanceMetadata {
    static final String TOKEN_PATH = "/latest/api/token";
    static final String INSTANCE_ID_PATH = "/latest/meta-data/instance-id";
    static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    /** The token is used at once, for one request; a short life limits what a leaked one could read. */
    static final Duration TOKEN_TTL = Duration.ofSeconds(60);
    static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8,17}");

    private final ProviderHttp http;
    private final URI base;

    InstanceMetadata(ProviderHttp http, URI base) {
        this.http = http;
        this.base = base;
    }

    /** One attempt: a fresh token, then the instance id (the caller retries). */
    String instanceId() throws ProviderException {
        String token = token();
        ProviderHttp.Answer a = http.send("MetadataInstanceId", HttpRequest.newBuilder(base.resolve(INSTANCE_ID_PATH))
                .header(TOKEN_HEADER, token).GET().build());
        String id = a.body() == null ? "" : a.body().strip();
        if (!INSTANCE_ID.matcher(id).matches()) {
            throw new ProviderException(Kind.TRANSIENT, AwsProvider.NAME, "MetadataInstanceId", a.status(),
                    "malformed", null, "the metadata service at " + base + " answered " + quote(id)
                    + " for the instance id, which is not an EC2 instance id (check aws.metadataUrl)", null);
        }
        return id;
    }

    private String token() throws ProviderException {
        ProviderHttp.Answer a;
        try {
            a = http.send("MetadataToken", HttpRequest.newBuilder(base.resolve(TOKEN_PATH))
                    .header(TTL_HEADER, Long.toString(TOKEN_TTL.toSeconds()))
                    .PUT(HttpRequest.BodyPublishers.noBody()).build());
        } catch (ProviderException e) {
            if (e.httpStatus() != 0) {
                throw e;
            }
            // The PUT's answer travels one hop only by default: a pod behind a bridge never sees it.
            throw new ProviderException(e.kind(), e.provider(), e.operation(), 0, e.code(), null,
                    "no IMDSv2 token from " + base + ": " + e.getMessage() + " (for a pod outside the host"
                    + " network, set the instance's metadata HttpPutResponseHopLimit to 2)", e);
        }
        String token = a.body() == null ? "" : a.body().strip();
        if (token.isEmpty()) {
            throw new ProviderException(Kind.TRANSIENT, AwsProvider.NAME, "MetadataToken", a.status(), "malformed",
                    null, "the metadata service at " + base + " answered the token request with an empty body",
                    null);
        }
        return token;
    }

    /** The metadata service's answers, classified; the token never appears in them. */
    static ProviderException error(String operation, ProviderHttp.Answer a) {
        int status = a.status();
        Kind kind = status == 401 || status == 429 || status >= 500 ? Kind.TRANSIENT : Kind.PERMANENT;
        String said = switch (status) {
            // A token that expired or that the service no longer knows: the next attempt fetches a new one.
            case 401 -> "the metadata service refused the session token";
            case 403 -> "the metadata service refused the request (is it turned off for this instance,"
                    + " HttpEndpoint=disabled?)";
            case 404 -> "no such metadata path (does the agent run on an EC2 instance, and is aws.metadataUrl"
                    + " right?)";
            default -> "the metadata service answered " + quote(a.body());
        };
        return new ProviderException(kind, AwsProvider.NAME, operation, status, "", null, "HTTP " + status + " "
                + said, null);
    }

    private static String quote(String s) {
        String t = s == null ? "" : s.strip();
        return "'" + (t.length() > 64 ? t.substring(0, 64) + "…" : t) + "'";
    }
}
