package dev.tandem.provider.hetzner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Hetzner Cloud's API for floating IPs, after section 2 of the API reference: one project (one token), servers,
 * floating IPs, {@code assign}/{@code unassign} actions that run for a configurable time on the given clock (423
 * {@code locked} while one runs), the {@code {"error":{...}}} body, pagination ({@code per_page} 25 by default, at most
 * 50, {@code meta.pagination} and a {@code Link} header), the project's token bucket (configurable size, refilled by
 * one request a second, {@code RateLimit-*} headers, 429 {@code rate_limit_exceeded}) and the server metadata
 * service's {@code instance-id}. The API lives under {@link #apiUrl()}; the metadata under {@link #metadataUrl()}.
 *
 * <p>What Hetzner leaves open is switchable: an assign to the server that holds the floating IP already
 * ({@link SameServerAssign}).
 */
public class HetznerSimulator extends HttpSimulator {
    /** What an assign to the server that holds the floating IP already gets (not specified by Hetzner). */
    public enum SameServerAssign {
        /** 422 {@code floating_ip_assigned}. */
        REJECT_422,
        /** 201 with an action that runs like any other and changes nothing. */
        ACCEPT_201
    }

    private static final class FloatingIpState {
        long id;
        String ip;
        Long server;
    }

    private static final class ActionState {
        long id;
        String command;
        long floatingIp;
        Long server;
        String status = "running";
        Instant started;
        Instant due;
        Instant finished;
        boolean fails;
    }

    private final String token;
    private final Clock clock;
    private final Map<Long, String> servers = new LinkedHashMap<>();
    private final Map<Long, FloatingIpState> floatingIps = new LinkedHashMap<>();
    private final Map<Long, ActionState> actions = new LinkedHashMap<>();
    private final Deque<Response> actionPostFaults = new ArrayDeque<>();
    private long nextFloatingIpId = 4711;
    private long nextActionId = 13;
    private Duration actionDuration = Duration.ofSeconds(2);
    private SameServerAssign sameServer = SameServerAssign.REJECT_422;
    private int bucketSize = 3600;
    private double tokens = 3600;
    private Instant refilled;
    private int failingActions;
    private String instanceId;

    public HetznerSimulator(String token, Clock clock) {
        this(token, clock, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
    }

    /** A simulator listening on {@code bind}, e.g. a lab namespace's address. */
    public HetznerSimulator(String token, Clock clock, java.net.InetSocketAddress bind) {
        super(bind);
        this.token = token;
        this.clock = clock;
        this.refilled = clock.instant();
        route("GET", "/v1/floating_ips", (r, m) -> api(r, () -> list(r)));
        route("GET", "/v1/floating_ips/(\\d+)", (r, m) -> api(r, () -> withFloatingIp(m.group(1),
                f -> Response.json(200, Map.of("floating_ip", floatingIpJson(f))))));
        route("POST", "/v1/floating_ips/(\\d+)/actions/(assign|unassign)", (r, m) -> api(r, () ->
                withFloatingIp(m.group(1), f -> postAction(r, f, m.group(2)))));
        route("GET", "/v1/floating_ips/(\\d+)/actions", (r, m) -> api(r, () -> withFloatingIp(m.group(1),
                f -> listActions(r, f))));
        route("GET", "/v1/floating_ips/(\\d+)/actions/(\\d+)", (r, m) -> api(r, () -> withFloatingIp(m.group(1),
                f -> getAction(Long.parseLong(m.group(2)), f.id))));
        route("GET", "/v1/actions/(\\d+)", (r, m) -> api(r, () -> getAction(Long.parseLong(m.group(1)), null)));
        route("GET", "/hetzner/v1/metadata/instance-id", (r, m) -> instanceId == null
                ? new Response(404, Map.of("Content-Type", "text/plain"), "not found")
                : new Response(200, Map.of("Content-Type", "text/plain"), instanceId));
    }

    public String apiUrl() {
        return url() + "/v1";
    }

    public String metadataUrl() {
        return url() + "/hetzner/v1/metadata";
    }

    // ---- state and switches a test sets ----

    public synchronized HetznerSimulator server(long id, String name) {
        servers.put(id, name);
        return this;
    }

    /** Adds a floating IP held by {@code server} (or unassigned when null) and returns its id. */
    public synchronized long floatingIp(String ip, Long server) {
        FloatingIpState f = new FloatingIpState();
        f.id = nextFloatingIpId++;
        f.ip = ip;
        f.server = server;
        floatingIps.put(f.id, f);
        return f.id;
    }

    public synchronized void actionDuration(Duration d) {
        actionDuration = d;
    }

    public synchronized void sameServerAssign(SameServerAssign behaviour) {
        sameServer = behaviour;
    }

    /** The project's budget: {@code size} requests, refilled by one a second; starts full. */
    public synchronized void rateLimit(int size) {
        bucketSize = size;
        tokens = size;
        refilled = clock.instant();
    }

    /** Other clients of the project have used the budget up to {@code left} requests. */
    public synchronized void budgetLeft(int left) {
        tokens = left;
        refilled = clock.instant();
    }

    /** The next {@code n} actions started end with status {@code error} and change nothing. */
    public synchronized void failNextActions(int n) {
        failingActions = n;
    }

    /** The next {@code n} action POSTs get {@code response} instead (after authentication and rate limit). */
    public synchronized void failNextActionPosts(int n, Response response) {
        for (int i = 0; i < n; i++) {
            actionPostFaults.add(response);
        }
    }

    /** What the metadata service's {@code instance-id} answers; null for 404. */
    public synchronized void instanceId(String text) {
        instanceId = text;
    }

    /** Starts an action as another client of the project would, to test a locked floating IP. */
    public synchronized long startAction(long floatingIp, String command, Long server) {
        settle();
        return begin(floatingIps.get(floatingIp), command, server).id;
    }

    public synchronized Optional<Long> holderOf(long floatingIp) {
        settle();
        return Optional.ofNullable(floatingIps.get(floatingIp).server);
    }

    public synchronized boolean running(long floatingIp) {
        settle();
        return runningOn(floatingIp) != null;
    }

    /** The POSTs received, the only requests that change anything. */
    public List<Request> mutatingRequests() {
        return requests("POST", ".*");
    }

    // ---- the API ----

    private Response api(Request r, Supplier<Response> handler) {
        if (!("Bearer " + token).equals(r.header("Authorization"))) {
            return error(401, "unauthorized", "unable to authenticate");
        }
        Instant now = clock.instant();
        double elapsed = Duration.between(refilled, now).toMillis() / 1000.0;
        tokens = Math.min(bucketSize, tokens + Math.max(0, elapsed));
        refilled = now;
        if (tokens < 1) {
            return withRateHeaders(error(429, "rate_limit_exceeded", "Rate limit exceeded"), now);
        }
        tokens -= 1;
        settle();
        return withRateHeaders(handler.get(), now);
    }

    private Response withRateHeaders(Response r, Instant now) {
        long toFull = (long) Math.ceil(bucketSize - tokens);
        return r.withHeader("RateLimit-Limit", String.valueOf(bucketSize))
                .withHeader("RateLimit-Remaining", String.valueOf((long) Math.floor(tokens)))
                .withHeader("RateLimit-Reset", String.valueOf(now.plusSeconds(toFull).getEpochSecond()));
    }

    private Response withFloatingIp(String id, Function<FloatingIpState, Response> then) {
        FloatingIpState f = floatingIps.get(Long.parseLong(id));
        if (f == null) {
            return error(404, "not_found", "Floating IP with ID " + id + " not found");
        }
        return then.apply(f);
    }

    private Response list(Request r) {
        Map<String, String> q = query(r.query());
        int page = Math.max(1, intOr(q.get("page"), 1));
        int perPage = Math.min(50, Math.max(1, intOr(q.get("per_page"), 25)));
        List<FloatingIpState> all = List.copyOf(floatingIps.values());
        int last = Math.max(1, (all.size() + perPage - 1) / perPage);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("floating_ips");
        all.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(f -> items.add(floatingIpJson(f)));
        ObjectNode p = body.putObject("meta").putObject("pagination").put("page", page).put("per_page", perPage);
        if (page > 1) {
            p.put("previous_page", page - 1);
        } else {
            p.putNull("previous_page");
        }
        if (page < last) {
            p.put("next_page", page + 1);
        } else {
            p.putNull("next_page");
        }
        p.put("last_page", last).put("total_entries", all.size());
        String base = apiUrl() + "/floating_ips?per_page=" + perPage + "&page=";
        StringBuilder link = new StringBuilder();
        if (page > 1) {
            link.append('<').append(base).append(page - 1).append(">; rel=\"prev\", ");
        }
        if (page < last) {
            link.append('<').append(base).append(page + 1).append(">; rel=\"next\", ");
        }
        link.append('<').append(base).append(last).append(">; rel=\"last\"");
        return json(200, body).withHeader("Link", link.toString());
    }

    private Response postAction(Request r, FloatingIpState f, String command) {
        Response fault = actionPostFaults.poll();
        if (fault != null) {
            return fault;
        }
        if (runningOn(f.id) != null) {
            return error(423, "locked", "The item you are trying to access is locked (there is already an Action"
                    + " running)");
        }
        if ("unassign".equals(command)) {
            return json(201, JSON.createObjectNode().set("action", actionJson(begin(f, "unassign_floating_ip",
                    null))));
        }
        JsonNode body = r.json();
        if (body == null || !body.isObject()) {
            return error(400, "json_error", "invalid JSON");
        }
        JsonNode server = body.get("server");
        if (server == null || !server.isIntegralNumber()) {
            return invalidInput("server", "is missing or not an integer");
        }
        if (!servers.containsKey(server.asLong())) {
            return error(404, "not_found", "Server with ID " + server.asLong() + " not found");
        }
        if (f.server != null && f.server == server.asLong() && sameServer == SameServerAssign.REJECT_422) {
            return error(422, "floating_ip_assigned", "The Floating IP is already assigned");
        }
        return json(201, JSON.createObjectNode().set("action", actionJson(begin(f, "assign_floating_ip",
                server.asLong()))));
    }

    private Response listActions(Request r, FloatingIpState f) {
        String status = query(r.query()).get("status");
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("actions");
        actions.values().stream().filter(a -> a.floatingIp == f.id)
                .filter(a -> status == null || status.equals(a.status)).forEach(a -> items.add(actionJson(a)));
        body.putObject("meta").putObject("pagination").put("page", 1).put("per_page", 25).putNull("previous_page")
                .putNull("next_page").put("last_page", 1).put("total_entries", items.size());
        return json(200, body);
    }

    private Response getAction(long id, Long floatingIp) {
        ActionState a = actions.get(id);
        if (a == null || (floatingIp != null && a.floatingIp != floatingIp)) {
            return error(404, "not_found", "Action with ID " + id + " not found");
        }
        return json(200, JSON.createObjectNode().set("action", actionJson(a)));
    }

    private ActionState begin(FloatingIpState f, String command, Long server) {
        ActionState a = new ActionState();
        a.id = nextActionId++;
        a.command = command;
        a.floatingIp = f.id;
        a.server = server;
        a.started = clock.instant();
        a.due = a.started.plus(actionDuration);
        if (failingActions > 0) {
            failingActions--;
            a.fails = true;
        }
        actions.put(a.id, a);
        settle();
        return a;
    }

    private ActionState runningOn(long floatingIp) {
        return actions.values().stream().filter(a -> a.floatingIp == floatingIp && "running".equals(a.status))
                .findFirst().orElse(null);
    }

    /** Finishes the actions whose time has come. */
    private void settle() {
        Instant now = clock.instant();
        for (ActionState a : actions.values()) {
            if ("running".equals(a.status) && !a.due.isAfter(now)) {
                a.status = a.fails ? "error" : "success";
                a.finished = a.due;
                if (!a.fails) {
                    floatingIps.get(a.floatingIp).server = a.server;
                }
            }
        }
    }

    private ObjectNode floatingIpJson(FloatingIpState f) {
        ObjectNode o = JSON.createObjectNode().put("id", f.id).put("name", "fip-" + f.id).putNull("description")
                .put("ip", f.ip).put("type", f.ip.contains(":") ? "ipv6" : "ipv4");
        if (f.server == null) {
            o.putNull("server");
        } else {
            o.put("server", f.server);
        }
        o.putArray("dns_ptr").addObject().put("ip", f.ip.replace("/64", "")).put("dns_ptr", "lb.example.com");
        o.putObject("home_location").put("name", "fsn1").put("network_zone", "eu-central");
        o.put("blocked", false);
        o.putObject("protection").put("delete", false);
        o.putObject("labels");
        o.put("created", "2026-01-30T23:55:00+00:00");
        return o;
    }

    private static ObjectNode actionJson(ActionState a) {
        ObjectNode o = JSON.createObjectNode().put("id", a.id).put("command", a.command).put("status", a.status)
                .put("progress", "running".equals(a.status) ? 50 : 100).put("started", a.started.toString());
        if (a.finished == null) {
            o.putNull("finished");
        } else {
            o.put("finished", a.finished.toString());
        }
        ArrayNode resources = o.putArray("resources");
        if (a.server != null) {
            resources.addObject().put("id", a.server).put("type", "server");
        }
        resources.addObject().put("id", a.floatingIp).put("type", "floating_ip");
        if ("error".equals(a.status)) {
            o.putObject("error").put("code", "action_failed").put("message", "Action failed");
        } else {
            o.putNull("error");
        }
        return o;
    }

    private static Response json(int status, ObjectNode body) {
        return new Response(status, Map.of("Content-Type", "application/json"), body.toString());
    }

    private static Response error(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message).putObject("details");
        return json(status, body);
    }

    private static Response invalidInput(String field, String problem) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode err = body.putObject("error").put("code", "invalid_input").put("message", "invalid input in field '"
                + field + "'");
        err.putObject("details").putArray("fields").addObject().put("name", field).putArray("messages").add(problem);
        return json(422, body);
    }

    private static Map<String, String> query(String query) {
        Map<String, String> q = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return q;
    }

    private static int intOr(String text, int fallback) {
        try {
            return text == null ? fallback : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    protected Response notFound(Request req) {
        return error(404, "not_found", "no route for " + req);
    }
}
