package dev.tandem.provider.aws;

import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHolder;

/** How the address is moved: an Elastic IP association, or a secondary private IP on a network interface. */
interface AddressMode {
    ProviderHolder holder() throws ProviderException, InterruptedException;

    void assign(Member target, MasterGuard guard) throws ProviderException, InterruptedException;

    void release(Member holder, MasterGuard guard) throws ProviderException, InterruptedException;

    /** A member is an EC2 instance here; without its instance id there is nothing to move the address to. */
    static void requireInstance(Member m, String operation) throws ProviderException {
        if (!m.hasMachineId()) {
            throw new ProviderException(Kind.PERMANENT, AwsProvider.NAME, operation, "member " + m.node()
                    + " has no EC2 instance id: its node needs a spec.providerID such as aws:///<zone>/<instance-id>,"
                    + " or the agent must learn it from the instance metadata service (aws.metadataUrl)");
        }
    }

    static ProviderException noInterface(Member m, int deviceIndex, String region, String operation) {
        return new ProviderException(Kind.PERMANENT, AwsProvider.NAME, operation, "instance " + m.machineId()
                + " (node " + m.node() + ") has no network interface at device index " + deviceIndex + " in "
                + region + ": check aws.deviceIndex, aws.region and the member's instance id");
    }
}
