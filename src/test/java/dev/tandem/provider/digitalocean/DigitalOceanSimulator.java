package dev.tandem.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.provider.sim.HttpSimulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;

/**
 * DigitalOcean API v2 as far as reserved IPs go, after section 1 of the API reference: droplets, reserved IPs,
 * {@code assign}/{@code unassign} actions that run for a configurable time on the given clock (the reserved IP is
 * {@code locked} meanwhile and further actions get 422 "pending event"), the {@code {"id","message"}} error body, the
 * per-token rate limit with {@code ratelimit-*} headers (the real 250/minute is too big to exercise, so the limit and
 * its window are configurable) and the droplet metadata service's {@code /metadata/v1/id}.
 *
 * <p>Undocumented behaviour is switchable: an assign to the droplet that already holds the address
 * ({@link SameDropletAssign}), and {@code droplet_id} sent as a JSON string (accepted, as community scripts send it).
 */
public class DigitalOceanSimulator extends HttpSimulator {
    /** What an assign to the droplet that holds the reserved IP already gets (not documented by DigitalOcean). */
    public enum SameDropletAssign {
        /** 201 with an action that is completed at once and changes nothing. */
        NO_OP_ACTION,
        /** 422 unprocessable_entity. */
        REJECT_422
    }

    static final String PENDING_EVENT = "The floating IP already has a pending event.";

    private static final class ReservedIpState {
        Long droplet;
        Long pendingAction;
    }

    private static final class ActionState {
        long id;
        String type;
        String ip;
        Long droplet;
        String status = "in-progress";
        Instant started;
        Instant due;
        Instant completed;
        boolean errors;
    }

    private final String token;
    private final Clock clock;
    private final Map<Long, String> droplets = new LinkedHashMap<>();
    private final Map<String, ReservedIpState> reservedIps = new LinkedHashMap<>();
    private final Map<Long, ActionState> actions = new LinkedHashMap<>();
    private final Deque<Instant> window = new ArrayDeque<>();
    private final Deque<Response> actionPostFaults = new ArrayDeque<>();
    private long nextActionId = 1_088_924_600L;
    private Duration actionDuration = Duration.ofSeconds(3);
    private SameDropletAssign sameDroplet = SameDropletAssign.NO_OP_ACTION;
    private int rateLimit = 250;
    private Duration rateWindow = Duration.ofMinutes(1);
    private boolean retryAfterOn429 = true;
    private int erroringActions;
    private String metadataId;
    private final Map<String, String> metadataByCaller = new java.util.HashMap<>();

    public DigitalOceanSimulator(String token, Clock clock) {
        this(token, clock, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
    }

    /** A simulator listening on {@code bind}, e.g. a lab namespace's address. */
    public DigitalOceanSimulator(String token, Clock clock, java.net.InetSocketAddress bind) {
        super(bind);
        this.token = token;
        this.clock = clock;
        route("GET", "/v2/reserved_ips/([^/]+)", (r, m) -> api(r, () -> getReservedIp(m.group(1))));
        route("POST", "/v2/reserved_ips/([^/]+)/actions", (r, m) -> api(r, () -> postAction(r, m.group(1))));
        route("GET", "/v2/reserved_ips/([^/]+)/actions/(\\d+)", (r, m) -> api(r, () -> getAction(m, m.group(1))));
        route("GET", "/v2/actions/(\\d+)", (r, m) -> api(r, () -> getAction(m, null)));
        route("GET", "/metadata/v1/id", (r, m) -> {
            // Each droplet's metadata service answers with that droplet's id: by caller when the test said so.
            String id = metadataByCaller.getOrDefault(r.remoteAddress(), metadataId);
            return id == null ? new Response(404, Map.of("Content-Type", "text/plain"), "not found")
                    : new Response(200, Map.of("Content-Type", "text/plain"), id);
        });
    }

    // ---- state and switches a test sets ----

    public synchronized DigitalOceanSimulator droplet(long id, String name) {
        droplets.put(id, name);
        return this;
    }

    /** A reserved IP, held by {@code droplet} or unassigned when it is null. */
    public synchronized DigitalOceanSimulator reservedIp(String ip, Long droplet) {
        ReservedIpState s = new ReservedIpState();
        s.droplet = droplet;
        reservedIps.put(ip, s);
        return this;
    }

    /** How long an action runs before it completes (or errors). */
    public synchronized void actionDuration(Duration d) {
        actionDuration = d;
    }

    public synchronized void sameDropletAssign(SameDropletAssign behaviour) {
        sameDroplet = behaviour;
    }

    /** At most {@code requests} authenticated API requests per sliding {@code window}. */
    public synchronized void rateLimit(int requests, Duration window) {
        rateLimit = requests;
        rateWindow = window;
    }

    /** Whether a 429 carries {@code retry-after} (DigitalOcean adds it for the burst limit only). */
    public synchronized void retryAfterOn429(boolean on) {
        retryAfterOn429 = on;
    }

    /** The next {@code n} actions started end {@code errored} and change nothing. */
    public synchronized void errorNextActions(int n) {
        erroringActions = n;
    }

    /** The next {@code n} POSTs of an action get {@code response} instead (after authentication and rate limit). */
    public synchronized void failNextActionPosts(int n, Response response) {
        for (int i = 0; i < n; i++) {
            actionPostFaults.add(response);
        }
    }

    /** What {@code /metadata/v1/id} answers to requests from {@code callerAddress}. */
    public synchronized void metadataIdFor(String callerAddress, String id) {
        metadataByCaller.put(callerAddress, id);
    }

    /** What {@code /metadata/v1/id} answers; null for 404. */
    public synchronized void metadataId(String text) {
        metadataId = text;
    }

    /** Starts an action as another client would (the other member, the console), to test a locked reserved IP. */
    public synchronized long startAction(String ip, String type, Long droplet) {
        settle();
        return begin(ip, type, droplet).id;
    }

    public synchronized Optional<Long> holderOf(String ip) {
        settle();
        return Optional.ofNullable(reservedIps.get(ip).droplet);
    }

    public synchronized boolean locked(String ip) {
        settle();
        return reservedIps.get(ip).pendingAction != null;
    }

    /** The POSTs received, the only requests that change anything. */
    public List<Request> mutatingRequests() {
        return requests("POST", ".*");
    }

    // ---- the API ----

    private Response api(Request r, Supplier<Response> handler) {
        if (!("Bearer " + token).equals(r.header("Authorization"))) {
            return error(401, "unauthorized", "Unable to authenticate you.");
        }
        Instant now = clock.instant();
        while (!window.isEmpty() && !window.peekFirst().plus(rateWindow).isAfter(now)) {
            window.removeFirst();
        }
        if (window.size() >= rateLimit) {
            Instant frees = window.peekFirst().plus(rateWindow);
            Response limited = withRateHeaders(error(429, "too_many_requests", "API rate limit exceeded."), 0, frees);
            long seconds = (Duration.between(now, frees).toMillis() + 999) / 1000;
            return retryAfterOn429 ? limited.withHeader("retry-after", String.valueOf(seconds)) : limited;
        }
        window.addLast(now);
        settle();
        return withRateHeaders(handler.get(), rateLimit - window.size(), window.peekFirst().plus(rateWindow));
    }

    private Response withRateHeaders(Response r, int remaining, Instant reset) {
        return r.withHeader("ratelimit-limit", String.valueOf(rateLimit))
                .withHeader("ratelimit-remaining", String.valueOf(remaining))
                .withHeader("ratelimit-reset", String.valueOf(reset.getEpochSecond()));
    }

    private Response getReservedIp(String ip) {
        ReservedIpState s = reservedIps.get(ip);
        if (s == null) {
            return notFoundError();
        }
        return Response.json(200, Map.of("reserved_ip", reservedIpJson(ip, s)));
    }

    private Response postAction(Request r, String ip) {
        ReservedIpState s = reservedIps.get(ip);
        if (s == null) {
            return notFoundError();
        }
        Response fault = actionPostFaults.poll();
        if (fault != null) {
            return fault;
        }
        JsonNode body = r.json();
        if (body == null || !body.isObject()) {
            return error(400, "bad_request", "The request body is not valid JSON.");
        }
        String type = body.path("type").asText("");
        if (s.pendingAction != null) {
            return error(422, "unprocessable_entity", PENDING_EVENT);
        }
        switch (type) {
            case "assign" -> {
                Optional<Long> droplet = dropletId(body.get("droplet_id"));
                if (droplet.isEmpty()) {
                    return error(422, "unprocessable_entity", "droplet_id is required to assign a reserved IP.");
                }
                if (!droplets.containsKey(droplet.get())) {
                    return error(422, "unprocessable_entity", "Droplet " + droplet.get() + " could not be found.");
                }
                if (droplet.get().equals(s.droplet)) {
                    if (sameDroplet == SameDropletAssign.REJECT_422) {
                        return error(422, "unprocessable_entity", "The reserved IP is already assigned to that"
                                + " Droplet.");
                    }
                    ActionState noop = newAction(ip, "assign_ip", droplet.get());
                    noop.status = "completed";
                    noop.completed = noop.started;
                    return Response.json(201, Map.of("action", actionJson(noop)));
                }
                return Response.json(201, Map.of("action", actionJson(begin(ip, "assign_ip", droplet.get()))));
            }
            case "unassign" -> {
                return Response.json(201, Map.of("action", actionJson(begin(ip, "unassign_ip", null))));
            }
            default -> {
                return error(422, "unprocessable_entity", "type must be assign or unassign.");
            }
        }
    }

    /** {@code droplet_id} as the spec has it (an integer) or as community scripts send it (a numeric string). */
    private static Optional<Long> dropletId(JsonNode node) {
        if (node == null) {
            return Optional.empty();
        }
        if (node.isIntegralNumber()) {
            return Optional.of(node.asLong());
        }
        if (node.isTextual() && node.asText().matches("[0-9]{1,18}")) {
            return Optional.of(Long.parseLong(node.asText()));
        }
        return Optional.empty();
    }

    private Response getAction(Matcher m, String ip) {
        ActionState a = actions.get(Long.parseLong(m.group(m.groupCount())));
        if (a == null || (ip != null && !ip.equals(a.ip))) {
            return notFoundError();
        }
        return Response.json(200, Map.of("action", actionJson(a)));
    }

    private ActionState begin(String ip, String type, Long droplet) {
        ActionState a = newAction(ip, type, droplet);
        a.due = a.started.plus(actionDuration);
        if (erroringActions > 0) {
            erroringActions--;
            a.errors = true;
        }
        reservedIps.get(ip).pendingAction = a.id;
        settle();
        return a;
    }

    private ActionState newAction(String ip, String type, Long droplet) {
        ActionState a = new ActionState();
        a.id = nextActionId++;
        a.type = type;
        a.ip = ip;
        a.droplet = droplet;
        a.started = clock.instant();
        actions.put(a.id, a);
        return a;
    }

    /** Completes the actions whose time has come. */
    private void settle() {
        Instant now = clock.instant();
        for (ActionState a : actions.values()) {
            if (!"in-progress".equals(a.status) || a.due == null || a.due.isAfter(now)) {
                continue;
            }
            ReservedIpState s = reservedIps.get(a.ip);
            a.status = a.errors ? "errored" : "completed";
            a.completed = a.due;
            if (!a.errors) {
                s.droplet = "assign_ip".equals(a.type) ? a.droplet : null;
            }
            s.pendingAction = null;
        }
    }

    private ObjectNode reservedIpJson(String ip, ReservedIpState s) {
        ObjectNode o = JSON.createObjectNode().put("ip", ip);
        o.set("region", region());
        ActionState pending = s.pendingAction == null ? null : actions.get(s.pendingAction);
        // While an assign runs DigitalOcean shows no droplet, only the lock and links (example reserved_ip_assigning).
        Long shown = pending != null && "assign_ip".equals(pending.type) ? null : s.droplet;
        if (shown == null) {
            o.putNull("droplet");
        } else {
            o.putObject("droplet").put("id", shown).put("name", droplets.get(shown)).put("status", "active");
        }
        o.put("locked", pending != null);
        o.put("project_id", "746c6152-2fa2-11ed-92d3-27aaa54e4988");
        if (pending != null) {
            ObjectNode links = o.putObject("links");
            if (pending.droplet != null) {
                links.putArray("droplets").addObject().put("id", pending.droplet).put("rel", "droplet")
                        .put("href", url() + "/v2/droplets/" + pending.droplet);
            }
            links.putArray("actions").addObject().put("id", pending.id).put("rel", pending.type)
                    .put("href", url() + "/v2/actions/" + pending.id);
        }
        return o;
    }

    private ObjectNode actionJson(ActionState a) {
        ObjectNode o = JSON.createObjectNode().put("id", a.id).put("status", a.status).put("type", a.type)
                .put("started_at", a.started.toString());
        if (a.completed == null) {
            o.putNull("completed_at");
        } else {
            o.put("completed_at", a.completed.toString());
        }
        o.put("resource_id", Math.abs(a.ip.hashCode())).put("resource_type", "reserved_ip");
        o.set("region", region());
        o.put("region_slug", "fra1");
        return o;
    }

    private static ObjectNode region() {
        return JSON.createObjectNode().put("name", "Frankfurt 1").put("slug", "fra1").put("available", true);
    }

    private static Response error(int status, String id, String message) {
        return Response.json(status, Map.of("id", id, "message", message,
                "request_id", "4d9d8375-3c56-4925-a3e7-eb137fed17e9"));
    }

    private static Response notFoundError() {
        return error(404, "not_found", "The resource you requested could not be found.");
    }

    @Override
    protected Response notFound(Request req) {
        return notFoundError();
    }
}
