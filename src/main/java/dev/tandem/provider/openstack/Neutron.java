package dev.tandem.provider.openstack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderHttp;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * The one Neutron resource the provider touches: {@code /v2.0/floatingips/{id}}, read with GET and (dis)associated
 * with PUT. Each call carries the Keystone token as {@code X-Auth-Token}; a 401 (the token expired early or was
 * revoked) drops it and the call is repeated once with a fresh one. A second 401 is permanent.
 *
 * <p>An update carries {@code If-Match: revision_number=N} with the revision read just before, when the cloud reports
 * revisions, so that it applies only to the state the decision was made on; a mismatch answers 412 [INFERENCE in the
 * reference: the revision-if-match extension], which is {@code BUSY}: the caller reads again and decides again. A
 * cloud that ignores the header simply updates.
 */
final class Neutron {
    static final String GET = "get-floating-ip";
    static final String UPDATE = "update-floating-ip";

    /** Asked right before each update request, including the one repeated after a 401. */
    @FunctionalInterface
    interface BeforeUpdate {
        void check() throws ProviderException;
    }

    @FunctionalInterface
    private interface RequestFor {
        HttpRequest build(KeystoneToken token);
    }

    private final Keystone keystone;
    private final String floatingIpId;
    private final Credentials credentials;
    private final ProviderHttp http;

    Neutron(Keystone keystone, String floatingIpId, Credentials credentials, HttpClient client, ProviderContext ctx) {
        this.keystone = keystone;
        this.floatingIpId = floatingIpId;
        this.credentials = credentials;
        this.http = new ProviderHttp(OpenStackProvider.NAME, client, ctx.policy().timeout(), ctx.observer(),
                ctx.clock(), this::error);
    }

    /**
     * The Neutron base URL without a trailing slash or version: catalogues list it either way
     * ({@code https://network.example:9696}, {@code .../} or {@code .../v2.0}), and the paths add {@code /v2.0}.
     */
    static String root(String networkUrl) {
        String u = networkUrl.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith("/v2.0")) {
            u = u.substring(0, u.length() - "/v2.0".length());
        }
        return u;
    }

    FloatingIpState get() throws ProviderException {
        return FloatingIpState.parse(GET, send(GET, t -> request(t).GET().build(), () -> { }));
    }

    /**
     * Associates the floating IP with {@code portId} (and {@code fixedIpAddress} when not null), or dissociates it
     * when {@code portId} is null.
     */
    FloatingIpState update(String portId, String fixedIpAddress, OptionalLong revision, BeforeUpdate guard)
            throws ProviderException {
        ObjectNode body = ProviderHttp.json().createObjectNode();
        ObjectNode f = body.putObject("floatingip");
        if (portId == null) {
            f.putNull("port_id");
        } else {
            f.put("port_id", portId);
            if (fixedIpAddress != null) {
                f.put("fixed_ip_address", fixedIpAddress);
            }
        }
        return FloatingIpState.parse(UPDATE, send(UPDATE, t -> {
            HttpRequest.Builder b = request(t).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body.toString()));
            revision.ifPresent(r -> b.header("If-Match", "revision_number=" + r));
            return b.build();
        }, guard));
    }

    private HttpRequest.Builder request(KeystoneToken token) {
        return HttpRequest.newBuilder(URI.create(token.networkRoot() + "/v2.0/floatingips/"
                        + URLEncoder.encode(floatingIpId, StandardCharsets.UTF_8)))
                .header("Accept", "application/json")
                .header("X-Auth-Token", token.value());
    }

    private ProviderHttp.Answer send(String operation, RequestFor request, BeforeUpdate guard)
            throws ProviderException {
        KeystoneToken token = keystone.token();
        guard.check();
        try {
            return http.send(operation, request.build(token));
        } catch (ProviderException e) {
            if (e.httpStatus() != 401) {
                throw e;
            }
            keystone.forget(token);
        }
        KeystoneToken fresh = keystone.token();
        guard.check();
        try {
            return http.send(operation, request.build(fresh));
        } catch (ProviderException e) {
            if (e.httpStatus() != 401) {
                throw e;
            }
            throw new ProviderException(ProviderException.Kind.PERMANENT, OpenStackProvider.NAME, operation, 401,
                    e.code(), null, "Neutron at " + fresh.networkRoot() + " rejected a token Keystone had just issued"
                    + " for the application credential in " + credentials.source() + " (" + OpenStackErrors.excerpt(
                    e.getMessage()) + "); check that networkUrl belongs to the same cloud as authUrl and that the"
                    + " credential's access rules allow the network service", e);
        }
    }

    private ProviderException error(String operation, ProviderHttp.Answer a) {
        int s = a.status();
        OpenStackErrors said = OpenStackErrors.of(a);
        ProviderException.Kind kind = switch (s) {
            case 429 -> ProviderException.Kind.RATE_LIMITED;
            case 412 -> ProviderException.Kind.BUSY;
            case 408 -> ProviderException.Kind.TRANSIENT;
            default -> s >= 500 ? ProviderException.Kind.TRANSIENT : ProviderException.Kind.PERMANENT;
        };
        String hint = switch (s) {
            case 401 -> "; the token was not accepted";
            case 403 -> "; the application credential's roles do not allow this on floating IP " + floatingIpId
                    + " (it needs the member role on the floating IP's project; check its access rules)";
            case 404 -> switch (said.type()) {
                case "FloatingIPNotFound" -> "; check spec.provider.openstack.floatingIpId, and that the endpoint"
                        + " is the floating IP's region";
                case "PortNotFound" -> "; check spec.provider.openstack.ports[].portId";
                default -> "; check floatingIpId and networkUrl (or the catalogue's network endpoint)";
            };
            case 409 -> "; Neutron allows one floating IP per fixed IP and external network, and this fixed IP"
                    + " already has another one: dissociate that floating IP from the member's port, or set"
                    + " spec.provider.openstack.ports[].fixedIpAddress to a fixed IP without one";
            case 412 -> "; the floating IP changed between reading and updating it (revision mismatch), reading it"
                    + " again";
            default -> s >= 300 && s < 400 ? "; Neutron redirects to " + a.header("location").orElse("(nowhere)")
                    + ": set networkUrl to that address" : "";
        };
        return new ProviderException(kind, OpenStackProvider.NAME, operation, s, said.type(),
                http.serverWait(a).orElse(null), "HTTP " + s + " " + said.said() + hint, null);
    }
}
