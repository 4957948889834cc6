package dev.tandem.provider.aws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.tandem.provider.aws.AwsFixture.ALLOCATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The simulator's own behaviour where the provider never exercises it (it always asks for reassociation and
 * reassignment), driven through a plain SDK client, and its wire format where the SDK hides it.
 */
class Ec2SimulatorTest {
    private final AwsFixture f = new AwsFixture();
    private final Ec2Client sdk = Ec2Client.builder().region(Region.of(AwsFixture.REGION))
            .endpointOverride(URI.create(f.ec2.url()))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsFixture.ACCESS_KEY,
                    AwsFixture.SECRET_KEY)))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();

    @AfterEach
    void close() {
        sdk.close();
        f.close();
    }

    @Test
    void associateWithoutReassociationOfAnAssociatedAddressIsAlreadyAssociated() {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));

        Ec2Exception e = catchThrowableOfType(Ec2Exception.class, () -> sdk.associateAddress(r -> r
                .allocationId(ALLOCATION).networkInterfaceId(f.enisB.get(0)).allowReassociation(false)));

        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Resource.AlreadyAssociated");
        assertThat(e.requestId()).isNotBlank();
        assertThat(f.ec2.elasticIpInterface(ALLOCATION)).contains(f.enisA.get(0));
    }

    @Test
    void theReassociationDefaultOfOldAccountsIsASwitch() {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));
        sdk.associateAddress(r -> r.allocationId(ALLOCATION).networkInterfaceId(f.enisB.get(0)));
        assertThat(f.ec2.elasticIpInterface(ALLOCATION)).contains(f.enisB.get(0));

        f.ec2.reassociationByDefault(false);
        Ec2Exception e = catchThrowableOfType(Ec2Exception.class, () -> sdk.associateAddress(r -> r
                .allocationId(ALLOCATION).networkInterfaceId(f.enisA.get(0))));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Resource.AlreadyAssociated");
    }

    @Test
    void assignWithoutReassignmentOfAnAddressInUseIsRefusedWithTheSwitchableCode() {
        f.ec2.assignNow(f.enisA.get(0), AwsFixture.VIP);

        Ec2Exception e = catchThrowableOfType(Ec2Exception.class, () -> sdk.assignPrivateIpAddresses(r -> r
                .networkInterfaceId(f.enisB.get(0)).privateIpAddresses(AwsFixture.VIP).allowReassignment(false)));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");

        f.ec2.inUseCode("InvalidIPAddress.InUse");
        Ec2Exception inUse = catchThrowableOfType(Ec2Exception.class, () -> sdk.assignPrivateIpAddresses(r -> r
                .networkInterfaceId(f.enisB.get(0)).privateIpAddresses(AwsFixture.VIP)));
        assertThat(inUse.awsErrorDetails().errorCode()).isEqualTo("InvalidIPAddress.InUse");
        assertThat(f.ec2.interfacesWith(AwsFixture.VIP)).containsExactly(f.enisA.get(0));
    }

    @Test
    void aRemapShowsOnlyAfterItsDelay() {
        f.ec2.assignNow(f.enisA.get(0), AwsFixture.VIP);
        f.ec2.remapDelay(Duration.ofSeconds(4));

        sdk.assignPrivateIpAddresses(r -> r.networkInterfaceId(f.enisB.get(0)).privateIpAddresses(AwsFixture.VIP)
                .allowReassignment(true));
        assertThat(f.ec2.interfacesWith(AwsFixture.VIP)).containsExactly(f.enisA.get(0));
        f.clock.advance(Duration.ofMillis(3999));
        assertThat(f.ec2.interfacesWith(AwsFixture.VIP)).containsExactly(f.enisA.get(0));
        f.clock.advance(Duration.ofMillis(1));
        assertThat(f.ec2.interfacesWith(AwsFixture.VIP)).containsExactly(f.enisB.get(0));
    }

    @Test
    void aTokenBucketThrottlesWithRequestLimitExceededAndRefills() {
        f.ec2.throttle("DescribeAddresses", 2, 1.0);
        sdk.describeAddresses();
        sdk.describeAddresses();

        Ec2Exception e = catchThrowableOfType(Ec2Exception.class, sdk::describeAddresses);
        assertThat(e.statusCode()).isEqualTo(503);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded");

        f.clock.advance(Duration.ofSeconds(1));
        assertThat(sdk.describeAddresses().addresses()).hasSize(1);
    }

    @Test
    void anUnsignedRequestGetsAuthFailureInTheErrorEnvelope() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(f.ec2.url() + "/"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("Action=DescribeAddresses&Version=2016-11-15")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("<Response><Errors><Error><Code>AuthFailure</Code><Message>")
                    .containsPattern("<RequestID>[0-9a-f-]{36}</RequestID></Response>");
        }
    }

    @Test
    void aSuccessIsInTheActionsEnvelopeWithARequestId() {
        String body = Ec2Wire.ok("DisassociateAddress", "  <return>true</return>\n").body();

        assertThat(body).contains("<DisassociateAddressResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">")
                .containsPattern("<requestId>[0-9a-f-]{36}</requestId>").endsWith("</DisassociateAddressResponse>");
    }
}
