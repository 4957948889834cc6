package dev.tandem.provider.aws;

import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;
import java.util.Optional;

/**
 * Classifies what the SDK threw for an EC2 call into a {@link ProviderException}: wrong credentials, missing
 * permissions and unknown ids are permanent and say what to fix; throttling is rate limited; server errors and calls
 * that got no answer are transient. EC2's error codes are in its error envelope
 * ({@code <Response><Errors><Error><Code>}), which the SDK hands over as {@link AwsErrorDetails}.
 */
final class Ec2Errors {
    /**
     * The least wait after {@code RequestLimitExceeded}. EC2 sends no Retry-After; its token buckets refill per second
     * (Amazon EC2 API throttling, "Request token bucket sizes and refill rates"), so retrying sooner only spends a
     * token of the bucket that just ran dry.
     */
    static final Duration THROTTLE_WAIT = Duration.ofSeconds(1);

    private final Optional<String> secret;
    private final String region;

    /**
     * @param secret where the keys come from (the named Secret), or empty for the SDK's default chain; named in the
     *               hint of an authentication failure
     */
    Ec2Errors(Optional<String> secret, String region) {
        this.secret = secret;
        this.region = region;
    }

    ProviderException map(String operation, SdkException e) {
        if (e instanceof AwsServiceException s) {
            return service(operation, s);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new ProviderException(Kind.TRANSIENT, AwsProvider.NAME, operation, 0, "timeout", null,
                    "no answer from EC2 in time: " + e.getMessage(), e);
        }
        if (e instanceof AbortedException) {
            return new ProviderException(Kind.TRANSIENT, AwsProvider.NAME, operation, 0, "interrupted", null,
                    "interrupted", e);
        }
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("Unable to load credentials")) {
            // The default chain found nothing: no Secret named and no IAM role. Retrying cannot conjure one.
            return new ProviderException(Kind.PERMANENT, AwsProvider.NAME, operation, 0, "credentials", null,
                    "no AWS credentials: name a Secret with accessKeyId and secretAccessKey in"
                            + " aws.credentialsSecretRef, or give the pod an IAM role (IRSA or an instance profile). "
                            + message, e);
        }
        // No answer (refused, reset, closed) or an answer the SDK could not read.
        return new ProviderException(Kind.TRANSIENT, AwsProvider.NAME, operation, 0, "io", null,
                "request to EC2 failed: " + message, e);
    }

    private String credentialsHint() {
        return secret.map(s -> "AWS did not accept the credentials: check accessKeyId, secretAccessKey (and"
                + " sessionToken for temporary keys) in " + s + ", and the machine's clock")
                .orElse("AWS did not accept the credentials of the SDK's default chain: check the pod's IAM role"
                        + " (IRSA) or the instance profile, or name a Secret in aws.credentialsSecretRef");
    }

    private String identity() {
        return secret.map(s -> "the IAM identity of " + s).orElse("the IAM identity of the SDK's default chain");
    }

    private ProviderException service(String operation, AwsServiceException e) {
        AwsErrorDetails details = e.awsErrorDetails();
        String code = details == null || details.errorCode() == null ? "" : details.errorCode();
        String text = details == null || details.errorMessage() == null ? "" : details.errorMessage();
        int status = e.statusCode();
        Kind kind;
        String hint;
        Duration wait = null;
        switch (code) {
            case "AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken",
                    "RequestExpired" -> {
                kind = Kind.PERMANENT;
                hint = credentialsHint();
            }
            case "UnauthorizedOperation", "OptInRequired", "Blocked" -> {
                kind = Kind.PERMANENT;
                hint = identity() + " may not call ec2:" + operation + "; grant it in the IAM policy";
            }
            case "InvalidAllocationID.NotFound", "InvalidAllocationID.Malformed" -> {
                kind = Kind.PERMANENT;
                hint = "check aws.allocationId and aws.region (" + region + ")";
            }
            case "InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed" -> {
                kind = Kind.PERMANENT;
                hint = "check the member's instance id (the node's spec.providerID, or the id the agent learnt"
                        + " from the metadata service) and aws.region (" + region + ")";
            }
            case "InvalidNetworkInterfaceID.NotFound", "InvalidNetworkInterfaceID.Malformed" -> {
                kind = Kind.PERMANENT;
                hint = "the network interface is gone or was never there; check aws.deviceIndex and the member's"
                        + " instance id";
            }
            case "InvalidParameterValue", "InvalidParameterCombination", "MissingParameter",
                    "InvalidAddress.NotFound", "InvalidAssociationID.NotFound" -> {
                kind = Kind.PERMANENT;
                hint = "check the FloatingIp's address, aws.mode and the ids it names";
            }
            case "RequestLimitExceeded", "Throttling", "ThrottlingException" -> {
                kind = Kind.RATE_LIMITED;
                hint = "EC2 throttles this account's API calls in " + region;
                wait = THROTTLE_WAIT;
            }
            case "InternalError", "InternalFailure", "Unavailable", "ServiceUnavailable" -> {
                kind = Kind.TRANSIENT;
                hint = "";
            }
            case "Resource.AlreadyAssociated", "InvalidIPAddress.InUse" -> {
                kind = Kind.BUSY;
                hint = "the address is in use elsewhere";
            }
            default -> {
                if (status == 429 || e.isThrottlingException()) {
                    kind = Kind.RATE_LIMITED;
                    wait = THROTTLE_WAIT;
                } else if (status >= 500 || status == 408) {
                    kind = Kind.TRANSIENT;
                } else {
                    kind = Kind.PERMANENT;
                }
                // The URLConnection transport drops the body of a 401 (the JDK discards it in streaming mode), so
                // EC2's AuthFailure arrives without its code.
                hint = status == 401 ? credentialsHint()
                        : status == 403 ? "check the IAM permissions of " + identity() : "";
            }
        }
        String said = (code.isEmpty() ? "" : code + ": ") + (text.isBlank() ? "(no message)" : text.strip());
        String request = e.requestId() == null || e.requestId().isBlank() ? "" : ", request " + e.requestId();
        return new ProviderException(kind, AwsProvider.NAME, operation, status, code, wait,
                "EC2 answered HTTP " + status + " " + said + request + (hint.isEmpty() ? "" : " (" + hint + ")"), e);
    }
}
