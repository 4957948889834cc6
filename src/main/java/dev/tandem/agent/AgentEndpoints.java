package dev.tandem.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheus.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The agent's HTTP endpoints, on the JDK's small server (the agent runs without the Quarkus runtime to stay small):
 * {@code /q/metrics} (Prometheus text), {@code /q/health/live} (the process answers) and {@code /q/health/ready}
 * ({@link AgentHealth}). The paths are the operator's, so that one ServiceMonitor and one set of probes fit both.
 */
public final class AgentEndpoints implements AutoCloseable {
    public static final String METRICS = "/q/metrics";
    public static final String LIVE = "/q/health/live";
    public static final String READY = "/q/health/ready";

    private final HttpServer server;

    private AgentEndpoints(HttpServer server) {
        this.server = server;
    }

    /**
     * Serves on {@code port} of every address of the host (0: a free port).
     *
     * @throws IOException naming the port when it is taken
     */
    public static AgentEndpoints start(int port, PrometheusMeterRegistry registry, AgentHealth health)
            throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics and health on port " + port + ": " + e.getMessage(), e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("tandem-http").factory()));
        server.createContext(METRICS, ex -> answer(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape()));
        server.createContext(LIVE, ex -> answer(ex, 200, "application/json",
                "{\"status\":\"UP\",\"checks\":[]}"));
        server.createContext(READY, ex -> answer(ex, health.ready() ? 200 : 503, "application/json",
                health.readinessJson()));
        server.start();
        return new AgentEndpoints(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange ex, int status, String type, String body) throws IOException {
        try (ex) {
            if (!ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath())) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
