package dev.tandem.provider.hetzner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.api.v1alpha1.HetznerSpec;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHttp;
import dev.tandem.provider.ProviderHttp.Answer;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hetzner Cloud API calls a floating IP needs, and the reading of Hetzner's answers: the
 * {@code {"error":{"code","message","details"}}} body classified into {@link ProviderException}s (423 {@code locked} is
 * {@link Kind#BUSY}, 429 {@code rate_limit_exceeded} waits about a second), and malformed answers reported as such
 * instead of surfacing as a {@link NullPointerException}.
 */
final class HetznerApi {
    static final String LIST_FLOATING_IPS = "list_floating_ips";
    static final String GET_FLOATING_IP = "get_floating_ip";
    static final String LIST_RUNNING_ACTIONS = "list_running_actions";
    static final String ASSIGN = "assign";
    static final String UNASSIGN = "unassign";
    static final String GET_ACTION = "get_action";
    static final String GET_METADATA_INSTANCE_ID = "get_metadata_instance_id";
    /** The most the API returns per page; fewer pages means fewer requests out of the project's shared budget. */
    static final int PER_PAGE = 50;
    /**
     * The wait after a 429. Hetzner refills the project's budget by one request per second, and its RateLimit-Reset is
     * the time until the budget is full again (up to an hour away), not until the next request is allowed: waiting
     * for it would stall a failover for nothing, while one second buys the one request we need.
     */
    static final Duration RATE_LIMIT_WAIT = Duration.ofSeconds(1);

    private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,17}");

    /** A floating IP; {@code ip} is an IPv4 address or, for IPv6, a {@code /64} network. */
    record FloatingIp(long id, String ip, Optional<Long> server) {
    }

    /** One page of the project's floating IPs. */
    record Page(List<FloatingIp> floatingIps, Optional<Integer> nextPage) {
    }

    /** An action; {@code status} is {@code running}, {@code success} or {@code error}. */
    record Action(long id, String command, String status, String error) {
        boolean succeeded() {
            return "success".equals(status);
        }

        boolean failed() {
            return "error".equals(status);
        }
    }

    private final ProviderHttp http;
    private final String apiUrl;
    private final String metadataUrl;
    private final Credentials credentials;
    private final String tokenKey;

    HetznerApi(HetznerSpec spec, Credentials credentials, ProviderContext ctx) {
        this.apiUrl = ProviderHttp.withoutTrailingSlash(spec.apiUrl, HetznerSpec.DEFAULT_API_URL);
        this.metadataUrl = ProviderHttp.withoutTrailingSlash(spec.metadataUrl, HetznerSpec.DEFAULT_METADATA_URL);
        this.credentials = credentials;
        this.tokenKey = spec.credentialsSecretRef != null && spec.credentialsSecretRef.key != null
                && !spec.credentialsSecretRef.key.isBlank() ? spec.credentialsSecretRef.key : "token";
        this.http = new ProviderHttp(HetznerProvider.NAME, ProviderHttp.newClient(ctx.policy().timeout()),
                ctx.policy().timeout(), ctx.observer(), ctx.clock(), this::error);
    }

    /** A Hetzner id as the API writes it (a positive integer), or empty. */
    static Optional<Long> parseId(String text) {
        if (text == null || !ID.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text));
    }

    /** Where the credentials come from, for messages: the Secret and key, never the value. */
    String credentialsDescription() {
        return credentials.source() + " (key '" + tokenKey + "')";
    }

    /** {@code GET /floating_ips?page=N&per_page=50}. */
    Page floatingIps(int page) throws ProviderException {
        Answer a = http.send(LIST_FLOATING_IPS,
                api("/floating_ips?page=" + page + "&per_page=" + PER_PAGE).GET().build());
        JsonNode body = json(LIST_FLOATING_IPS, a);
        JsonNode list = body.get("floating_ips");
        if (list == null || !list.isArray()) {
            throw malformed(LIST_FLOATING_IPS, a, "it has no 'floating_ips' list");
        }
        List<FloatingIp> ips = new ArrayList<>();
        for (JsonNode fip : list) {
            ips.add(floatingIp(LIST_FLOATING_IPS, a, fip));
        }
        JsonNode next = body.path("meta").path("pagination").path("next_page");
        if (!next.isMissingNode() && !next.isNull() && !next.isIntegralNumber()) {
            throw malformed(LIST_FLOATING_IPS, a, "'meta.pagination.next_page' is not a page number");
        }
        return new Page(ips, next.isIntegralNumber() ? Optional.of(next.asInt()) : Optional.empty());
    }

    /** {@code GET /floating_ips/{id}}. */
    FloatingIp floatingIp(long id) throws ProviderException {
        Answer a = http.send(GET_FLOATING_IP, api("/floating_ips/" + id).GET().build());
        JsonNode fip = json(GET_FLOATING_IP, a).get("floating_ip");
        if (fip == null || !fip.isObject()) {
            throw malformed(GET_FLOATING_IP, a, "it has no 'floating_ip' object");
        }
        return floatingIp(GET_FLOATING_IP, a, fip);
    }

    /** The first running action of the floating IP, from {@code GET /floating_ips/{id}/actions?status=running}. */
    Optional<Action> runningAction(long id) throws ProviderException {
        Answer a = http.send(LIST_RUNNING_ACTIONS,
                api("/floating_ips/" + id + "/actions?status=running").GET().build());
        JsonNode list = json(LIST_RUNNING_ACTIONS, a).get("actions");
        if (list == null || !list.isArray()) {
            throw malformed(LIST_RUNNING_ACTIONS, a, "it has no 'actions' list");
        }
        for (JsonNode action : list) {
            Action parsed = action(LIST_RUNNING_ACTIONS, a, action);
            if ("running".equals(parsed.status())) {
                return Optional.of(parsed);
            }
        }
        return Optional.empty();
    }

    /** {@code POST /floating_ips/{id}/actions/assign} with {@code {"server":N}}. */
    Action assign(long id, long server) throws ProviderException {
        String body = ProviderHttp.json().createObjectNode().put("server", server).toString();
        HttpRequest request = api("/floating_ips/" + id + "/actions/assign")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return actionAnswer(ASSIGN, http.send(ASSIGN, request));
    }

    /** {@code POST /floating_ips/{id}/actions/unassign}, without a body. */
    Action unassign(long id) throws ProviderException {
        HttpRequest request = api("/floating_ips/" + id + "/actions/unassign")
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        return actionAnswer(UNASSIGN, http.send(UNASSIGN, request));
    }

    /** {@code GET /floating_ips/{id}/actions/{action_id}}. */
    Action action(long floatingIpId, long actionId) throws ProviderException {
        Answer a = http.send(GET_ACTION,
                api("/floating_ips/" + floatingIpId + "/actions/" + actionId).GET().build());
        return actionAnswer(GET_ACTION, a);
    }

    /** The server id from {@code GET {metadataUrl}/instance-id} (plain text; no token is sent there). */
    String metadataInstanceId() throws ProviderException {
        HttpRequest request = HttpRequest.newBuilder(ProviderHttp.uri(HetznerProvider.NAME, metadataUrl + "/instance-id", "metadataUrl"))
                .header("Accept", "text/plain").GET().build();
        Answer a = http.send(GET_METADATA_INSTANCE_ID, request);
        String text = a.body() == null ? "" : a.body().strip();
        if (parseId(text).isEmpty()) {
            throw new ProviderException(Kind.TRANSIENT, HetznerProvider.NAME, GET_METADATA_INSTANCE_ID, a.status(),
                    "malformed_answer", null, "the metadata service at " + metadataUrl + " answered "
                    + ProviderHttp.quote(text) + " for /instance-id, which is not a server id; check"
                    + " spec.provider.hetzner.metadataUrl and that this runs on a Hetzner Cloud server", null);
        }
        return text;
    }

    private static FloatingIp floatingIp(String operation, Answer a, JsonNode fip) throws ProviderException {
        if (!fip.path("id").isIntegralNumber()) {
            throw malformed(operation, a, "a floating IP has no numeric 'id'");
        }
        if (!fip.path("ip").isTextual()) {
            throw malformed(operation, a, "floating IP " + fip.get("id").asLong() + " has no 'ip'");
        }
        JsonNode server = fip.get("server");
        if (server == null || !(server.isNull() || server.isIntegralNumber())) {
            // Documented as an integer or null, never absent: guessing "unassigned" could start a needless move.
            throw malformed(operation, a, "floating IP " + fip.get("id").asLong()
                    + " has no 'server' (a server id or null)");
        }
        return new FloatingIp(fip.get("id").asLong(), fip.get("ip").asText(),
                server.isNull() ? Optional.empty() : Optional.of(server.asLong()));
    }

    private Action actionAnswer(String operation, Answer a) throws ProviderException {
        JsonNode action = json(operation, a).get("action");
        if (action == null || !action.isObject()) {
            throw malformed(operation, a, "it has no 'action' object");
        }
        return action(operation, a, action);
    }

    private static Action action(String operation, Answer a, JsonNode action) throws ProviderException {
        if (!action.path("id").isIntegralNumber()) {
            throw malformed(operation, a, "'action.id' is missing or not a number");
        }
        if (!action.path("status").isTextual()) {
            throw malformed(operation, a, "'action.status' is missing");
        }
        JsonNode error = action.path("error");
        String said = error.isObject() ? error.path("code").asText("") + ": " + error.path("message").asText("")
                : "";
        return new Action(action.get("id").asLong(), action.path("command").asText(""),
                action.get("status").asText(), said);
    }

    private HttpRequest.Builder api(String pathAndQuery) throws ProviderException {
        String token = credentials.require(HetznerProvider.NAME, tokenKey);
        return HttpRequest.newBuilder(ProviderHttp.uri(HetznerProvider.NAME, apiUrl + pathAndQuery, "apiUrl"))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }

    /** Maps a non-2xx answer; Hetzner's error body is {@code {"error":{"code","message","details"}}}. */
    private ProviderException error(String operation, Answer a) {
        JsonNode body = ProviderHttp.parseJson(a.body()).orElse(null);
        JsonNode err = body == null ? null : body.path("error");
        String code = err == null ? "" : err.path("code").asText("");
        String message = err == null ? "" : err.path("message").asText("");
        if (message.isBlank() && body == null && a.body() != null && !a.body().isBlank()) {
            message = "answer is not Hetzner's error JSON: " + ProviderHttp.quote(a.body());
        }
        String said = "HTTP " + a.status() + " " + (code.isEmpty() ? "" : code + ": ")
                + (message.isBlank() ? "(no message)" : message);
        return switch (a.status()) {
            case 401 -> permanent(operation, a, code, said + ("token_readonly".equals(code)
                    ? "; the API token in " + credentialsDescription() + " is read-only: create a Read & Write token"
                    : "; Hetzner rejected the API token in " + credentialsDescription()
                            + ": put a valid token of the project that owns the floating IP there"));
            case 403 -> "maintenance".equals(code)
                    ? http.error(Kind.TRANSIENT, operation, a, code, message)
                    : permanent(operation, a, code, said + "; the API token in " + credentialsDescription()
                            + " may not do this: it needs Read & Write access to the project");
            case 404 -> permanent(operation, a, code, said + "; check spec.provider.hetzner.floatingIpId, the"
                    + " members' server ids and spec.provider.hetzner.apiUrl, and that the token in "
                    + credentialsDescription() + " belongs to the project that owns them");
            case 423 -> "protected".equals(code)
                    ? permanent(operation, a, code, said)
                    : http.error(Kind.BUSY, operation, a, code, message);
            case 429 -> new ProviderException(Kind.RATE_LIMITED, HetznerProvider.NAME, operation, 429, code,
                    a.header("retry-after").isPresent() ? http.serverWait(a).orElse(RATE_LIMIT_WAIT)
                            : RATE_LIMIT_WAIT, said, null);
            default -> http.standardError(operation, a, code, message);
        };
    }

    private static ProviderException permanent(String operation, Answer a, String code, String message) {
        return new ProviderException(Kind.PERMANENT, HetznerProvider.NAME, operation, a.status(), code, null, message,
                null);
    }

    private static JsonNode json(String operation, Answer a) throws ProviderException {
        return ProviderHttp.parseJson(a.body()).filter(JsonNode::isObject)
                .orElseThrow(() -> malformed(operation, a, "it is not a JSON object"));
    }

    static ProviderException malformed(String operation, Answer a, String what) {
        return ProviderHttp.malformed(HetznerProvider.NAME, operation, a, what);
    }
    void close() {
        http.close();
    }
}
