package dev.tandem.provider.aws;

import dev.tandem.api.v1alpha1.AwsSpec;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.tandem.provider.aws.AwsFixture.A;
import static dev.tandem.provider.aws.AwsFixture.ACCESS_KEY;
import static dev.tandem.provider.aws.AwsFixture.B;
import static dev.tandem.provider.aws.AwsFixture.MEMBER_A;
import static dev.tandem.provider.aws.AwsFixture.MEMBER_B;
import static dev.tandem.provider.aws.AwsFixture.SECRET_KEY;
import static dev.tandem.provider.aws.AwsFixture.VIP;
import static dev.tandem.provider.aws.AwsFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secondaryPrivateIp mode against the EC2 simulator: AssignPrivateIpAddresses with reassignment, then looks at
 * DescribeNetworkInterfaces until the asynchronous remap shows.
 */
class AwsSecondaryPrivateIpTest {
    private final AwsFixture f = new AwsFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private AwsProvider provider() {
        return f.provider(AwsSpec.Mode.secondaryPrivateIp);
    }

    @Test
    void cleanFailoverMovesTheAddressAndWaitsUntilEc2ShowsTheRemap() throws Exception {
        f.ec2.assignNow(f.enisA.get(0), VIP);
        f.ec2.remapDelay(Duration.ofSeconds(3));
        AwsProvider p = provider();
        assertThat(p.holder().isHeldBy(A)).isTrue();

        p.assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.interfacesWith(VIP)).containsExactly(f.enisB.get(0));
        assertThat(p.holder().isHeldBy(B)).isTrue();
        assertThat(p.holder().isHeldBy(A)).isFalse();
        assertThat(f.ec2.mutatingActions()).containsExactly("AssignPrivateIpAddresses");
        Map<String, String> sent = Ec2Wire.form(f.ec2.requests().stream()
                .filter(r -> r.body().contains("Action=AssignPrivateIpAddresses")).findFirst().orElseThrow().body());
        assertThat(sent).containsEntry("NetworkInterfaceId", f.enisB.get(0)).containsEntry("PrivateIpAddress.1", VIP)
                .containsEntry("AllowReassignment", "true");
        // Looked every second until the 3 s remap showed: three waits, four looks.
        assertThat(f.remapWaits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void aMoveWhileAnotherRemapIsInFlightWinsOverIt() throws Exception {
        f.ec2.assignNow(f.enisB.get(0), VIP);
        f.ec2.remapDelay(Duration.ofSeconds(5));
        f.remapWait = new RemapWait(Duration.ofSeconds(1), Duration.ofSeconds(2), f.remapWait.sleeper());
        // A became master for a moment: its remap is accepted but not done when its wait runs out.
        ProviderException slow = failure(() -> provider().assign(MEMBER_A, MasterGuard.ALWAYS));
        assertThat(slow.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(slow.getMessage()).contains("did not show it there", f.enisB.get(0));
        assertThat(f.ec2.interfacesWith(VIP)).containsExactly(f.enisB.get(0));

        // B is master again. EC2 still shows the address on B, but A's remap is in flight: B assigns anyway.
        provider().assign(MEMBER_B, MasterGuard.ALWAYS);
        f.clock.advance(Duration.ofSeconds(10));

        assertThat(f.ec2.interfacesWith(VIP)).containsExactly(f.enisB.get(0));
        assertThat(f.ec2.mutatingActions()).containsExactly("AssignPrivateIpAddresses", "AssignPrivateIpAddresses");
    }

    @Test
    void alreadyOnTheTargetSendsOneIdempotentAssignAndNoWait() throws Exception {
        f.ec2.assignNow(f.enisB.get(0), VIP);
        f.ec2.remapDelay(Duration.ofSeconds(3));

        provider().assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.interfacesWith(VIP)).containsExactly(f.enisB.get(0));
        assertThat(f.ec2.mutatingActions()).containsExactly("AssignPrivateIpAddresses");
        assertThat(f.remapWaits).isEmpty();
    }

    @Test
    void aRemapThatNeverShowsFailsTransientlyAtTheDeadline() {
        f.ec2.assignNow(f.enisA.get(0), VIP);
        f.ec2.remapDelay(Duration.ofHours(1));

        ProviderException e = failure(() -> provider().assign(MEMBER_B, MasterGuard.ALWAYS));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.code()).isEqualTo("remap-timeout");
        assertThat(e.getMessage()).contains("30 s", f.enisB.get(0), f.enisA.get(0));
        assertThat(f.remapWaits).hasSize(30);
        assertThat(f.ec2.mutatingActions()).containsExactly("AssignPrivateIpAddresses");
    }

    @Test
    void holderReportsEachState() throws Exception {
        AwsProvider p = provider();
        ProviderHolder none = p.holder();
        assertThat(none.machineId()).isEmpty();
        assertThat(none.settled()).isTrue();

        f.ec2.assignNow(f.enisA.get(1), VIP);
        ProviderHolder onA = p.holder();
        assertThat(onA.machineId()).contains(A);
        assertThat(onA.settled()).isTrue();
        assertThat(onA.detail()).contains(f.enisA.get(1));

        f.ec2.assignNow(f.enisB.get(0), VIP);
        ProviderHolder mixed = p.holder();
        assertThat(mixed.settled()).isFalse();
        assertThat(mixed.isHeldBy(A)).isFalse();
        assertThat(mixed.detail()).contains(f.enisA.get(1), f.enisB.get(0));
    }

    @Test
    void theSameAddressInAnotherVpcIsNotMistakenForTheHolder() throws Exception {
        String other = f.ec2.addInstance("i-0ccccccccccccccc3", "vpc-0fedcba9876543210", "10.0.1.13").getFirst();
        f.ec2.assignNow(other, VIP);
        f.ec2.assignNow(f.enisA.get(0), VIP);
        AwsProvider p = provider();

        p.assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.interfacesWith(VIP)).containsExactlyInAnyOrder(f.enisB.get(0), other);
        ProviderHolder h = p.holder();
        assertThat(h.isHeldBy(B)).as(h.detail()).isTrue();
    }

    @Test
    void throttlingIsRetriedAfterAtLeastOneRefillSecond() throws Exception {
        f.ec2.assignNow(f.enisA.get(0), VIP);
        f.ec2.throttle("AssignPrivateIpAddresses", 1, 0.5);
        f.ec2.drain("AssignPrivateIpAddresses");

        provider().assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.interfacesWith(VIP)).containsExactly(f.enisB.get(0));
        assertThat(f.observed).containsSubsequence("AssignPrivateIpAddresses rate_limited",
                "AssignPrivateIpAddresses rate_limited", "AssignPrivateIpAddresses success");
        assertThat(f.retryWaits).hasSize(2)
                .allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Ec2Errors.THROTTLE_WAIT));
    }

    @Test
    void anOutageDuringFailoverIsRetriedAndEndsWithTheNewMasterHolding() throws Exception {
        f.ec2.assignNow(f.enisA.get(0), VIP);
        f.ec2.remapDelay(Duration.ofSeconds(2));
        f.ec2.down(true);
        f.atRetryWait(3, () -> f.ec2.down(false));

        provider().assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.interfacesWith(VIP)).containsExactly(f.enisB.get(0));
        assertThat(f.retryWaits).hasSize(3);
        assertThat(f.ec2.mutatingActions()).containsExactly("AssignPrivateIpAddresses");
    }

    @Test
    void anOutageWhileWaitingForTheRemapIsRetriedToo() throws Exception {
        f.ec2.assignNow(f.enisA.get(0), VIP);
        f.ec2.remapDelay(Duration.ofSeconds(2));
        AtomicBoolean once = new AtomicBoolean();
        f.remapWait = new RemapWait(Duration.ofSeconds(1), Duration.ofSeconds(30), d -> {
            f.clock.advance(d);
            if (once.compareAndSet(false, true)) {
                f.ec2.down(true);
                f.atRetryWait(1, () -> f.ec2.down(false));
            }
        });

        provider().assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.interfacesWith(VIP)).containsExactly(f.enisB.get(0));
        assertThat(f.retryWaits).hasSize(1);
        assertThat(f.ec2.mutatingActions()).containsExactly("AssignPrivateIpAddresses");
    }

    @Test
    void aMemberThatStepsDownBetweenRetriesSendsNoFurtherMutatingRequest() {
        f.ec2.assignNow(f.enisA.get(0), VIP);
        f.ec2.failNextAction("AssignPrivateIpAddresses", 1, Ec2Wire.error(503, "Unavailable",
                "The service is unavailable. Please try again shortly."));
        AtomicBoolean master = new AtomicBoolean(true);
        f.atRetryWait(1, () -> master.set(false));

        ProviderException e = failure(() -> provider().assign(MEMBER_B, master::get));

        assertThat(e.kind()).isEqualTo(Kind.STEPPED_DOWN);
        assertThat(f.ec2.mutatingActions()).containsExactly("AssignPrivateIpAddresses");
        assertThat(f.ec2.interfacesWith(VIP)).containsExactly(f.enisA.get(0));
    }

    @Test
    void aMemberThatStepsDownWhileWaitingForTheRemapStopsWaiting() {
        f.ec2.assignNow(f.enisA.get(0), VIP);
        f.ec2.remapDelay(Duration.ofSeconds(10));
        AtomicBoolean master = new AtomicBoolean(true);
        f.remapWait = new RemapWait(Duration.ofSeconds(1), Duration.ofSeconds(30), d -> {
            f.clock.advance(d);
            master.set(false);
        });

        ProviderException e = failure(() -> provider().assign(MEMBER_B, master::get));

        assertThat(e.kind()).isEqualTo(Kind.STEPPED_DOWN);
        assertThat(f.ec2.mutatingActions()).containsExactly("AssignPrivateIpAddresses");
        assertThat(f.ec2.count("DescribeNetworkInterfaces")).isEqualTo(3);
    }

    @Test
    void anUnknownAccessKeyIsPermanentAndNotRetried() {
        ProviderException e = failure(() -> f.provider(f.spec(AwsSpec.Mode.secondaryPrivateIp),
                AwsFixture.keys("AKIAUNKNOWN000000000", SECRET_KEY)).assign(MEMBER_B, MasterGuard.ALWAYS));

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains(AwsFixture.SECRET_SOURCE, "accessKeyId").doesNotContain(SECRET_KEY);
        assertThat(f.ec2.requests()).hasSize(1);
        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void releaseUnassignsOnlyFromTheGivenHolder() throws Exception {
        f.ec2.assignNow(f.enisA.get(0), VIP);
        AwsProvider p = provider();

        p.release(MEMBER_B, MasterGuard.ALWAYS);
        assertThat(f.ec2.mutatingActions()).isEmpty();

        p.release(MEMBER_A, MasterGuard.ALWAYS);
        assertThat(f.ec2.mutatingActions()).containsExactly("UnassignPrivateIpAddresses");
        assertThat(f.ec2.interfacesWith(VIP)).isEmpty();
        assertThat(p.holder().machineId()).isEmpty();
    }

    @Test
    void releaseWhenTheAddressMovedMeanwhileIsSuccess() throws Exception {
        f.ec2.assignNow(f.enisA.get(0), VIP);
        f.ec2.failNextAction("UnassignPrivateIpAddresses", 1, () -> {
            f.ec2.interfacesWith(VIP); // the state as it is
            f.ec2.assignNow(f.enisB.get(0), VIP);
            f.ec2.unassignNow(f.enisA.get(0), VIP);
            return Ec2Wire.error(400, "InvalidParameterValue", "Some of the specified addresses are not"
                    + " assigned to interface " + f.enisA.get(0));
        });

        provider().release(MEMBER_A, MasterGuard.ALWAYS);

        assertThat(f.ec2.interfacesWith(VIP)).containsExactly(f.enisB.get(0));
        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void anIpv6AddressIsPermanentWithoutARequest() {
        AwsProvider p = f.provider(f.spec(AwsSpec.Mode.secondaryPrivateIp), AwsFixture.keys(ACCESS_KEY, SECRET_KEY),
                "2001:db8::10");

        ProviderException e = failure(() -> p.assign(MEMBER_B, MasterGuard.ALWAYS));

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains("IPv6", "2001:db8::10");
        assertThat(f.ec2.requests()).isEmpty();
    }

    @Test
    void anInterfaceWithoutAnIdInTheAnswerIsAClearErrorNotANullPointer() {
        f.policy = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2));
        f.ec2.failNextAction("DescribeNetworkInterfaces", 1, Ec2Wire.ok("DescribeNetworkInterfaces",
                "<networkInterfaceSet><item><attachment><instanceId>" + B + "</instanceId></attachment>"
                        + "</item></networkInterfaceSet>"));

        ProviderException e = failure(() -> provider().holder());

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).contains("incomplete", "networkInterfaceId");
    }

    @Test
    void anAttachmentWithoutADeviceIndexIsAClearErrorNotANullPointer() {
        f.policy = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2));
        f.ec2.failNextAction("DescribeNetworkInterfaces", 1, Ec2Wire.ok("DescribeNetworkInterfaces",
                "<networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId><attachment><instanceId>"
                        + B + "</instanceId></attachment></item></networkInterfaceSet>"));

        ProviderException e = failure(() -> provider().assign(MEMBER_B, MasterGuard.ALWAYS));

        assertThat(e.getMessage()).contains("incomplete", "deviceIndex");
        assertThat(f.ec2.mutatingActions()).isEmpty();
    }
}
