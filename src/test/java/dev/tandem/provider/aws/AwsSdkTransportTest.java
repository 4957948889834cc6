package dev.tandem.provider.aws;

import dev.tandem.api.v1alpha1.AwsSpec;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.RetryPolicy;
import dev.tandem.provider.sim.HttpSimulator.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tandem.provider.aws.AwsFixture.ACCESS_KEY;
import static dev.tandem.provider.aws.AwsFixture.ALLOCATION;
import static dev.tandem.provider.aws.AwsFixture.MEMBER_B;
import static dev.tandem.provider.aws.AwsFixture.REGION;
import static dev.tandem.provider.aws.AwsFixture.SECRET_KEY;
import static dev.tandem.provider.aws.AwsFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the SDK puts on the wire for the provider: SigV4-signed Query API requests, the secret key never sent, and one
 * request per attempt of our Retrier (the SDK's own retries are off).
 */
class AwsSdkTransportTest {
    private final AwsFixture f = new AwsFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private void oneAttempt() {
        f.policy = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void everyRequestIsSignedWithSigV4AndTheSecretKeyNeverTravels() throws Exception {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));

        f.provider(AwsSpec.Mode.elasticIp).assign(MEMBER_B, MasterGuard.ALWAYS);

        List<Request> sent = f.ec2.requests();
        assertThat(sent).hasSizeGreaterThanOrEqualTo(3);
        String encoded = URLEncoder.encode(SECRET_KEY, StandardCharsets.UTF_8);
        for (Request r : sent) {
            SigV4Check.Parsed auth = SigV4Check.parse(r.header("Authorization")).orElseThrow();
            assertThat(auth.accessKeyId()).isEqualTo(ACCESS_KEY);
            assertThat(auth.region()).isEqualTo(REGION);
            assertThat(auth.service()).isEqualTo("ec2");
            assertThat(auth.signedHeaders()).contains("host", "x-amz-date");
            assertThat(SigV4Check.valid(r, auth, SECRET_KEY)).as("signature of %s", r).isTrue();
            assertThat(SigV4Check.valid(r, auth, SECRET_KEY + "x")).isFalse();
            String everything = r.headers().toString() + r.body();
            assertThat(everything).doesNotContain(SECRET_KEY).doesNotContain(encoded);
        }
    }

    @Test
    void aSessionTokenIsSentSignedAlongTheKeys() throws Exception {
        String token = "FwoGZXIvYXdzEXAMPLEsessionTOKEN";
        Credentials temporary = new Credentials(AwsFixture.SECRET_SOURCE, Map.of("accessKeyId", ACCESS_KEY,
                "secretAccessKey", SECRET_KEY, "sessionToken", token));

        f.provider(f.spec(AwsSpec.Mode.elasticIp), temporary).holder();

        Request r = f.ec2.requests().getFirst();
        assertThat(r.header("X-Amz-Security-Token")).isEqualTo(token);
        assertThat(SigV4Check.parse(r.header("Authorization")).orElseThrow().signedHeaders())
                .contains("x-amz-security-token");
    }

    @Test
    void withoutANamedSecretTheSdkDefaultChainSigns() throws Exception {
        // The chain's first link is the JVM's system properties: no network, unlike the instance profile link.
        String before = System.getProperty("aws.accessKeyId");
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        try {
            AwsSpec spec = f.spec(AwsSpec.Mode.elasticIp);
            spec.credentialsSecretRef = null;

            f.provider(spec, Credentials.none("no Secret")).holder();

            assertThat(SigV4Check.parse(f.ec2.requests().getFirst().header("Authorization")).orElseThrow()
                    .accessKeyId()).isEqualTo(ACCESS_KEY);
        } finally {
            System.clearProperty("aws.secretAccessKey");
            if (before == null) {
                System.clearProperty("aws.accessKeyId");
            } else {
                System.setProperty("aws.accessKeyId", before);
            }
        }
    }

    @Test
    void requestsAreQueryApiFormPostsOfVersion20161115() throws Exception {
        f.provider(AwsSpec.Mode.elasticIp).holder();

        Request r = f.ec2.requests().getFirst();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/");
        assertThat(r.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(Ec2Wire.form(r.body())).containsEntry("Action", "DescribeAddresses")
                .containsEntry("Version", "2016-11-15").containsEntry("AllocationId.1", ALLOCATION);
    }

    @Test
    void theSdkDoesNotRetryAServerErrorOnItsOwn() {
        oneAttempt();
        f.ec2.failNextAction("DescribeAddresses", 1, Ec2Wire.error(500, "InternalError",
                "An internal error has occurred"));

        ProviderException e = failure(() -> f.provider(AwsSpec.Mode.elasticIp).holder());

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.code()).isEqualTo("InternalError");
        assertThat(f.ec2.requests()).hasSize(1);
    }

    @Test
    void theSdkDoesNotRetryThrottlingOnItsOwn() {
        oneAttempt();
        f.ec2.throttle("DescribeAddresses", 1, 0.1);
        f.ec2.drain("DescribeAddresses");

        ProviderException e = failure(() -> f.provider(AwsSpec.Mode.elasticIp).holder());

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.code()).isEqualTo("RequestLimitExceeded");
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.retryAfter()).contains(Ec2Errors.THROTTLE_WAIT);
        assertThat(f.ec2.requests()).hasSize(1);
    }

    @Test
    void eachAttemptOfOurRetrierIsExactlyOneRequest() throws Exception {
        f.ec2.failNextAction("DescribeAddresses", 2, Ec2Wire.error(503, "Unavailable",
                "The service is unavailable. Please try again shortly."));

        f.provider(AwsSpec.Mode.elasticIp).holder();

        assertThat(f.ec2.actions()).containsExactly("DescribeAddresses", "DescribeAddresses", "DescribeAddresses");
        assertThat(f.retryWaits).hasSize(2);
        assertThat(f.observed).containsExactly("DescribeAddresses transient", "DescribeAddresses transient",
                "DescribeAddresses success");
    }

    @Test
    void aDroppedConnectionIsNotResentByTheTransport() {
        f.policy = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2));
        f.ec2.down(true);

        ProviderException e = failure(() -> f.provider(AwsSpec.Mode.elasticIp).assign(MEMBER_B,
                MasterGuard.ALWAYS));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(f.ec2.requests()).hasSize(3);
    }

    @Test
    void aSlowAnswerEndsAtThePolicyTimeout() {
        f.policy = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(300));
        f.ec2.delay(Duration.ofSeconds(2));
        long start = System.nanoTime();

        ProviderException e = failure(() -> f.provider(AwsSpec.Mode.elasticIp).holder());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1800));
        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(f.observed).containsExactly("DescribeAddresses transient");
    }

    @Test
    void theObserverHearsEachCallByItsApiName() throws Exception {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));
        AwsProvider p = f.provider(AwsSpec.Mode.elasticIp);

        p.assign(MEMBER_B, MasterGuard.ALWAYS);
        p.release(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.observed).containsExactly("DescribeAddresses success", "DescribeNetworkInterfaces success",
                "AssociateAddress success", "DescribeAddresses success", "DisassociateAddress success");
        assertThat(f.ec2.elasticIpInstance(ALLOCATION)).isEmpty();
    }
}
