package dev.tandem.provider.multapplied;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tandem.api.v1alpha1.MultappliedSpec;
import dev.tandem.provider.CallObserver;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.Retrier;
import dev.tandem.provider.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code verifyTls}: a management server with a self-signed certificate made out to another host name, as an
 * on-premises install has. With verification on, the failure is permanent and says to set {@code verifyTls: false};
 * with it off, the same server is reachable.
 */
class MultappliedTlsTest {
    @TempDir
    Path dir;
    HttpsServer server;
    final AtomicInteger served = new AtomicInteger();
    final List<Duration> sleeps = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Assumptions.assumeTrue(Files.isExecutable(keytool), "skipped: this JDK has no keytool at " + keytool
                + " to make a self-signed certificate");
        Path store = dir.resolve("mgmt.p12");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "mgmt", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=bonding.example.net", "-ext", "san=dns:bonding.example.net",
                "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/api/v3/bonds/", ex -> {
            try (ex) {
                served.incrementAndGet();
                byte[] body = "{\"id\": 1, \"enabled\": true}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    MultappliedProvider provider(Boolean verifyTls) {
        MultappliedSpec spec = MultappliedProviderTest.spec("https://127.0.0.1:" + server.getAddress().getPort());
        spec.verifyTls = verifyTls;
        Retrier retrier = new Retrier(new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(5),
                Duration.ofSeconds(5)), sleeps::add, () -> 0.5);
        return new MultappliedProvider(spec, new Credentials("Secret demo/mgmt", Map.of("username", "u@example.com",
                "password", "pw")), new ProviderContext("203.0.113.1", retrier, CallObserver.NONE, Clock.systemUTC()));
    }

    @Test
    void aSelfSignedCertificateIsPermanentWhileVerifyTlsIsOn() throws Exception {
        try (MultappliedProvider p = provider(null)) {
            ProviderException e = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.getMessage()).contains("TLS certificate is not trusted", "verifyTls: false");
        }
        assertThat(served).hasValue(0);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void verifyTlsOffReachesAServerWithASelfSignedCertificateForAnotherName() throws Exception {
        try (MultappliedProvider p = provider(false)) {
            // Both bonds answer "enabled": the point here is only that the calls got through.
            assertThat(p.holder().settled()).isFalse();
        }
        assertThat(served).hasValue(6);
    }
}
