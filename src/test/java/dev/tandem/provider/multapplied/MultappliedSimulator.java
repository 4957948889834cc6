package dev.tandem.provider.multapplied;

import dev.tandem.provider.sim.HttpSimulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * A Multapplied management server's API v3 routing objects (reference section 6.1): bonds with connected IPs, routes
 * and CPE NAT IPs, each readable with GET and switchable with PATCH {@code {"enabled": bool}} at
 * {@code /api/v3/bonds/{bond}/{connected_ips|routes|cpe_nat_ips}/{id}/}, behind HTTP Basic authentication.
 *
 * <p>Like Django REST framework: errors are JSON {@code {"detail": "..."}} (or field errors for a bad body), a path
 * without its trailing slash is redirected (Django's APPEND_SLASH), a missing Authorization header and a wrong
 * password both get 401. The fields of an object besides {@code id} and {@code enabled} are [UNVERIFIED] and kept to a
 * descriptive minimum. Fault switches: per-object answers for the next N GETs or PATCHes, a permanent 403 on one
 * object, and {@link #html500()}, the HTML page Django serves for an unhandled error.
 */
final class MultappliedSimulator extends HttpSimulator {
    static final String OBJECT_PATH = "/api/v3/bonds/(\\d+)/(connected_ips|routes|cpe_nat_ips)/(\\d+)/";

    private record Key(long bond, String kind, long id) {
    }

    private final String user;
    private final String password;
    private final Map<Key, Boolean> objects = new LinkedHashMap<>();
    private final Map<Key, Deque<Response>> patchFaults = new HashMap<>();
    private final Map<Key, Deque<Response>> getFaults = new HashMap<>();
    private final Set<Key> forbidden = new HashSet<>();

    MultappliedSimulator(String user, String password) {
        this.user = user;
        this.password = password;
        route("GET", OBJECT_PATH, (req, m) -> authorized(req, m, false));
        route("PATCH", OBJECT_PATH, (req, m) -> authorized(req, m, true));
        route("GET", "/api/v3/bonds/(\\d+)/(connected_ips|routes|cpe_nat_ips)/(\\d+)", this::appendSlash);
        route("PATCH", "/api/v3/bonds/(\\d+)/(connected_ips|routes|cpe_nat_ips)/(\\d+)", this::appendSlash);
    }

    /** Adds a floating routing object in the given state. */
    synchronized MultappliedSimulator object(long bond, String kind, long id, boolean enabled) {
        objects.put(new Key(bond, kind, id), enabled);
        return this;
    }

    synchronized boolean enabled(long bond, String kind, long id) {
        Boolean on = objects.get(new Key(bond, kind, id));
        if (on == null) {
            throw new IllegalArgumentException("no object " + kind + "/" + id + " on bond " + bond);
        }
        return on;
    }

    synchronized void set(long bond, String kind, long id, boolean enabled) {
        objects.put(new Key(bond, kind, id), enabled);
    }

    /** The next {@code times} PATCHes of this object get {@code response} instead of being applied. */
    synchronized void failPatch(long bond, String kind, long id, int times, Response response) {
        Deque<Response> q = patchFaults.computeIfAbsent(new Key(bond, kind, id), k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            q.add(response);
        }
    }

    /** The next {@code times} GETs of this object get {@code response}. */
    synchronized void failGet(long bond, String kind, long id, int times, Response response) {
        Deque<Response> q = getFaults.computeIfAbsent(new Key(bond, kind, id), k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            q.add(response);
        }
    }

    /** The user may read but not change this object until {@link #allow}: 403 on PATCH, as DRF answers. */
    synchronized void forbidPatch(long bond, String kind, long id) {
        forbidden.add(new Key(bond, kind, id));
    }

    synchronized void allow(long bond, String kind, long id) {
        forbidden.remove(new Key(bond, kind, id));
    }

    /** The page Django serves for an unhandled exception with DEBUG off: HTML, not JSON. */
    static Response html500() {
        return new Response(500, Map.of("Content-Type", "text/html; charset=utf-8"),
                "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n"
                        + "  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n");
    }

    static Response detail(int status, String detail) {
        return Response.json(status, Map.of("detail", detail));
    }

    private Response authorized(Request req, Matcher m, boolean patch) {
        String auth = req.header("Authorization");
        if (auth == null) {
            return detail(401, "Authentication credentials were not provided.")
                    .withHeader("WWW-Authenticate", "Basic realm=\"api\"");
        }
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(auth)) {
            return detail(401, "Invalid username/password.").withHeader("WWW-Authenticate", "Basic realm=\"api\"");
        }
        Key key = new Key(Long.parseLong(m.group(1)), m.group(2), Long.parseLong(m.group(3)));
        Deque<Response> faults = (patch ? patchFaults : getFaults).get(key);
        if (faults != null && !faults.isEmpty()) {
            return faults.poll();
        }
        if (!objects.containsKey(key)) {
            return detail(404, "Not found.");
        }
        if (patch) {
            if (forbidden.contains(key)) {
                return detail(403, "You do not have permission to perform this action.");
            }
            var body = req.json();
            if (body == null) {
                return detail(400, "JSON parse error - Expecting value: line 1 column 1 (char 0)");
            }
            if (!body.path("enabled").isBoolean()) {
                return Response.json(400, Map.of("enabled", new String[] {"Must be a valid boolean."}));
            }
            objects.put(key, body.get("enabled").booleanValue());
        }
        return Response.json(200, representation(key));
    }

    private Map<String, Object> representation(Key key) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", key.id());
        o.put("url", url() + "/api/v3/bonds/" + key.bond() + "/" + key.kind() + "/" + key.id() + "/");
        o.put("bond", key.bond());
        o.put("enabled", objects.get(key));
        return o;
    }

    private Response appendSlash(Request req, Matcher m) {
        return new Response(301, Map.of("Location", url() + req.path() + "/"), "");
    }
}
