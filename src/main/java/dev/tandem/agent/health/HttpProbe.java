package dev.tandem.agent.health;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Sends an HTTP GET; an expected status (any 2xx by default) is healthy. */
public final class HttpProbe implements HealthProbe {
    private final URI url;
    private final List<Integer> expect;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    public HttpProbe(String url, List<Integer> expectStatus) {
        this.url = URI.create(url);
        this.expect = expectStatus == null ? List.of() : List.copyOf(expectStatus);
    }

    @Override
    public Result run(Duration timeout) {
        try {
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            boolean ok = expect.isEmpty() ? r.statusCode() / 100 == 2 : expect.contains(r.statusCode());
            return ok ? Result.ok() : Result.failed("GET " + url + " answered " + r.statusCode());
        } catch (IOException e) {
            return Result.failed("GET " + url + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed("interrupted");
        }
    }
}
