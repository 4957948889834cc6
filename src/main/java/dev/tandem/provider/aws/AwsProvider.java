package dev.tandem.provider.aws;

import dev.tandem.api.v1alpha1.AwsSpec;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.ProviderHttp;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;

/**
 * Moves an AWS Elastic IP or secondary private IP to the active member's EC2 instance (section 3 of the API
 * reference). Members are instances, by id; the address goes to the network interface at {@code aws.deviceIndex}.
 *
 * <p>The SDK client is built on first use, so a Secret without the keys becomes a permanent error of the call that
 * needed them rather than of construction. The SDK retries nothing itself: each attempt of the FloatingIp's retry
 * policy is one request per EC2 call, and the {@link MasterGuard} is asked right before each mutating one.
 */
public final class AwsProvider implements FloatingIpProvider {
    public static final String NAME = "aws";

    private final AwsSpec spec;
    private final Credentials credentials;
    private final ProviderContext ctx;
    private final AddressMode mode;
    private Ec2Client client;
    private HttpClient metadataClient;
    private boolean closed;

    public AwsProvider(AwsSpec spec, Credentials credentials, ProviderContext ctx) {
        this(spec, credentials, ctx, RemapWait.DEFAULT);
    }

    AwsProvider(AwsSpec spec, Credentials credentials, ProviderContext ctx, RemapWait remapWait) {
        this.spec = spec;
        this.credentials = credentials;
        this.ctx = ctx;
        Optional<String> secret = spec.credentialsSecretRef == null ? Optional.empty()
                : Optional.of(credentials.source());
        Ec2Api api = new Ec2Api(this::client, new Ec2Errors(secret, String.valueOf(spec.region)), ctx.observer(),
                ctx.clock());
        int deviceIndex = spec.deviceIndex == null ? 0 : spec.deviceIndex;
        this.mode = spec.mode == AwsSpec.Mode.secondaryPrivateIp
                ? new SecondaryPrivateIpMode(api, ctx.retrier(), ctx.address(), deviceIndex, spec.region, remapWait,
                        ctx.clock())
                : new ElasticIpMode(api, ctx.retrier(), String.valueOf(spec.allocationId), deviceIndex, spec.region);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ProviderHolder holder() throws ProviderException, InterruptedException {
        return mode.holder();
    }

    @Override
    public void assign(Member target, MasterGuard guard) throws ProviderException, InterruptedException {
        mode.assign(target, guard);
    }

    @Override
    public void release(Member holder, MasterGuard guard) throws ProviderException, InterruptedException {
        mode.release(holder, guard);
    }

    @Override
    public String discoverMachineId(String node) throws ProviderException, InterruptedException {
        InstanceMetadata metadata = metadata();
        return ctx.retrier().call(metadata::instanceId);
    }

    @Override
    public Optional<String> machineIdFromProviderId(String node, String providerId) {
        return AwsProviderIds.instanceId(providerId);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
            client = null;
        }
        if (metadataClient != null) {
            metadataClient.close();
            metadataClient = null;
        }
    }

    /** The metadata service client, built on first use: only standalone agents ask it, once. */
    private synchronized InstanceMetadata metadata() throws ProviderException {
        if (closed) {
            throw new ProviderException(Kind.PERMANENT, NAME, "metadata", "the provider was closed");
        }
        Duration timeout = ctx.policy().timeout();
        if (metadataClient == null) {
            metadataClient = ProviderHttp.newClient(timeout);
        }
        String url = spec.metadataUrl == null || spec.metadataUrl.isBlank() ? AwsSpec.DEFAULT_METADATA_URL
                : spec.metadataUrl.strip();
        return new InstanceMetadata(new ProviderHttp(NAME, metadataClient, timeout, ctx.observer(), ctx.clock(),
                InstanceMetadata::error), URI.create(url));
    }

    /** The EC2 client, built on first use from the spec and the credentials. */
    private synchronized Ec2Client client() throws ProviderException {
        if (closed) {
            throw new ProviderException(Kind.PERMANENT, NAME, "client", "the provider was closed");
        }
        if (client == null) {
            checkSpec();
            client = Ec2ClientFactory.build(spec, Ec2ClientFactory.credentialsProvider(spec, credentials),
                    ctx.policy().timeout());
        }
        return client;
    }

    /** What the CRD schema already enforces, checked again for specs that did not come through it. */
    private void checkSpec() throws ProviderException {
        String problem = null;
        if (spec.mode == null) {
            problem = "aws.mode is missing (elasticIp or secondaryPrivateIp)";
        } else if (spec.region == null || spec.region.isBlank()) {
            problem = "aws.region is missing";
        } else if (spec.mode == AwsSpec.Mode.elasticIp && (spec.allocationId == null || spec.allocationId.isBlank())) {
            problem = "aws.allocationId is required in elasticIp mode";
        }
        if (problem != null) {
            throw new ProviderException(Kind.PERMANENT, NAME, "spec", problem);
        }
    }
}
