package dev.tandem.agent.health;

import com.sun.net.httpserver.HttpServer;
import dev.tandem.api.v1alpha1.ExecCheckSpec;
import dev.tandem.api.v1alpha1.HealthCheckSpec;
import dev.tandem.api.v1alpha1.HttpCheckSpec;
import dev.tandem.api.v1alpha1.TcpCheckSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The three kinds of health check against real processes and sockets on loopback. */
class HealthProbesTest {
    static final Duration TIMEOUT = Duration.ofMillis(500);

    @Test
    void execIsHealthyOnExitZeroAndNamesTheFailure() {
        assertThat(new ExecProbe(List.of("true")).run(TIMEOUT).healthy()).isTrue();
        HealthProbe.Result failed = new ExecProbe(List.of("false")).run(TIMEOUT);
        assertThat(failed.healthy()).isFalse();
        assertThat(failed.detail()).isEqualTo("false exited with 1");
        assertThat(new ExecProbe(List.of("/nonexistent/pidof", "haproxy")).run(TIMEOUT).detail())
                .startsWith("cannot run /nonexistent/pidof");
    }

    @Test
    void aHangingCommandIsKilledAtTheTimeout() {
        Instant start = Instant.now();
        HealthProbe.Result r = new ExecProbe(List.of("sleep", "30")).run(Duration.ofMillis(200));
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).contains("did not finish within 200 ms");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void tcpIsHealthyWhenAConnectionIsAccepted() throws IOException {
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(new TcpProbe("127.0.0.1", listening.getLocalPort()).run(TIMEOUT).healthy()).isTrue();
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        HealthProbe.Result r = new TcpProbe("127.0.0.1", closed).run(TIMEOUT);
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).startsWith("tcp 127.0.0.1:" + closed);
    }

    @Test
    void httpChecksTheStatus() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", x -> {
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.createContext("/down", x -> {
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertThat(new HttpProbe(base + "/ok", List.of()).run(TIMEOUT).healthy()).as("any 2xx").isTrue();
            HealthProbe.Result down = new HttpProbe(base + "/down", List.of()).run(TIMEOUT);
            assertThat(down.healthy()).isFalse();
            assertThat(down.detail()).isEqualTo("GET " + base + "/down answered 503");
            assertThat(new HttpProbe(base + "/down", List.of(503)).run(TIMEOUT).healthy()).as("expectStatus").isTrue();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void eachSpecKindMakesItsProbe() {
        HealthCheckSpec exec = new HealthCheckSpec();
        exec.name = "e";
        exec.exec = new ExecCheckSpec();
        exec.exec.command = List.of("true");
        HealthCheckSpec tcp = new HealthCheckSpec();
        tcp.name = "t";
        tcp.tcp = new TcpCheckSpec();
        tcp.tcp.port = 1;
        HealthCheckSpec http = new HealthCheckSpec();
        http.name = "h";
        http.http = new HttpCheckSpec();
        http.http.url = "http://127.0.0.1:1/";
        assertThat(HealthProbes.of(exec)).isInstanceOf(ExecProbe.class);
        assertThat(HealthProbes.of(tcp)).isInstanceOf(TcpProbe.class);
        assertThat(HealthProbes.of(http)).isInstanceOf(HttpProbe.class);
    }
}
