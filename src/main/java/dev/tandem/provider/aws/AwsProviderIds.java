package dev.tandem.provider.aws;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The EC2 instance id in a node's {@code spec.providerID}. The AWS cloud controller manager writes
 * {@code aws:///<zone>/<instance-id>} (an empty host, the zone as the first path segment). Its own parser
 * ({@code KubernetesInstanceID.MapToAWSInstanceID} in kubernetes/cloud-provider-aws) reads only the path and takes
 * one or two segments, so {@code aws:////<instance-id>}, {@code aws:///<instance-id>} and
 * {@code aws://<zone>/<instance-id>} pass too; so they do here. Anything else (another cloud, a Fargate node, a bare
 * id, a malformed zone) is not an instance this provider can move an address to.
 */
final class AwsProviderIds {
    private static final String SCHEME = "aws://";
    private static final Pattern ZONE = Pattern.compile("[a-z0-9-]*");

    private AwsProviderIds() {
    }

    static Optional<String> instanceId(String providerId) {
        if (providerId == null || !providerId.strip().startsWith(SCHEME)) {
            return Optional.empty();
        }
        String rest = providerId.strip().substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 0 || !ZONE.matcher(rest.substring(0, slash)).matches()) {
            return Optional.empty();
        }
        String path = rest.substring(slash).replaceAll("^/+|/+$", "");
        String[] segments = path.split("/", -1);
        if (segments.length > 2 || (segments.length == 2 && !ZONE.matcher(segments[0]).matches())) {
            return Optional.empty();
        }
        String id = segments[segments.length - 1];
        return InstanceMetadata.INSTANCE_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }
}
