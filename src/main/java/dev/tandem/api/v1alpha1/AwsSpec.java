package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.mode != 'elasticIp' || has(self.allocationId)",
        message = "aws.allocationId is required in elasticIp mode")
public class AwsSpec {
    public enum Mode { elasticIp, secondaryPrivateIp }

    public static final String DEFAULT_METADATA_URL = "http://169.254.169.254";

    @Required
    @JsonPropertyDescription("elasticIp: AssociateAddress of an Elastic IP (with reassociation) to the active"
            + " member's instance. secondaryPrivateIp: AssignPrivateIpAddresses of the address to the active"
            + " member's network interface with AllowReassignment.")
    public Mode mode;

    @Required
    @Size(max = 32)
    @Pattern("^[a-z]{2}(-[a-z]+)+-[0-9]+$")
    @JsonPropertyDescription("AWS region, e.g. eu-central-1.")
    public String region;

    @Size(max = 32)
    @Pattern("^eipalloc-[0-9a-f]{8,17}$")
    @JsonPropertyDescription("Allocation id of the Elastic IP (elasticIp mode).")
    public String allocationId;

    @Default("0")
    @Min(0)
    @Max(31)
    @JsonPropertyDescription("Device index of the network interface that receives the address.")
    public Integer deviceIndex;

    @JsonPropertyDescription("Secret with accessKeyId and secretAccessKey. Default: the SDK's default chain (IRSA,"
            + " instance profile).")
    public SecretKeyRef credentialsSecretRef;

    @Size(max = 2048)
    @Pattern(ProviderUrls.HTTP_URL_PATTERN)
    @JsonPropertyDescription("EC2 endpoint override, for proxies and tests. Default: the region's endpoint.")
    public String endpointUrl;

    @Default(DEFAULT_METADATA_URL)
    @Size(max = 2048)
    @Pattern(ProviderUrls.HTTP_URL_PATTERN)
    @JsonPropertyDescription("Instance metadata service (IMDSv2), used in standalone mode to learn the instance id.")
    public String metadataUrl;
}
