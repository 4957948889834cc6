package dev.tandem.provider.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.provider.sim.HttpSimulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;

/**
 * Keystone v3 and the floating IPs and ports of Neutron, in one loopback server.
 *
 * <p>Keystone at {@code /identity/v3}: {@code POST /auth/tokens} with the application_credential method answers 201,
 * the token in {@code X-Subject-Token}, and {@code expires_at} and a catalogue in the body whose network service's
 * public endpoint is this server's {@code /network} (the internal and admin ones are other paths, so picking the
 * wrong interface shows). A wrong id or secret gets Keystone's 401. Tokens expire on the shared clock; switches revoke
 * them all or make Neutron reject every token.
 *
 * <p>Neutron at {@code /network/v2.0/floatingips/{id}}: GET, and PUT {@code {"floatingip": {"port_id", ...}}} with
 * Neutron's checks (unknown port 404, a fixed IP not on the port 400, a port with several fixed IPs and none given
 * 400, a fixed IP that already has another floating IP on the same network 409) and errors in the
 * {@code NeutronError} shape. Each update increments {@code revision_number}; {@code If-Match: revision_number=N} is
 * honoured with a 412 while {@link #honourIfMatch} is on ([INFERENCE] in the reference, so switchable).
 */
final class OpenStackSimulator extends HttpSimulator {
    static final DateTimeFormatter KEYSTONE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    static final String FIP_PATH = "/network/v2\\.0/floatingips/([^/]+)";

    /** A floating IP's mutable state. */
    static final class Fip {
        final String id;
        final String address;
        final String network;
        String portId;
        String fixedIp;
        long revision = 1;

        Fip(String id, String address, String network) {
            this.id = id;
            this.address = address;
            this.network = network;
        }
    }

    private final String credentialId;
    private final String credentialSecret;
    private final Clock clock;
    private final Map<String, Instant> tokens = new HashMap<>();
    private final Map<String, List<String>> ports = new LinkedHashMap<>();
    private final Map<String, Fip> fips = new LinkedHashMap<>();
    private Duration tokenLifetime = Duration.ofHours(1);
    private boolean rejectEveryToken;
    private boolean honourIfMatch = true;
    private boolean sendRevisions = true;
    private boolean secondRegion;
    private boolean networkInCatalog = true;
    private int concurrentChangesAfterGet;
    private int issued;

    OpenStackSimulator(String credentialId, String credentialSecret, Clock clock) {
        this.credentialId = credentialId;
        this.credentialSecret = credentialSecret;
        this.clock = clock;
        route("POST", "/identity/v3/auth/tokens", (req, m) -> authenticate(req));
        route("GET", FIP_PATH, (req, m) -> withToken(req, () -> show(m)));
        route("PUT", FIP_PATH, (req, m) -> withToken(req, () -> update(req, m)));
    }

    String authUrl() {
        return url() + "/identity/v3";
    }

    String networkUrl() {
        return url() + "/network";
    }

    synchronized OpenStackSimulator port(String id, String... fixedIps) {
        ports.put(id, List.of(fixedIps));
        return this;
    }

    synchronized OpenStackSimulator floatingIp(String id, String address, String portId, String fixedIp) {
        Fip f = new Fip(id, address, "ext-net");
        f.portId = portId;
        f.fixedIp = fixedIp;
        fips.put(id, f);
        return this;
    }

    synchronized String portOf(String fipId) {
        return fips.get(fipId).portId;
    }

    synchronized String fixedIpOf(String fipId) {
        return fips.get(fipId).fixedIp;
    }

    synchronized long revisionOf(String fipId) {
        return fips.get(fipId).revision;
    }

    /** Someone else changes the floating IP right after each of the next {@code n} GETs (a racing update). */
    synchronized void concurrentChangeAfterNextGets(int n) {
        concurrentChangesAfterGet = n;
    }

    synchronized void tokenLifetime(Duration d) {
        tokenLifetime = d;
    }

    /** Tokens issued so far stop working (revoked, or expired early), while clients still think them fresh. */
    synchronized void revokeAllTokens() {
        tokens.clear();
    }

    /** Neutron answers 401 to every token, even one Keystone just issued. */
    synchronized void rejectEveryToken(boolean reject) {
        rejectEveryToken = reject;
    }

    synchronized void honourIfMatch(boolean honour) {
        honourIfMatch = honour;
    }

    /** Off: floating IPs have no revision_number, as on clouds without the standard-attr-revisions extension. */
    synchronized void sendRevisions(boolean send) {
        sendRevisions = send;
    }

    /** Adds a second region whose public network endpoint is another URL. */
    synchronized void secondRegion(boolean on) {
        secondRegion = on;
    }

    synchronized void networkInCatalog(boolean on) {
        networkInCatalog = on;
    }

    synchronized int tokensIssued() {
        return issued;
    }

    private Response authenticate(Request req) {
        JsonNode body = req.json();
        JsonNode identity = body == null ? null : body.path("auth").path("identity");
        if (identity == null || !identity.path("methods").toString().contains("application_credential")) {
            return keystoneError(400, "Bad Request", "Expecting to find application_credential in identity.");
        }
        JsonNode cred = identity.path("application_credential");
        if (!credentialId.equals(cred.path("id").asText()) || !credentialSecret.equals(cred.path("secret").asText())) {
            return keystoneError(401, "Unauthorized", "The request you have made requires authentication.")
                    .withHeader("WWW-Authenticate", "Keystone uri=\"" + authUrl() + "\"");
        }
        String token = "gAAAAA" + UUID.randomUUID().toString().replace("-", "");
        Instant expires = clock.instant().plus(tokenLifetime);
        tokens.put(token, expires);
        issued++;
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("methods", List.of("application_credential"));
        t.put("issued_at", KEYSTONE_TIME.format(clock.instant()));
        t.put("expires_at", KEYSTONE_TIME.format(expires));
        t.put("project", Map.of("id", "b7a3f1c2", "name", "lb", "domain", Map.of("id", "default", "name", "Default")));
        t.put("application_credential", Map.of("id", credentialId, "name", "tandem", "restricted", true));
        t.put("catalog", catalog());
        return Response.json(201, Map.of("token", t)).withHeader("X-Subject-Token", token);
    }

    private List<Object> catalog() {
        List<Object> services = new ArrayList<>();
        services.add(Map.of("type", "identity", "name", "keystone", "id", "1", "endpoints", List.of(
                endpoint("public", "RegionOne", authUrl()))));
        if (networkInCatalog) {
            List<Object> endpoints = new ArrayList<>(List.of(
                    endpoint("internal", "RegionOne", url() + "/internal-network"),
                    endpoint("public", "RegionOne", networkUrl()),
                    endpoint("admin", "RegionOne", url() + "/admin-network")));
            if (secondRegion) {
                endpoints.add(endpoint("public", "RegionTwo", url() + "/network-two"));
            }
            services.add(Map.of("type", "network", "name", "neutron", "id", "2", "endpoints", endpoints));
        }
        services.add(Map.of("type", "compute", "name", "nova", "id", "3", "endpoints", List.of(
                endpoint("public", "RegionOne", url() + "/compute/v2.1"))));
        return services;
    }

    private static Map<String, Object> endpoint(String iface, String region, String url) {
        return Map.of("id", UUID.randomUUID().toString(), "interface", iface, "region", region, "region_id", region,
                "url", url);
    }

    private Response withToken(Request req, java.util.function.Supplier<Response> then) {
        String token = req.header("X-Auth-Token");
        Instant expires = token == null ? null : tokens.get(token);
        if (rejectEveryToken || expires == null || !clock.instant().isBefore(expires)) {
            // keystonemiddleware's answer in front of Neutron
            return keystoneError(401, "Unauthorized", "The request you have made requires authentication.")
                    .withHeader("WWW-Authenticate", "Keystone uri=\"" + authUrl() + "\"");
        }
        return then.get();
    }

    private Response show(Matcher m) {
        Fip f = fips.get(m.group(1));
        if (f == null) {
            return neutronError(404, "FloatingIPNotFound", "Floating IP " + m.group(1) + " could not be found");
        }
        Response r = Response.json(200, Map.of("floatingip", representation(f)));
        if (concurrentChangesAfterGet > 0) {
            concurrentChangesAfterGet--;
            f.revision++;
        }
        return r;
    }

    private Response update(Request req, Matcher m) {
        Fip f = fips.get(m.group(1));
        if (f == null) {
            return neutronError(404, "FloatingIPNotFound", "Floating IP " + m.group(1) + " could not be found");
        }
        JsonNode body = req.json();
        JsonNode change = body == null ? null : body.get("floatingip");
        if (change == null || !change.isObject()) {
            return neutronError(400, "HTTPBadRequest", "Resource body required");
        }
        String ifMatch = req.header("If-Match");
        if (honourIfMatch && ifMatch != null && ifMatch.startsWith("revision_number=")) {
            long wanted = Long.parseLong(ifMatch.substring("revision_number=".length()));
            if (wanted != f.revision) {
                return neutronError(412, "RevisionNumberConstraintFailed", "Constrained to " + wanted
                        + ", but current revision is " + f.revision);
            }
        }
        JsonNode portNode = change.get("port_id");
        if (portNode == null || portNode.isNull()) {
            f.portId = null;
            f.fixedIp = null;
        } else {
            String portId = portNode.asText();
            List<String> fixedIps = ports.get(portId);
            if (fixedIps == null) {
                return neutronError(404, "PortNotFound", "Port " + portId + " could not be found.");
            }
            String fixed = change.path("fixed_ip_address").isTextual() ? change.get("fixed_ip_address").asText()
                    : null;
            if (fixed == null) {
                if (fixedIps.size() != 1) {
                    return neutronError(400, "BadRequest", "Bad floatingip request: Port " + portId + " has multiple"
                            + " fixed IPv4 addresses. Must provide a specific IPv4 address when assigning a floating"
                            + " IP.");
                }
                fixed = fixedIps.get(0);
            } else if (!fixedIps.contains(fixed)) {
                return neutronError(400, "BadRequest", "Bad floatingip request: Port " + portId
                        + " does not have fixed ip " + fixed + ".");
            }
            for (Fip other : fips.values()) {
                if (other != f && portId.equals(other.portId) && Objects.equals(fixed, other.fixedIp)
                        && other.network.equals(f.network)) {
                    return neutronError(409, "FloatingIPPortAlreadyAssociated", "Cannot associate floating IP "
                            + f.address + " (" + f.id + ") with port " + portId + " using fixed IP " + fixed
                            + ", as that fixed IP already has a floating IP on external network " + f.network + ".");
                }
            }
            f.portId = portId;
            f.fixedIp = fixed;
        }
        f.revision++;
        return Response.json(200, Map.of("floatingip", representation(f)));
    }

    private Map<String, Object> representation(Fip f) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", f.id);
        o.put("floating_ip_address", f.address);
        o.put("floating_network_id", f.network);
        o.put("port_id", f.portId);
        o.put("fixed_ip_address", f.fixedIp);
        o.put("router_id", f.portId == null ? null : "d23abc8d-2991-4a55-ba98-2aaea84cc72f");
        o.put("status", f.portId == null ? "DOWN" : "ACTIVE");
        o.put("project_id", "b7a3f1c2");
        if (sendRevisions) {
            o.put("revision_number", f.revision);
        }
        return o;
    }

    static Response neutronError(int status, String type, String message) {
        return Response.json(status, Map.of("NeutronError", Map.of("type", type, "message", message, "detail", "")));
    }

    static Response keystoneError(int status, String title, String message) {
        return Response.json(status, Map.of("error", Map.of("code", status, "title", title, "message", message)));
    }
}
