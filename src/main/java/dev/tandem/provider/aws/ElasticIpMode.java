package dev.tandem.provider.aws;

import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.Retrier;
import dev.tandem.provider.aws.Ec2Api.ElasticIp;
import dev.tandem.provider.aws.Ec2Api.Eni;

import java.util.Optional;

/**
 * An Elastic IP associated with the network interface at {@code deviceIndex} of the active member's instance.
 * AssociateAddress is synchronous (EC2 has no action object for it) and, with {@code AllowReassociation}, takes the
 * address from whichever instance had it, so one call moves it; an Elastic IP already on the target interface needs
 * no call at all.
 */
final class ElasticIpMode implements AddressMode {
    private final Ec2Api api;
    private final Retrier retrier;
    private final String allocationId;
    private final int deviceIndex;
    private final String region;

    ElasticIpMode(Ec2Api api, Retrier retrier, String allocationId, int deviceIndex, String region) {
        this.api = api;
        this.retrier = retrier;
        this.allocationId = allocationId;
        this.deviceIndex = deviceIndex;
        this.region = region;
    }

    @Override
    public ProviderHolder holder() throws ProviderException, InterruptedException {
        ElasticIp eip = retrier.call(() -> api.describeAddress(allocationId));
        if (eip.instanceId().isPresent()) {
            return new ProviderHolder(eip.instanceId(), true, eip.describe());
        }
        String detail = eip.networkInterfaceId().isPresent()
                ? eip.describe() + ", an interface attached to no instance"
                : eip.describe() + ", not associated";
        return new ProviderHolder(Optional.empty(), true, detail);
    }

    @Override
    public void assign(Member target, MasterGuard guard) throws ProviderException, InterruptedException {
        AddressMode.requireInstance(target, "AssociateAddress");
        retrier.call(() -> {
            ElasticIp eip = api.describeAddress(allocationId);
            Eni eni = api.interfaceAt(target.machineId(), deviceIndex)
                    .orElseThrow(() -> AddressMode.noInterface(target, deviceIndex, region, "AssociateAddress"));
            if (isOn(eip, eni)) {
                return null;
            }
            guard.check(AwsProvider.NAME, "AssociateAddress");
            try {
                api.associateAddress(allocationId, eni.id());
            } catch (ProviderException e) {
                if (!"Resource.AlreadyAssociated".equals(e.code())) {
                    throw e;
                }
                // Only accounts whose reassociation default is off say this (we ask for reassociation); whoever has
                // the address now decides between done and try again.
                ElasticIp now = api.describeAddress(allocationId);
                if (isOn(now, eni)) {
                    return null;
                }
                throw new ProviderException(Kind.BUSY, AwsProvider.NAME, "AssociateAddress", e.httpStatus(),
                        e.code(), null, "EC2 refused to reassociate " + now.describe() + " to " + eni.describe()
                        + " (Resource.AlreadyAssociated); trying again", e);
            }
            return null;
        });
    }

    @Override
    public void release(Member holder, MasterGuard guard) throws ProviderException, InterruptedException {
        if (!holder.hasMachineId()) {
            return; // a member without an instance cannot hold an Elastic IP
        }
        retrier.call(() -> {
            ElasticIp eip = api.describeAddress(allocationId);
            if (eip.instanceId().filter(holder.machineId()::equals).isEmpty()) {
                return null;
            }
            String association = eip.associationId().orElseThrow(() -> new ProviderException(Kind.TRANSIENT,
                    AwsProvider.NAME, "DescribeAddresses", 200, "malformed", null, "EC2's answer is incomplete: "
                    + eip.describe() + " is on an instance but has no associationId", null));
            guard.check(AwsProvider.NAME, "DisassociateAddress");
            try {
                api.disassociateAddress(association);
            } catch (ProviderException e) {
                if (!"InvalidAssociationID.NotFound".equals(e.code())) {
                    throw e;
                }
                // The association ended between our look and our call: released either way.
            }
            return null;
        });
    }

    private static boolean isOn(ElasticIp eip, Eni eni) {
        return eip.networkInterfaceId().filter(eni.id()::equals).isPresent();
    }
}
