package dev.tandem.provider.multapplied;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderHttp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Base64;
import java.util.Optional;

/**
 * The management server's API v3 as far as routing objects go: read an object's {@code enabled} flag and set it, one
 * HTTP call each, with HTTP Basic authentication (the account's e-mail address and password; reference section 6.1).
 * Retrying is the caller's business; this class only classifies what went wrong: 4xx other than 429 is permanent
 * (the seed's script did not retry them either), 5xx and a missing answer transient.
 */
final class ManagementServer {
    static final String GET = "get-routing-object";
    static final String PATCH = "patch-routing-object";

    private final String apiRoot;
    private final boolean verifyTls;
    private final Credentials credentials;
    private final ProviderHttp http;

    /**
     * @param apiRoot the management server's base URL ending with {@code /}, e.g. {@code https://bonding.example.net/}
     */
    ManagementServer(String apiRoot, HttpClient client, boolean verifyTls, Credentials credentials,
            ProviderContext ctx) {
        this.apiRoot = apiRoot;
        this.verifyTls = verifyTls;
        this.credentials = credentials;
        this.http = new ProviderHttp(MultappliedProvider.NAME, client, ctx.policy().timeout(), ctx.observer(),
                ctx.clock(), this::error);
    }

    /**
     * The base URL the API paths hang off, ending with exactly one {@code /}: Django REST style URLs are relative
     * to it, and a missing slash would glue the host to {@code api/v3}. A trailing {@code /api/v3} is tolerated.
     */
    static String apiRoot(String apiUrl) {
        String u = apiUrl.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith("/api/v3")) {
            u = u.substring(0, u.length() - "/api/v3".length());
        }
        return u + "/";
    }

    /** GET the object; its {@code enabled} flag. */
    boolean enabled(RoutingObject o) throws ProviderException {
        ProviderHttp.Answer a = send(o, GET, request(o).GET().build());
        return enabledFlag(a).orElseThrow(() -> about(o, new ProviderException(ProviderException.Kind.TRANSIENT,
                MultappliedProvider.NAME, GET, a.status(), "malformed", null, "the answer to GET " + o.apiPath()
                        + " has no boolean \"enabled\" (it said: " + DjangoErrors.describe(a)
                        + "); check that apiUrl is the management server", null)));
    }

    /** PATCH the object's {@code enabled} flag. */
    void setEnabled(RoutingObject o, boolean enabled) throws ProviderException {
        HttpRequest r = request(o).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"enabled\": " + enabled + "}")).build();
        ProviderHttp.Answer a = send(o, PATCH, r);
        // The API answers a PATCH with the updated object. Trust the 2xx when the body says nothing readable, but not
        // when it says the opposite of what was asked.
        Optional<Boolean> now = enabledFlag(a);
        if (now.isPresent() && now.get() != enabled) {
            throw about(o, new ProviderException(ProviderException.Kind.TRANSIENT, MultappliedProvider.NAME, PATCH,
                    a.status(), "not-applied", null, "the management server accepted enabled=" + enabled
                            + " but answered with enabled=" + now.get(), null));
        }
    }

    private HttpRequest.Builder request(RoutingObject o) throws ProviderException {
        String user = credentials.require(MultappliedProvider.NAME, "username");
        String password = credentials.require(MultappliedProvider.NAME, "password");
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create(apiRoot + o.apiPath()))
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + basic);
    }

    private ProviderHttp.Answer send(RoutingObject o, String operation, HttpRequest r) throws ProviderException {
        try {
            return http.send(operation, r);
        } catch (ProviderException e) {
            throw about(o, untrustedCertificate(e));
        }
    }

    private static Optional<Boolean> enabledFlag(ProviderHttp.Answer a) {
        try {
            JsonNode json = a.body() == null ? null : ProviderHttp.json().readTree(a.body());
            JsonNode enabled = json == null ? null : json.get("enabled");
            return enabled != null && enabled.isBoolean() ? Optional.of(enabled.booleanValue()) : Optional.empty();
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    private ProviderException error(String operation, ProviderHttp.Answer a) {
        int s = a.status();
        ProviderException.Kind kind = s == 429 ? ProviderException.Kind.RATE_LIMITED
                : s >= 500 ? ProviderException.Kind.TRANSIENT : ProviderException.Kind.PERMANENT;
        String hint = switch (s) {
            case 401 -> "; check the e-mail address (key username) and the password (key password) in "
                    + credentials.source() + ": the API logs in with the account's e-mail address, not its user name";
            case 403 -> "; give the user's group permission to view and change routing objects on this bond";
            case 404 -> "; check the bond id and the routing object ids in spec.provider.multapplied.bonds, and that"
                    + " apiUrl is the management server";
            case 429 -> "; the management server itself does not throttle, so a proxy in front of it did";
            default -> s >= 300 && s < 400 ? "; the server redirects to " + a.header("location").orElse("(nowhere)")
                    + ": set apiUrl to the management server's own https:// address" : "";
        };
        return new ProviderException(kind, MultappliedProvider.NAME, operation, s, "", http.serverWait(a).orElse(null),
                "HTTP " + s + " " + DjangoErrors.describe(a) + hint, null);
    }

    /** A certificate the JVM does not trust will not become trusted by retrying: say so and say what to change. */
    private ProviderException untrustedCertificate(ProviderException e) {
        if (!verifyTls || e.httpStatus() != 0) {
            return e;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof CertPathBuilderException
                    || t instanceof CertPathValidatorException) {
                return new ProviderException(ProviderException.Kind.PERMANENT, e.provider(), e.operation(), 0, "tls",
                        null, "the management server's TLS certificate is not trusted (" + t.getMessage()
                        + "); give it a certificate from a CA this JVM trusts, or, for a self-signed certificate, set"
                        + " spec.provider.multapplied.verifyTls: false (the seed's verify_ssl = false)", e);
            }
        }
        return e;
    }

    /** The same failure, with the object it concerns in front of the message. */
    static ProviderException about(RoutingObject o, ProviderException e) {
        return new ProviderException(e.kind(), e.provider(), e.operation(), e.httpStatus(), e.code(),
                e.retryAfter().orElse(null), o + ": " + withoutPrefix(e), e);
    }

    /** The message without the {@code provider operation: } prefix every ProviderException carries. */
    static String withoutPrefix(ProviderException e) {
        String prefix = e.provider() + " " + e.operation() + ": ";
        String m = e.getMessage();
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
