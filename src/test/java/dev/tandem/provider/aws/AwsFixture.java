package dev.tandem.provider.aws;

import dev.tandem.provider.sim.ManualClock;
import dev.tandem.api.v1alpha1.AwsSpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.provider.CallObserver;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.Retrier;
import dev.tandem.provider.RetryPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One EC2 simulator with two instances (A and B, each with interfaces at device index 0 and 1 in one VPC), an Elastic
 * IP, and providers built against it. The Retrier's sleeper and the remap sleeper record each wait and move the
 * manual clock the simulator reads, so token buckets refill and remaps complete without real waiting.
 */
final class AwsFixture implements AutoCloseable {
    static final String REGION = "eu-central-1";
    static final String VPC = "vpc-0123456789abcdef0";
    static final String ACCESS_KEY = "AKIATANDEMTEST000001";
    static final String SECRET_KEY = "tAnDeM/Secret+Key0123456789abcdefghijklm";
    static final String SECRET_SOURCE = "Secret default/aws-keys";
    static final String ALLOCATION = "eipalloc-0a1b2c3d4e5f60718";
    static final String EIP = "203.0.113.10";
    static final String VIP = "10.0.1.100";
    static final String A = "i-0aaaaaaaaaaaaaaa1";
    static final String B = "i-0bbbbbbbbbbbbbbb2";
    static final Member MEMBER_A = new Member("lb-a", A);
    static final Member MEMBER_B = new Member("lb-b", B);

    final ManualClock clock = new ManualClock(Instant.parse("2026-06-01T10:00:00Z"));
    final Ec2Simulator ec2 = new Ec2Simulator(clock, REGION).addKey(ACCESS_KEY, SECRET_KEY)
            .addElasticIp(ALLOCATION, EIP);
    final List<String> enisA = ec2.addInstance(A, VPC, "10.0.1.11", "10.0.2.11");
    final List<String> enisB = ec2.addInstance(B, VPC, "10.0.1.12", "10.0.2.12");
    /** Waits of the Retrier, in order. */
    final List<Duration> retryWaits = Collections.synchronizedList(new ArrayList<>());
    /** Waits between looks at a remap, in order. */
    final List<Duration> remapWaits = Collections.synchronizedList(new ArrayList<>());
    /** Every call the observer heard of, as "operation outcome". */
    final List<String> observed = Collections.synchronizedList(new ArrayList<>());
    private final List<Runnable> onRetryWait = Collections.synchronizedList(new ArrayList<>());
    private final List<AwsProvider> providers = new ArrayList<>();

    RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2));
    RemapWait remapWait = new RemapWait(Duration.ofSeconds(1), Duration.ofSeconds(30), d -> {
        remapWaits.add(d);
        clock.advance(d);
    });

    /** Runs {@code action} at the {@code n}th wait of the Retrier (1 for the first), e.g. to end an outage. */
    void atRetryWait(int n, Runnable action) {
        AtomicInteger seen = new AtomicInteger();
        onRetryWait.add(() -> {
            if (seen.incrementAndGet() == n) {
                action.run();
            }
        });
    }

    AwsSpec spec(AwsSpec.Mode mode) {
        AwsSpec s = new AwsSpec();
        s.mode = mode;
        s.region = REGION;
        s.allocationId = mode == AwsSpec.Mode.elasticIp ? ALLOCATION : null;
        s.deviceIndex = 0;
        s.credentialsSecretRef = new SecretKeyRef("aws-keys", null);
        s.endpointUrl = ec2.url();
        return s;
    }

    static Credentials keys(String accessKeyId, String secretAccessKey) {
        return new Credentials(SECRET_SOURCE, Map.of("accessKeyId", accessKeyId, "secretAccessKey",
                secretAccessKey));
    }

    AwsProvider provider(AwsSpec.Mode mode) {
        return provider(spec(mode), keys(ACCESS_KEY, SECRET_KEY));
    }

    AwsProvider provider(AwsSpec spec, Credentials credentials) {
        String address = spec.mode == AwsSpec.Mode.secondaryPrivateIp ? VIP : EIP;
        return provider(spec, credentials, address);
    }

    AwsProvider provider(AwsSpec spec, Credentials credentials, String address) {
        Retrier retrier = new Retrier(policy, d -> {
            retryWaits.add(d);
            clock.advance(d);
            List.copyOf(onRetryWait).forEach(Runnable::run);
        }, () -> 0.5);
        CallObserver observer = (provider, operation, outcome, took) -> observed.add(operation + " " + outcome);
        AwsProvider p = new AwsProvider(spec, credentials, new ProviderContext(address, retrier, observer, clock),
                remapWait);
        providers.add(p);
        return p;
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws ProviderException, InterruptedException;
    }

    /** The ProviderException that {@code call} throws; a test failure when it throws none. */
    static ProviderException failure(ThrowingCall call) {
        try {
            call.run();
        } catch (ProviderException e) {
            return e;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a ProviderException");
    }

    @Override
    public void close() {
        providers.forEach(AwsProvider::close);
        ec2.close();
    }
}
