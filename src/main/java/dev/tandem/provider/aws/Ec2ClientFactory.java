package dev.tandem.provider.aws;

import dev.tandem.api.v1alpha1.AwsSpec;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.ProviderException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds the SDK's EC2 client for one FloatingIp: its region and endpoint, its credentials, the JDK's URLConnection
 * transport, and no retries of the SDK's own, so that an attempt of our {@link dev.tandem.provider.Retrier} is exactly
 * one HTTP request (and the {@link dev.tandem.provider.MasterGuard} is asked before each).
 */
final class Ec2ClientFactory {
    static final String ACCESS_KEY_ID = "accessKeyId";
    static final String SECRET_ACCESS_KEY = "secretAccessKey";
    static final String SESSION_TOKEN = "sessionToken";

    private Ec2ClientFactory() {
    }

    /**
     * The credentials the client signs with: the Secret's keys when {@code aws.credentialsSecretRef} names one, else
     * the SDK's default chain (environment, web identity for IRSA, profile, container and instance profile).
     *
     * @throws ProviderException PERMANENT when the named Secret lacks a key
     */
    static AwsCredentialsProvider credentialsProvider(AwsSpec spec, Credentials credentials) throws ProviderException {
        if (spec.credentialsSecretRef == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        String accessKeyId = credentials.require(AwsProvider.NAME, ACCESS_KEY_ID);
        String secretAccessKey = credentials.require(AwsProvider.NAME, SECRET_ACCESS_KEY);
        Optional<String> sessionToken = credentials.optional(SESSION_TOKEN);
        AwsCredentials keys = sessionToken.isPresent()
                ? AwsSessionCredentials.create(accessKeyId, secretAccessKey, sessionToken.get())
                : AwsBasicCredentials.create(accessKeyId, secretAccessKey);
        return StaticCredentialsProvider.create(keys);
    }

    /**
     * @param timeout the time limit of one call (the FloatingIp's {@code retry.timeout}), connection included
     */
    static Ec2Client build(AwsSpec spec, AwsCredentialsProvider credentials, Duration timeout) {
        Ec2ClientBuilder b = Ec2Client.builder()
                .region(Region.of(spec.region))
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(timeout)
                        .socketTimeout(timeout))
                .overrideConfiguration(o -> o
                        // Our Retrier retries with the FloatingIp's policy and asks the guard before each attempt;
                        // retries inside the SDK would be invisible to both.
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(timeout)
                        .apiCallAttemptTimeout(timeout));
        if (spec.endpointUrl != null && !spec.endpointUrl.isBlank()) {
            b.endpointOverride(URI.create(spec.endpointUrl.strip()));
        }
        return b.build();
    }
}
