package dev.tandem.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.api.v1alpha1.DigitalOceanSpec;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHttp;
import dev.tandem.provider.ProviderHttp.Answer;

import java.net.http.HttpRequest;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The DigitalOcean API v2 calls a reserved IP needs, and the reading of DigitalOcean's answers: the
 * {@code {"id","message"}} error body classified into {@link ProviderException}s (a 422 "pending event" is
 * {@link Kind#BUSY}), the {@code ratelimit-*} and {@code retry-after} headers through {@link ProviderHttp#serverWait},
 * and malformed answers reported as such instead of surfacing as a {@link NullPointerException}.
 */
final class DigitalOceanApi {
    static final String GET_RESERVED_IP = "get_reserved_ip";
    static final String POST_ACTION = "post_action";
    static final String GET_ACTION = "get_action";
    static final String GET_METADATA_ID = "get_metadata_id";

    private static final Pattern DROPLET_ID = Pattern.compile("[1-9][0-9]{0,17}");

    /**
     * A reserved IP as DigitalOcean reports it.
     *
     * @param pendingActionId the action that locks it, when the answer links one
     */
    record ReservedIp(Optional<Long> dropletId, boolean locked, Optional<Long> pendingActionId) {
        boolean heldBy(long droplet) {
            return !locked && dropletId.filter(id -> id == droplet).isPresent();
        }
    }

    /** An action on a reserved IP; {@code status} is {@code in-progress}, {@code completed} or {@code errored}. */
    record Action(long id, String status, String type) {
        boolean completed() {
            return "completed".equals(status);
        }

        boolean errored() {
            return "errored".equals(status);
        }
    }

    private final ProviderHttp http;
    private final String apiUrl;
    private final String metadataUrl;
    private final String address;
    private final Credentials credentials;
    private final String tokenKey;

    DigitalOceanApi(DigitalOceanSpec spec, Credentials credentials, ProviderContext ctx) {
        this.apiUrl = ProviderHttp.withoutTrailingSlash(spec.apiUrl, DigitalOceanSpec.DEFAULT_API_URL);
        this.metadataUrl = ProviderHttp.withoutTrailingSlash(spec.metadataUrl, DigitalOceanSpec.DEFAULT_METADATA_URL);
        this.address = ctx.address();
        this.credentials = credentials;
        this.tokenKey = spec.credentialsSecretRef != null && spec.credentialsSecretRef.key != null
                && !spec.credentialsSecretRef.key.isBlank() ? spec.credentialsSecretRef.key : "token";
        this.http = new ProviderHttp(DigitalOceanProvider.NAME,
                ProviderHttp.newClient(ctx.policy().timeout()), ctx.policy().timeout(), ctx.observer(),
                ctx.clock(), this::error);
    }

    /** A droplet id as DigitalOcean writes it (a positive integer), or empty. */
    static Optional<Long> parseDropletId(String text) {
        if (text == null || !DROPLET_ID.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text));
    }

    /** {@code GET /v2/reserved_ips/{ip}}. */
    ReservedIp reservedIp() throws ProviderException {
        Answer a = http.send(GET_RESERVED_IP, api("/v2/reserved_ips/" + address).GET().build());
        JsonNode ip = json(GET_RESERVED_IP, a).get("reserved_ip");
        if (ip == null || !ip.isObject()) {
            throw malformed(GET_RESERVED_IP, a, "it has no 'reserved_ip' object");
        }
        JsonNode droplet = ip.get("droplet");
        if (droplet == null) {
            // Documented as the Droplet or null, never absent: guessing "unassigned" could start a needless move.
            throw malformed(GET_RESERVED_IP, a, "'reserved_ip.droplet' is missing");
        }
        Optional<Long> dropletId = Optional.empty();
        if (!droplet.isNull()) {
            JsonNode id = droplet.get("id");
            if (id == null || !id.isIntegralNumber()) {
                throw malformed(GET_RESERVED_IP, a, "'reserved_ip.droplet' has no numeric 'id'");
            }
            dropletId = Optional.of(id.asLong());
        }
        Optional<Long> pending = Optional.empty();
        for (JsonNode link : ip.path("links").path("actions")) {
            if (link.path("id").isIntegralNumber()) {
                pending = Optional.of(link.path("id").asLong());
            }
        }
        return new ReservedIp(dropletId, ip.path("locked").asBoolean(false), pending);
    }

    /** {@code POST /v2/reserved_ips/{ip}/actions} with {@code {"type":"assign","droplet_id":N}}. */
    Action assign(long dropletId) throws ProviderException {
        ObjectNode body = ProviderHttp.json().createObjectNode().put("type", "assign").put("droplet_id", dropletId);
        return postAction(body);
    }

    /** {@code POST /v2/reserved_ips/{ip}/actions} with {@code {"type":"unassign"}}. */
    Action unassign() throws ProviderException {
        return postAction(ProviderHttp.json().createObjectNode().put("type", "unassign"));
    }

    /** {@code GET /v2/reserved_ips/{ip}/actions/{id}}: reserved_ip:read suffices, unlike {@code /v2/actions/{id}}. */
    Action action(long id) throws ProviderException {
        Answer a = http.send(GET_ACTION, api("/v2/reserved_ips/" + address + "/actions/" + id).GET().build());
        return action(GET_ACTION, a);
    }

    /** The droplet id from {@code GET {metadataUrl}/metadata/v1/id} (plain text; no token is sent there). */
    String metadataDropletId() throws ProviderException {
        HttpRequest request = HttpRequest.newBuilder(ProviderHttp.uri(DigitalOceanProvider.NAME, metadataUrl + "/metadata/v1/id", "metadataUrl"))
                .header("Accept", "text/plain").GET().build();
        Answer a = http.send(GET_METADATA_ID, request);
        String text = a.body() == null ? "" : a.body().strip();
        if (parseDropletId(text).isEmpty()) {
            throw new ProviderException(Kind.TRANSIENT, DigitalOceanProvider.NAME, GET_METADATA_ID, a.status(),
                    "malformed_answer", null, "the metadata service at " + metadataUrl + " answered "
                    + ProviderHttp.quote(text) + " for /metadata/v1/id, which is not a droplet id; check"
                    + " spec.provider.digitalocean.metadataUrl and that this runs on a droplet", null);
        }
        return text;
    }

    private Action postAction(ObjectNode body) throws ProviderException {
        HttpRequest request = api("/v2/reserved_ips/" + address + "/actions")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return action(POST_ACTION, http.send(POST_ACTION, request));
    }

    private Action action(String operation, Answer a) throws ProviderException {
        JsonNode action = json(operation, a).get("action");
        if (action == null || !action.isObject()) {
            throw malformed(operation, a, "it has no 'action' object");
        }
        if (!action.path("id").isIntegralNumber()) {
            throw malformed(operation, a, "'action.id' is missing or not a number");
        }
        if (!action.path("status").isTextual()) {
            throw malformed(operation, a, "'action.status' is missing");
        }
        return new Action(action.get("id").asLong(), action.get("status").asText(), action.path("type").asText(""));
    }

    private HttpRequest.Builder api(String path) throws ProviderException {
        String token = credentials.require(DigitalOceanProvider.NAME, tokenKey);
        return HttpRequest.newBuilder(ProviderHttp.uri(DigitalOceanProvider.NAME, apiUrl + path, "apiUrl"))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }

    /** Maps a non-2xx answer; DigitalOcean's error body is {@code {"id","message","request_id"}}. */
    private ProviderException error(String operation, Answer a) {
        JsonNode body = ProviderHttp.parseJson(a.body()).orElse(null);
        String id = body == null ? "" : body.path("id").asText("");
        String message = body == null ? "" : body.path("message").asText("");
        if (message.isBlank()) {
            message = body == null && a.body() != null && !a.body().isBlank()
                    ? "answer is not DigitalOcean's error JSON: " + ProviderHttp.quote(a.body()) : "";
        }
        String said = (id.isEmpty() ? "" : id + ": ") + (message.isBlank() ? "(no message)" : message);
        String secret = credentials.source() + " (key '" + tokenKey + "')";
        if (a.status() == 401) {
            return new ProviderException(Kind.PERMANENT, DigitalOceanProvider.NAME, operation, 401, id, null,
                    "HTTP 401 " + said + "; DigitalOcean rejected the API token in " + secret
                            + ": put a valid token there", null);
        }
        if (a.status() == 403) {
            return new ProviderException(Kind.PERMANENT, DigitalOceanProvider.NAME, operation, 403, id, null,
                    "HTTP 403 " + said + "; the API token in " + secret + " lacks a scope: it needs"
                            + " reserved_ip:read, reserved_ip:update and droplet:read", null);
        }
        if (a.status() == 404 && GET_RESERVED_IP.equals(operation)) {
            return new ProviderException(Kind.PERMANENT, DigitalOceanProvider.NAME, operation, 404, id, null,
                    "HTTP 404 " + said + "; no reserved IP " + address + " in the account of the token in " + secret
                            + ": check spec.address and spec.provider.digitalocean.apiUrl", null);
        }
        if (a.status() == 422 && message.toLowerCase(Locale.ROOT).contains("pending event")) {
            // "The floating IP already has a pending event.": locked by an action still running; retry later.
            return http.error(Kind.BUSY, operation, a, id, message);
        }
        return http.standardError(operation, a, id, message);
    }

    private JsonNode json(String operation, Answer a) throws ProviderException {
        return ProviderHttp.parseJson(a.body()).filter(JsonNode::isObject)
                .orElseThrow(() -> malformed(operation, a, "it is not a JSON object"));
    }

    private static ProviderException malformed(String operation, Answer a, String what) {
        return ProviderHttp.malformed(DigitalOceanProvider.NAME, operation, a, what);
    }
    void close() {
        http.close();
    }
}
