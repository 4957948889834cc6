package dev.tandem.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The HTTP side every REST provider shares: a per-call time limit, timing of each call for {@link CallObserver}, and
 * turning a failed answer into a classified {@link ProviderException} through the provider's {@link ErrorMapper}.
 * Request headers (where the credentials are) never appear in an error message.
 */
public final class ProviderHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One HTTP answer. */
    public record Answer(int status, String body, HttpHeaders headers) {
        /** The body as JSON; a missing or unparsable body is an empty object node, never an exception. */
        public JsonNode json() {
            if (body == null || body.isBlank()) {
                return JSON.createObjectNode();
            }
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return JSON.createObjectNode();
            }
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** Turns a non-2xx answer into the provider's classified exception. */
    @FunctionalInterface
    public interface ErrorMapper {
        ProviderException map(String operation, Answer answer);
    }

    private final String provider;
    private final HttpClient client;
    private final Duration timeout;
    private final CallObserver observer;
    private final Clock clock;
    private final ErrorMapper errors;

    public ProviderHttp(String provider, HttpClient client, Duration timeout, CallObserver observer, Clock clock,
            ErrorMapper errors) {
        this.provider = provider;
        this.client = client;
        this.timeout = timeout;
        this.observer = observer;
        this.clock = clock;
        this.errors = errors;
    }

    /** A client that follows no redirects (a redirect to another host must not receive the Authorization header). */
    public static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public static ObjectMapper json() {
        return JSON;
    }

    public String provider() {
        return provider;
    }

    /** Closes the HTTP client and its threads. */
    public void close() {
        client.close();
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Sends the request and returns a 2xx answer.
     *
     * @throws ProviderException the mapped error for any other status; {@code TRANSIENT} when no answer came (timeout,
     *                           refused connection, reset)
     */
    public Answer send(String operation, HttpRequest request) throws ProviderException {
        HttpRequest timed = HttpRequest.newBuilder(request, (n, v) -> true).timeout(timeout).build();
        Instant start = clock.instant();
        String outcome = "success";
        try {
            HttpResponse<String> r = client.send(timed, HttpResponse.BodyHandlers.ofString());
            Answer a = new Answer(r.statusCode(), r.body(), r.headers());
            if (!a.ok()) {
                ProviderException e = errors.map(operation, a);
                outcome = e.kind().label();
                throw e;
            }
            return a;
        } catch (HttpTimeoutException e) {
            outcome = ProviderException.Kind.TRANSIENT.label();
            throw new ProviderException(ProviderException.Kind.TRANSIENT, provider, operation, 0, "timeout", null,
                    "no answer from " + hostOf(request.uri()) + " within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            outcome = ProviderException.Kind.TRANSIENT.label();
            throw new ProviderException(ProviderException.Kind.TRANSIENT, provider, operation, 0, "io", null,
                    "request to " + hostOf(request.uri()) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = ProviderException.Kind.TRANSIENT.label();
            throw new ProviderException(ProviderException.Kind.TRANSIENT, provider, operation, 0, "interrupted", null,
                    "interrupted", e);
        } finally {
            observer.called(provider, operation, outcome, Duration.between(start, clock.instant()));
        }
    }

    /**
     * The standard classification of a failed answer: 401, 403, 404 and other 4xx are permanent, 408 and 5xx
     * transient, 409 and 423 busy, 429 rate limited; the provider's own {@code code} and {@code message} are quoted.
     */
    public ProviderException standardError(String operation, Answer a, String code, String message) {
        ProviderException.Kind kind = switch (a.status()) {
            case 429 -> ProviderException.Kind.RATE_LIMITED;
            case 409, 423 -> ProviderException.Kind.BUSY;
            case 408 -> ProviderException.Kind.TRANSIENT;
            default -> a.status() >= 500 ? ProviderException.Kind.TRANSIENT : ProviderException.Kind.PERMANENT;
        };
        return error(kind, operation, a, code, message);
    }

    /** An exception of the given kind quoting the answer, with the server's requested wait when it gave one. */
    public ProviderException error(ProviderException.Kind kind, String operation, Answer a, String code,
            String message) {
        String hint = switch (a.status()) {
            case 401 -> " (check the API token or key in the credentials Secret)";
            case 403 -> " (the credentials lack a permission; see the README for what each provider needs)";
            case 404 -> " (check the ids and the API URL in the FloatingIp)";
            default -> "";
        };
        String said = (code == null || code.isEmpty() ? "" : code + ": ") + (message == null || message.isBlank()
                ? "(no message)" : message.strip());
        return new ProviderException(kind, provider, operation, a.status(), code, serverWait(a).orElse(null),
                "HTTP " + a.status() + " " + said + hint, null);
    }

    /**
     * How long the server asked to wait: {@code Retry-After} (seconds or an HTTP date), or, when
     * {@code RateLimit-Remaining} is 0, until {@code RateLimit-Reset} (Unix seconds).
     */
    public Optional<Duration> serverWait(Answer a) {
        Optional<String> retryAfter = a.header("retry-after");
        if (retryAfter.isPresent()) {
            String v = retryAfter.get().strip();
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return Optional.of(nonNegative(Duration.between(clock.instant(), at)));
                } catch (DateTimeParseException notADate) {
                    return Optional.empty();
                }
            }
        }
        Optional<String> remaining = a.header("ratelimit-remaining");
        Optional<String> reset = a.header("ratelimit-reset");
        if (remaining.map(String::strip).filter("0"::equals).isPresent() && reset.isPresent()) {
            try {
                Instant at = Instant.ofEpochSecond(Long.parseLong(reset.get().strip()));
                return Optional.of(nonNegative(Duration.between(clock.instant(), at)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static String hostOf(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    /** The start of a text, on one line, for an error message. */
    public static String quote(String text) {
        if (text == null || text.isBlank()) {
            return "an empty body";
        }
        String line = text.strip().replaceAll("\\s+", " ");
        return "'" + (line.length() > 120 ? line.substring(0, 120) + "..." : line) + "'";
    }

    /** A body as JSON; empty when there is none or it is not JSON (unlike {@link Answer#json()}, which hides that). */
    public static Optional<JsonNode> parseJson(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readTree(body));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** An answer that is not what the API documents: a transient error quoting its start. */
    public static ProviderException malformed(String provider, String operation, Answer a, String what) {
        return new ProviderException(ProviderException.Kind.TRANSIENT, provider, operation, a.status(),
                "malformed_answer", null, "unreadable answer (HTTP " + a.status() + "): " + what + "; got "
                + quote(a.body()), null);
    }

    /** {@code url} (or {@code fallback} when it is empty) without a trailing slash. */
    public static String withoutTrailingSlash(String url, String fallback) {
        String u = url == null || url.isBlank() ? fallback : url.strip();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** A URL built from a spec field; a permanent error naming the field when it does not make one. */
    public static URI uri(String provider, String text, String field) throws ProviderException {
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, provider, "configuration",
                    "spec.provider." + provider + "." + field + " does not make a valid URL: " + quote(text));
        }
    }
}
