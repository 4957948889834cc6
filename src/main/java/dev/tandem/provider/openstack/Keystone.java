package dev.tandem.provider.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderHttp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Tokens from Keystone v3 for an application credential: {@code POST {authUrl}/auth/tokens} with the
 * {@code application_credential} method answers 201 with the token in the {@code X-Subject-Token} header and, in the
 * body, its {@code expires_at} and the service catalogue. The token is kept until a minute before it expires (or
 * until Neutron rejects it, see {@link Neutron}), so a failover costs no extra round trip to Keystone.
 */
final class Keystone {
    static final String AUTHENTICATE = "authenticate";
    static final String ID_KEY = "applicationCredentialId";
    static final String SECRET_KEY = "applicationCredentialSecret";

    private final URI tokens;
    private final String authUrl;
    private final String networkUrl;
    private final Credentials credentials;
    private final Clock clock;
    private final ProviderHttp http;
    private KeystoneToken cached;

    /**
     * @param networkUrl the Neutron endpoint from the spec, or null to take it from the catalogue
     */
    Keystone(String authUrl, String networkUrl, Credentials credentials, HttpClient client, ProviderContext ctx) {
        this.authUrl = authUrl;
        this.tokens = URI.create(v3(authUrl) + "/auth/tokens");
        this.networkUrl = networkUrl;
        this.credentials = credentials;
        this.clock = ctx.clock();
        this.http = new ProviderHttp(OpenStackProvider.NAME, client, ctx.policy().timeout(), ctx.observer(),
                ctx.clock(), this::error);
    }

    /**
     * The identity URL with {@code /v3} at the end: the spec asks for the v3 URL, but an unversioned one such as
     * {@code https://keystone.example.net:5000} (the form many clouds.yaml files carry) is accepted too.
     */
    static String v3(String authUrl) {
        String u = authUrl.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u.endsWith("/v3") ? u : u + "/v3";
    }

    /** A token that is not about to expire: the cached one, or a new one. */
    synchronized KeystoneToken token() throws ProviderException {
        if (cached == null || !cached.freshAt(clock.instant())) {
            cached = authenticate();
        }
        return cached;
    }

    /** Drops {@code rejected} (Neutron answered 401 to it) so that the next {@link #token()} authenticates. */
    synchronized void forget(KeystoneToken rejected) {
        if (cached == rejected) {
            cached = null;
        }
    }

    private KeystoneToken authenticate() throws ProviderException {
        String id = credentials.require(OpenStackProvider.NAME, ID_KEY);
        String secret = credentials.require(OpenStackProvider.NAME, SECRET_KEY);
        ObjectNode body = ProviderHttp.json().createObjectNode();
        ObjectNode identity = body.putObject("auth").putObject("identity");
        identity.putArray("methods").add("application_credential");
        identity.putObject("application_credential").put("id", id).put("secret", secret);
        HttpRequest request = HttpRequest.newBuilder(tokens)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        ProviderHttp.Answer a = http.send(AUTHENTICATE, request);
        String token = a.header("X-Subject-Token").map(String::strip).filter(t -> !t.isEmpty())
                .orElseThrow(() -> malformed(a, "has no X-Subject-Token header"));
        JsonNode tokenBody;
        try {
            tokenBody = a.body() == null ? null : ProviderHttp.json().readTree(a.body());
        } catch (IOException e) {
            tokenBody = null;
        }
        JsonNode t = tokenBody == null ? null : tokenBody.get("token");
        if (t == null || !t.isObject()) {
            if (networkUrl == null) {
                throw malformed(a, "has no \"token\" object with the service catalogue in its body");
            }
            t = ProviderHttp.json().createObjectNode(); // the header is all we need; the expiry is then unknown
        }
        String network = networkUrl != null ? networkUrl : ServiceCatalog.networkEndpoint(t.get("catalog"));
        return new KeystoneToken(token, expiry(t.path("expires_at").asText("")), Neutron.root(network));
    }

    /** {@code 2026-11-22T03:34:02.000000Z}; also an explicit offset. Unreadable means unknown, not an error. */
    static Optional<Instant> expiry(String text) {
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException notUtc) {
            try {
                return Optional.of(OffsetDateTime.parse(text).toInstant());
            } catch (DateTimeParseException unreadable) {
                return Optional.empty();
            }
        }
    }

    /** The body is not quoted: it answers a request that carried the secret, and a broken server might echo it. */
    private ProviderException malformed(ProviderHttp.Answer a, String what) {
        return new ProviderException(ProviderException.Kind.TRANSIENT, OpenStackProvider.NAME, AUTHENTICATE,
                a.status(), "malformed", null, "Keystone's answer to POST " + tokens.getPath() + " " + what
                + " (" + a.header("content-type").orElse("no Content-Type") + ", " + (a.body() == null ? 0
                : a.body().length()) + " characters); check that authUrl " + authUrl + " is a Keystone v3 endpoint",
                null);
    }

    private ProviderException error(String operation, ProviderHttp.Answer a) {
        int s = a.status();
        OpenStackErrors said = OpenStackErrors.of(a);
        ProviderException.Kind kind = s == 429 ? ProviderException.Kind.RATE_LIMITED
                : s >= 500 || s == 408 ? ProviderException.Kind.TRANSIENT : ProviderException.Kind.PERMANENT;
        String hint = switch (s) {
            case 401 -> "; Keystone refused the application credential in " + credentials.source() + " (keys "
                    + ID_KEY + " and " + SECRET_KEY + "): check both values, and that the credential has not expired"
                    + " or been deleted";
            case 403 -> "; the application credential may not create tokens (check its access rules)";
            case 404 -> "; check authUrl " + authUrl + ": it must be the Keystone v3 URL, e.g."
                    + " https://keystone.example.net:5000/v3";
            default -> s >= 300 && s < 400 ? "; Keystone redirects to " + a.header("location").orElse("(nowhere)")
                    + ": set authUrl to that address" : "";
        };
        // The request carried the secret; should a broken server echo it in its error, it goes no further.
        String quoted = credentials.optional(SECRET_KEY).map(secret -> said.said().replace(secret, "[redacted]"))
                .orElse(said.said());
        return new ProviderException(kind, OpenStackProvider.NAME, operation, s, said.type(),
                http.serverWait(a).orElse(null), "HTTP " + s + " " + quoted + hint, null);
    }
}
