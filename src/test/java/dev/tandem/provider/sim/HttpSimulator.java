package dev.tandem.provider.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The common part of the cloud API simulators: an HTTP server on loopback with routes, a log of every request (to
 * assert order and count), and fault switches a test flips: the next N answers replaced by a given status, headers
 * and body; a delay before every answer (slow provider, timeouts); or the server refusing to answer at all (outage).
 * Each provider's simulator adds the documented state and behaviour on top.
 */
public class HttpSimulator implements AutoCloseable {
    protected static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the simulator received it. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, String body,
                          String remoteAddress) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        public JsonNode json() {
            try {
                return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query);
        }
    }

    /** An answer: status, headers and body. */
    public record Response(int status, Map<String, String> headers, String body) {
        public static Response json(int status, Object body) {
            try {
                return new Response(status, Map.of("Content-Type", "application/json"),
                        body == null ? "" : JSON.writeValueAsString(body));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public static Response empty(int status) {
            return new Response(status, Map.of(), "");
        }

        public Response withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Response(status, h, body);
        }
    }

    @FunctionalInterface
    public interface Handler {
        Response handle(Request request, Matcher path);
    }

    private record Route(String method, Pattern path, Handler handler) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "http-simulator");
        t.setDaemon(true);
        return t;
    });
    private final List<Route> routes = new ArrayList<>();
    private final List<Request> log = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Response> injected = new ArrayDeque<>();
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean down;

    public HttpSimulator() {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /**
     * Listens on {@code bind}: a lab namespace's address, for agents in other namespaces (create it on a thread in
     * that namespace, e.g. with {@code NetworkNamespace.call}).
     */
    public HttpSimulator(InetSocketAddress bind) {
        try {
            server = HttpServer.create(bind, 50);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + bind, e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
    public String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    public URI uri() {
        return URI.create(url());
    }

    /** Adds a route; {@code pathRegex} must match the whole path, its groups reach the handler. */
    protected final synchronized void route(String method, String pathRegex, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pathRegex), handler));
    }

    /** Replaces the next {@code times} answers (any route) with {@code response}. */
    public synchronized void failNext(int times, Response response) {
        for (int i = 0; i < times; i++) {
            injected.add(response);
        }
    }

    /** Waits this long before every answer. */
    public void delay(Duration d) {
        delay = d;
    }

    /** While down, connections are accepted and closed without an answer, as in an outage. */
    public void down(boolean isDown) {
        down = isDown;
    }

    /** Every request received so far, in order. */
    public List<Request> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** The requests with this method whose path matches {@code pathRegex}. */
    public List<Request> requests(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        return requests().stream().filter(r -> r.method().equals(method) && p.matcher(r.path()).matches()).toList();
    }

    public void clearLog() {
        log.clear();
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request req = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    ex.getRequestURI().getRawQuery(), Map.copyOf(ex.getRequestHeaders()), body,
                    ex.getRemoteAddress().getAddress().getHostAddress());
            log.add(req);
            if (down) {
                return; // closes the exchange with no response: the client sees the connection end
            }
            Duration d = delay;
            if (!d.isZero()) {
                try {
                    Thread.sleep(d);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Response resp = next(req);
            byte[] bytes = resp.body().getBytes(StandardCharsets.UTF_8);
            resp.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.sendResponseHeaders(resp.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private Response next(Request req) {
        Route match = null;
        Matcher m = null;
        synchronized (this) {
            Response injectedResponse = injected.poll();
            if (injectedResponse != null) {
                return injectedResponse;
            }
            for (Route r : routes) {
                Matcher candidate = r.path().matcher(req.path());
                if (r.method().equals(req.method()) && candidate.matches()) {
                    match = r;
                    m = candidate;
                    break;
                }
            }
        }
        if (match == null) {
            return notFound(req);
        }
        synchronized (this) {
            return match.handler().handle(req, m);
        }
    }

    /** The answer for a path no route matches; providers override it with their documented 404 body. */
    protected Response notFound(Request req) {
        return Response.json(404, Map.of("message", "no route for " + req));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
