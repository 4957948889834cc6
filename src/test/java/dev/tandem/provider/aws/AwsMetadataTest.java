package dev.tandem.provider.aws;

import dev.tandem.api.v1alpha1.AwsSpec;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.RetryPolicy;
import dev.tandem.provider.sim.HttpSimulator.Request;
import dev.tandem.provider.sim.HttpSimulator.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tandem.provider.aws.AwsFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

/** Standalone mode: the instance id from the IMDSv2 simulator, token first. */
class AwsMetadataTest {
    private static final String SELF = "i-0123456789abcdef0";
    private final AwsFixture f = new AwsFixture();
    private final ImdsSimulator imds = new ImdsSimulator(f.clock, SELF);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        imds.close();
        f.close();
        http.close();
    }

    private AwsProvider provider() {
        AwsSpec spec = f.spec(AwsSpec.Mode.elasticIp);
        spec.metadataUrl = imds.url();
        return f.provider(spec, AwsFixture.keys(AwsFixture.ACCESS_KEY, AwsFixture.SECRET_KEY));
    }

    private HttpResponse<String> raw(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder tokenRequest() {
        return HttpRequest.newBuilder(URI.create(imds.url() + InstanceMetadata.TOKEN_PATH))
                .PUT(HttpRequest.BodyPublishers.noBody());
    }

    private HttpRequest.Builder instanceIdRequest() {
        return HttpRequest.newBuilder(URI.create(imds.url() + InstanceMetadata.INSTANCE_ID_PATH)).GET();
    }

    @Test
    void discoversTheInstanceIdWithASessionTokenFirst() throws Exception {
        assertThat(provider().discoverMachineId("lb-a")).isEqualTo(SELF);

        List<Request> log = imds.requests();
        assertThat(log).extracting(Request::toString).containsExactly("PUT " + InstanceMetadata.TOKEN_PATH,
                "GET " + InstanceMetadata.INSTANCE_ID_PATH);
        assertThat(log.get(0).header(InstanceMetadata.TTL_HEADER)).isEqualTo("60");
        assertThat(log.get(1).header(InstanceMetadata.TOKEN_HEADER)).startsWith("AQAEA");
        assertThat(f.observed).containsExactly("MetadataToken success", "MetadataInstanceId success");
        assertThat(f.ec2.requests()).isEmpty();
    }

    @Test
    void theServiceRefusesAReadWithoutAValidToken() throws Exception {
        assertThat(raw(instanceIdRequest()).statusCode()).isEqualTo(401);
        assertThat(raw(instanceIdRequest().header(InstanceMetadata.TOKEN_HEADER, "made-up")).statusCode())
                .isEqualTo(401);

        String token = raw(tokenRequest().header(InstanceMetadata.TTL_HEADER, "5")).body();
        HttpResponse<String> ok = raw(instanceIdRequest().header(InstanceMetadata.TOKEN_HEADER, token));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(SELF);

        f.clock.advance(Duration.ofSeconds(5));
        assertThat(raw(instanceIdRequest().header(InstanceMetadata.TOKEN_HEADER, token)).statusCode())
                .isEqualTo(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "21601", "-1", "sixty", ""})
    void aTokenTtlOutside1To21600IsABadRequest(String ttl) throws Exception {
        HttpRequest.Builder b = tokenRequest();
        if (!ttl.isEmpty()) {
            b.header(InstanceMetadata.TTL_HEADER, ttl);
        }
        assertThat(raw(b).statusCode()).isEqualTo(400);
    }

    @Test
    void theTokenAnswerEchoesItsTtlAndAProxiedRequestIsForbidden() throws Exception {
        HttpResponse<String> ok = raw(tokenRequest().header(InstanceMetadata.TTL_HEADER, "21600"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue(InstanceMetadata.TTL_HEADER)).contains("21600");

        assertThat(raw(tokenRequest().header(InstanceMetadata.TTL_HEADER, "60")
                .header("X-Forwarded-For", "10.0.0.1")).statusCode()).isEqualTo(403);
    }

    @Test
    void aRefusedTokenIsRetriedWithAFreshOne() throws Exception {
        AwsProvider p = provider();
        // The service restarts between our PUT and our GET: it answers 401 to the token it gave out.
        imds.forgetTokensAfterNextIssue();

        assertThat(p.discoverMachineId("lb-a")).isEqualTo(SELF);

        assertThat(imds.requests()).extracting(Request::toString).containsExactly(
                "PUT " + InstanceMetadata.TOKEN_PATH, "GET " + InstanceMetadata.INSTANCE_ID_PATH,
                "PUT " + InstanceMetadata.TOKEN_PATH, "GET " + InstanceMetadata.INSTANCE_ID_PATH);
        assertThat(f.observed).containsSubsequence("MetadataInstanceId transient", "MetadataInstanceId success");
        assertThat(f.retryWaits).hasSize(1);
    }

    @Test
    void anAnswerThatIsNotAnInstanceIdIsAClearError() {
        f.policy = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2));
        imds.instanceId("<html>login</html>");

        ProviderException e = failure(() -> provider().discoverMachineId("lb-a"));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).contains("not an EC2 instance id", "aws.metadataUrl", "<html>login</html>");
    }

    @Test
    void noAnswerToTheTokenRequestPointsAtTheHopLimit() {
        f.policy = new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2));
        imds.down(true);

        ProviderException e = failure(() -> provider().discoverMachineId("lb-a"));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).contains("gave up after 2 attempts", "HttpPutResponseHopLimit");
    }

    @Test
    void aMissingPathIsPermanent() {
        imds.failNext(1, new Response(404, Map.of(), "Not Found"));

        ProviderException e = failure(() -> provider().discoverMachineId("lb-a"));

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains("HTTP 404", "aws.metadataUrl");
        assertThat(imds.requests()).hasSize(1);
    }

    @Test
    void theTokenNeverAppearsInAnError() throws Exception {
        f.policy = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2));
        imds.forgetTokensAfterNextIssue();

        ProviderException e = failure(() -> provider().discoverMachineId("lb-a"));

        String token = imds.requests().get(1).header(InstanceMetadata.TOKEN_HEADER);
        assertThat(token).isNotBlank();
        assertThat(e.getMessage()).contains("HTTP 401").doesNotContain(token);
    }
}
