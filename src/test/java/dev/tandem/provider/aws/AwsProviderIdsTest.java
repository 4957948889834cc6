package dev.tandem.provider.aws;

import dev.tandem.api.v1alpha1.AwsSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The instance id in a node's spec.providerID, as the AWS cloud controller manager writes and reads it. */
class AwsProviderIdsTest {
    private final AwsFixture f = new AwsFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @ParameterizedTest
    @CsvSource({
            "aws:///eu-central-1a/i-0abc1234def567890, i-0abc1234def567890",
            "aws:///us-east-1b/i-12345678, i-12345678",
            "aws:////i-0abc1234def567890, i-0abc1234def567890",
            "aws:///i-0abc1234def567890, i-0abc1234def567890",
            "aws://eu-central-1a/i-0abc1234def567890, i-0abc1234def567890",
            "' aws:///eu-central-1a/i-0abc1234def567890 ', i-0abc1234def567890",
            "aws:///eu-central-1a/i-0abc1234def567890/, i-0abc1234def567890",
    })
    void acceptsTheFormsTheAwsCloudProviderAccepts(String providerId, String instanceId) {
        assertThat(f.provider(AwsSpec.Mode.elasticIp).machineIdFromProviderId("lb-a", providerId))
                .contains(instanceId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "i-0abc1234def567890", "digitalocean://12345", "hcloud://42",
            "aws:///eu-central-1a/fargate-ip-10-0-1-2.eu-central-1.compute.internal",
            "aws:///eu-central-1a/extra/i-0abc1234def567890", "aws:///eu-central-1a/", "aws://",
            "aws:///eu-central-1a/i-XYZ", "aws:///EU_CENTRAL/i-0abc1234def567890", "gce://p/z/i-0abc1234def567890"})
    void rejectsEverythingElse(String providerId) {
        assertThat(f.provider(AwsSpec.Mode.elasticIp).machineIdFromProviderId("lb-a", providerId)).isEmpty();
    }

    @Test
    void aMissingProviderIdIsEmpty() {
        assertThat(f.provider(AwsSpec.Mode.elasticIp).machineIdFromProviderId("lb-a", null)).isEmpty();
    }
}
