package dev.tandem.provider.aws;

import dev.tandem.api.v1alpha1.AwsSpec;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.sim.HttpSimulator.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.tandem.provider.aws.AwsFixture.A;
import static dev.tandem.provider.aws.AwsFixture.ACCESS_KEY;
import static dev.tandem.provider.aws.AwsFixture.ALLOCATION;
import static dev.tandem.provider.aws.AwsFixture.B;
import static dev.tandem.provider.aws.AwsFixture.MEMBER_A;
import static dev.tandem.provider.aws.AwsFixture.MEMBER_B;
import static dev.tandem.provider.aws.AwsFixture.SECRET_KEY;
import static dev.tandem.provider.aws.AwsFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

/** The elasticIp mode against the EC2 simulator: AssociateAddress of an Elastic IP to the active member. */
class AwsElasticIpTest {
    private final AwsFixture f = new AwsFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private AwsProvider provider() {
        return f.provider(AwsSpec.Mode.elasticIp);
    }

    @Test
    void cleanFailoverMovesTheElasticIpToTheNewMastersInterfaceWithReassociation() throws Exception {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));
        AwsProvider p = provider();
        assertThat(p.holder().isHeldBy(A)).isTrue();

        p.assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.elasticIpInterface(ALLOCATION)).contains(f.enisB.get(0));
        ProviderHolder after = p.holder();
        assertThat(after.isHeldBy(B)).isTrue();
        assertThat(after.isHeldBy(A)).isFalse();
        assertThat(f.ec2.mutatingActions()).containsExactly("AssociateAddress");
        Map<String, String> sent = Ec2Wire.form(f.ec2.requests().stream()
                .filter(r -> r.body().contains("Action=AssociateAddress")).findFirst().orElseThrow().body());
        assertThat(sent).containsEntry("AllocationId", ALLOCATION)
                .containsEntry("NetworkInterfaceId", f.enisB.get(0))
                .containsEntry("AllowReassociation", "true")
                .doesNotContainKey("InstanceId");
        assertThat(f.observed).contains("AssociateAddress success", "DescribeAddresses success",
                "DescribeNetworkInterfaces success");
        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void alreadyOnTheTargetInterfaceIsSuccessWithoutAMutatingCall() throws Exception {
        f.ec2.associateNow(ALLOCATION, f.enisB.get(0));

        provider().assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.mutatingActions()).isEmpty();
        assertThat(f.ec2.elasticIpInterface(ALLOCATION)).contains(f.enisB.get(0));
    }

    @Test
    void theDeviceIndexPicksTheInterfaceEvenOnTheSameInstance() throws Exception {
        f.ec2.associateNow(ALLOCATION, f.enisB.get(0));
        AwsSpec spec = f.spec(AwsSpec.Mode.elasticIp);
        spec.deviceIndex = 1;

        f.provider(spec, AwsFixture.keys(ACCESS_KEY, SECRET_KEY)).assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.elasticIpInterface(ALLOCATION)).contains(f.enisB.get(1));
        assertThat(f.ec2.mutatingActions()).containsExactly("AssociateAddress");
    }

    @Test
    void holderReportsEachState() throws Exception {
        AwsProvider p = provider();
        ProviderHolder none = p.holder();
        assertThat(none.machineId()).isEmpty();
        assertThat(none.settled()).isTrue();
        assertThat(none.detail()).contains("not associated");

        f.ec2.associateNow(ALLOCATION, f.enisA.get(1));
        ProviderHolder onA = p.holder();
        assertThat(onA.machineId()).contains(A);
        assertThat(onA.settled()).isTrue();
        assertThat(onA.detail()).contains(AwsFixture.EIP, f.enisA.get(1));
    }

    @Test
    void alreadyAssociatedRefusalIsBusyAndRetriedUntilTheAssociationGoesThrough() throws Exception {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));
        f.ec2.failNextAction("AssociateAddress", 1, Ec2Wire.error(400, "Resource.AlreadyAssociated",
                "resource " + ALLOCATION + " is already associated with associate-id eipassoc-1"));

        provider().assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.elasticIpInstance(ALLOCATION)).contains(B);
        assertThat(f.ec2.count("AssociateAddress")).isEqualTo(2);
        assertThat(f.observed).contains("AssociateAddress busy");
        assertThat(f.retryWaits).hasSize(1);
    }

    @Test
    void alreadyAssociatedWithTheTargetMeanwhileIsSuccess() throws Exception {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));
        // Someone else (the operator, say) associated it with B between our look and our call.
        f.ec2.failNextAction("AssociateAddress", 1, () -> {
            f.ec2.associateNow(ALLOCATION, f.enisB.get(0));
            return Ec2Wire.error(400, "Resource.AlreadyAssociated", "resource is already associated");
        });

        provider().assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.elasticIpInstance(ALLOCATION)).contains(B);
        assertThat(f.ec2.count("AssociateAddress")).isEqualTo(1);
        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void throttlingIsRetriedAfterAtLeastOneRefillSecond() throws Exception {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));
        f.ec2.throttle("AssociateAddress", 1, 1.0);
        f.ec2.drain("AssociateAddress");

        provider().assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.elasticIpInstance(ALLOCATION)).contains(B);
        assertThat(f.observed).containsSubsequence("AssociateAddress rate_limited", "AssociateAddress success");
        assertThat(f.retryWaits).hasSize(1);
        assertThat(f.retryWaits.getFirst()).isGreaterThanOrEqualTo(Ec2Errors.THROTTLE_WAIT);
    }

    @Test
    void anOutageDuringFailoverIsRetriedAndEndsWithTheNewMasterHolding() throws Exception {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));
        f.ec2.down(true);
        f.atRetryWait(2, () -> f.ec2.down(false));

        provider().assign(MEMBER_B, MasterGuard.ALWAYS);

        assertThat(f.ec2.elasticIpInstance(ALLOCATION)).contains(B);
        assertThat(f.retryWaits).hasSize(2);
        assertThat(f.observed).contains("DescribeAddresses transient");
    }

    @Test
    void anOutageLongerThanTheRetriesFailsTransientlyAndMovesNothing() {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));
        f.ec2.down(true);

        ProviderException e = failure(() -> provider().assign(MEMBER_B, MasterGuard.ALWAYS));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).contains("gave up after 4 attempts");
        assertThat(f.ec2.elasticIpInstance(ALLOCATION)).contains(A);
        assertThat(f.retryWaits).hasSize(3);
    }

    @Test
    void aMemberThatStepsDownBetweenRetriesSendsNoFurtherMutatingRequest() throws Exception {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));
        f.ec2.failNextAction("AssociateAddress", 1, Ec2Wire.error(500, "InternalError",
                "An internal error has occurred"));
        AtomicBoolean master = new AtomicBoolean(true);
        f.atRetryWait(1, () -> master.set(false));

        ProviderException e = failure(() -> provider().assign(MEMBER_B, master::get));

        assertThat(e.kind()).isEqualTo(Kind.STEPPED_DOWN);
        assertThat(f.ec2.mutatingActions()).containsExactly("AssociateAddress");
        assertThat(f.ec2.elasticIpInstance(ALLOCATION)).contains(A);
    }

    @Test
    void aMemberThatIsNoLongerMasterSendsNoMutatingRequestAtAll() {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));

        ProviderException e = failure(() -> provider().assign(MEMBER_B, () -> false));

        assertThat(e.kind()).isEqualTo(Kind.STEPPED_DOWN);
        assertThat(f.ec2.mutatingActions()).isEmpty();
    }

    @Test
    void anUnknownAccessKeyIsPermanentNamesTheSecretAndIsNotRetried() {
        ProviderException e = failure(() -> f.provider(f.spec(AwsSpec.Mode.elasticIp),
                AwsFixture.keys("AKIAUNKNOWN000000000", SECRET_KEY)).assign(MEMBER_B, MasterGuard.ALWAYS));

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.getMessage()).contains(AwsFixture.SECRET_SOURCE, "accessKeyId", "secretAccessKey")
                .doesNotContain(SECRET_KEY);
        assertThat(f.ec2.requests()).hasSize(1);
        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void aWrongSecretKeyFailsTheSignatureAndIsPermanent() {
        String wrong = "wrongSecretKey0123456789abcdefghijklmnop";
        ProviderException e = failure(() -> f.provider(f.spec(AwsSpec.Mode.elasticIp),
                AwsFixture.keys(ACCESS_KEY, wrong)).holder());

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.getMessage()).contains("secretAccessKey").doesNotContain(wrong).doesNotContain(SECRET_KEY);
        assertThat(f.ec2.requests()).hasSize(1);
    }

    @Test
    void aSecretWithoutTheSecretKeyIsPermanentBeforeAnyRequest() {
        Credentials partial = new Credentials(AwsFixture.SECRET_SOURCE, Map.of("accessKeyId", ACCESS_KEY));

        ProviderException e = failure(() -> f.provider(f.spec(AwsSpec.Mode.elasticIp), partial)
                .assign(MEMBER_B, MasterGuard.ALWAYS));

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains(AwsFixture.SECRET_SOURCE, "secretAccessKey").doesNotContain(ACCESS_KEY);
        assertThat(f.ec2.requests()).isEmpty();
    }

    @Test
    void anUnknownAllocationIdIsPermanentAndSaysWhatToCheck() {
        AwsSpec spec = f.spec(AwsSpec.Mode.elasticIp);
        spec.allocationId = "eipalloc-00000000000000000";

        ProviderException e = failure(() -> f.provider(spec, AwsFixture.keys(ACCESS_KEY, SECRET_KEY))
                .assign(MEMBER_B, MasterGuard.ALWAYS));

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.code()).isEqualTo("InvalidAllocationID.NotFound");
        assertThat(e.getMessage()).contains("aws.allocationId", "aws.region");
        assertThat(f.ec2.requests()).hasSize(1);
    }

    @Test
    void aSpecWithoutAnAllocationIdIsPermanentWithoutARequest() {
        AwsSpec spec = f.spec(AwsSpec.Mode.elasticIp);
        spec.allocationId = null;

        ProviderException e = failure(() -> f.provider(spec, AwsFixture.keys(ACCESS_KEY, SECRET_KEY)).holder());

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains("aws.allocationId is required");
        assertThat(f.ec2.requests()).isEmpty();
    }

    @Test
    void anInstanceWithoutAnInterfaceAtTheDeviceIndexIsPermanent() {
        AwsSpec spec = f.spec(AwsSpec.Mode.elasticIp);
        spec.deviceIndex = 5;

        ProviderException e = failure(() -> f.provider(spec, AwsFixture.keys(ACCESS_KEY, SECRET_KEY))
                .assign(MEMBER_B, MasterGuard.ALWAYS));

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains(B, "device index 5", "aws.deviceIndex");
        assertThat(f.ec2.mutatingActions()).isEmpty();
    }

    @Test
    void aMemberWithoutAnInstanceIdIsPermanentWithoutARequest() {
        ProviderException e = failure(() -> provider().assign(new Member("lb-c", ""), MasterGuard.ALWAYS));

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains("lb-c", "providerID");
        assertThat(f.ec2.requests()).isEmpty();
    }

    @Test
    void releaseDisassociatesOnlyFromTheGivenHolder() throws Exception {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));
        AwsProvider p = provider();

        p.release(MEMBER_B, MasterGuard.ALWAYS);
        assertThat(f.ec2.mutatingActions()).isEmpty();
        assertThat(f.ec2.elasticIpInstance(ALLOCATION)).contains(A);

        p.release(MEMBER_A, MasterGuard.ALWAYS);
        assertThat(f.ec2.mutatingActions()).containsExactly("DisassociateAddress");
        assertThat(f.ec2.elasticIpInstance(ALLOCATION)).isEmpty();
        assertThat(p.holder().machineId()).isEmpty();
    }

    @Test
    void releaseOfAnAssociationThatEndedMeanwhileIsSuccess() throws Exception {
        f.ec2.associateNow(ALLOCATION, f.enisA.get(0));
        f.ec2.failNextAction("DisassociateAddress", 1, Ec2Wire.error(400, "InvalidAssociationID.NotFound",
                "The association ID 'eipassoc-1' does not exist"));

        provider().release(MEMBER_A, MasterGuard.ALWAYS);

        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void anAnswerThatIsNotXmlIsAClearTransientError() {
        f.policy = new dev.tandem.provider.RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        f.ec2.failNextAction("DescribeAddresses", 1, new Response(200, Map.of("Content-Type", "text/html"),
                "<html><body>captive portal</body>"));

        ProviderException e = failure(() -> provider().holder());

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.operation()).isEqualTo("DescribeAddresses");
        assertThat(e.getMessage()).contains("EC2");
    }

    @Test
    void anAnswerWithoutTheFieldsWeNeedIsAClearErrorNotANullPointer() {
        f.policy = new dev.tandem.provider.RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        f.ec2.failNextAction("DescribeAddresses", 1, Ec2Wire.ok("DescribeAddresses",
                "<addressesSet><item><allocationId>" + ALLOCATION + "</allocationId></item></addressesSet>"));
        f.ec2.failNextAction("DescribeNetworkInterfaces", 1, Ec2Wire.ok("DescribeNetworkInterfaces",
                "<networkInterfaceSet><item><vpcId>vpc-1</vpcId></item></networkInterfaceSet>"));
        AwsProvider p = provider();

        ProviderException noIp = failure(p::holder);
        assertThat(noIp.getMessage()).contains("incomplete", "publicIp");

        ProviderException noId = failure(() -> p.assign(MEMBER_B, MasterGuard.ALWAYS));
        assertThat(noId.getMessage()).contains("incomplete", "networkInterfaceId");
        assertThat(List.of(noIp.kind(), noId.kind())).containsOnly(Kind.TRANSIENT);
        assertThat(f.ec2.mutatingActions()).isEmpty();
    }

    @Test
    void anEmptyAddressListIsPermanentNotFound() {
        f.ec2.failNextAction("DescribeAddresses", 1, Ec2Wire.ok("DescribeAddresses",
                "<addressesSet/>"));

        ProviderException e = failure(() -> provider().holder());

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains(ALLOCATION, "aws.allocationId");
    }
}
