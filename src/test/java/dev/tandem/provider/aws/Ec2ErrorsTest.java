package dev.tandem.provider.aws;

import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The classification of EC2's error codes and of the SDK's client-side failures. */
class Ec2ErrorsTest {
    private final Ec2Errors errors = new Ec2Errors(Optional.of("Secret default/aws-keys"), "eu-central-1");

    private static Ec2Exception ec2(int status, String code, String message) {
        return (Ec2Exception) Ec2Exception.builder().statusCode(status).requestId("req-1")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    @ParameterizedTest
    @CsvSource({
            "401, AuthFailure, PERMANENT, accessKeyId",
            "403, UnauthorizedOperation, PERMANENT, ec2:AssociateAddress",
            "400, InvalidAllocationID.NotFound, PERMANENT, aws.allocationId",
            "400, InvalidInstanceID.NotFound, PERMANENT, providerID",
            "400, InvalidNetworkInterfaceID.NotFound, PERMANENT, aws.deviceIndex",
            "400, InvalidParameterValue, PERMANENT, address",
            "503, RequestLimitExceeded, RATE_LIMITED, throttles",
            "400, Throttling, RATE_LIMITED, throttles",
            "500, InternalError, TRANSIENT, InternalError",
            "503, Unavailable, TRANSIENT, Unavailable",
            "502, '', TRANSIENT, HTTP 502",
            "400, Resource.AlreadyAssociated, BUSY, in use elsewhere",
            "400, InvalidIPAddress.InUse, BUSY, in use elsewhere",
            "401, '', PERMANENT, secretAccessKey",
            "429, '', RATE_LIMITED, HTTP 429",
            "400, SomethingNew, PERMANENT, SomethingNew",
    })
    void serviceErrorsAreClassifiedByCodeThenStatus(int status, String code, Kind kind, String mentions) {
        ProviderException e = errors.map("AssociateAddress", ec2(status, code, "what EC2 said"));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.httpStatus()).isEqualTo(status);
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.getMessage()).startsWith("aws AssociateAddress: ").contains(mentions, "req-1");
        if (kind == Kind.RATE_LIMITED) {
            assertThat(e.retryAfter()).contains(Ec2Errors.THROTTLE_WAIT);
        }
    }

    @Test
    void withoutASecretTheHintsPointAtTheIamRole() {
        Ec2Errors chain = new Ec2Errors(Optional.empty(), "eu-central-1");

        assertThat(chain.map("AssociateAddress", ec2(401, "AuthFailure", "no")).getMessage())
                .contains("IRSA", "aws.credentialsSecretRef").doesNotContain("Secret default");
        assertThat(chain.map("AssociateAddress", ec2(403, "UnauthorizedOperation", "no")).getMessage())
                .contains("default chain", "ec2:AssociateAddress");
    }

    @Test
    void noAnswerIsTransient() {
        ProviderException io = errors.map("DescribeAddresses", SdkClientException.builder()
                .message("Unable to execute HTTP request: Connection refused")
                .cause(new ConnectException("Connection refused")).build());
        ProviderException timeout = errors.map("DescribeAddresses", ApiCallTimeoutException.create(2000));

        assertThat(io.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(io.getMessage()).contains("Connection refused");
        assertThat(timeout.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(timeout.code()).isEqualTo("timeout");
    }

    @Test
    void noCredentialsInTheDefaultChainIsPermanentAndSaysHowToProvideThem() {
        ProviderException e = errors.map("DescribeAddresses", SdkClientException.builder()
                .message("Unable to load credentials from any of the providers in the chain")
                .cause(new IOException("no")).build());

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains("aws.credentialsSecretRef", "IRSA");
    }
}
