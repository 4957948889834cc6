package dev.tandem.provider.aws;

import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.Retrier;
import dev.tandem.provider.aws.Ec2Api.Eni;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The floating address as a secondary private IPv4 address of the network interface at {@code deviceIndex} of the
 * active member's instance (the keepalived-on-AWS pattern): AssignPrivateIpAddresses with {@code AllowReassignment},
 * then looks at DescribeNetworkInterfaces until the target interface has it, because EC2 remaps asynchronously.
 *
 * <p>Unlike the Elastic IP mode, assign sends AssignPrivateIpAddresses even when the target already shows the
 * address: EC2 shows no pending remap, so a member that stepped up and down a moment ago may have a remap in flight
 * that would otherwise land after ours and take the address away. The call is idempotent for the target.
 */
final class SecondaryPrivateIpMode implements AddressMode {
    private final Ec2Api api;
    private final Retrier retrier;
    private final String address;
    private final int deviceIndex;
    private final String region;
    private final RemapWait wait;
    private final Clock clock;
    /** The VPC of the interfaces seen so far: private addresses are unique only within a VPC. */
    private volatile Optional<String> vpc = Optional.empty();

    SecondaryPrivateIpMode(Ec2Api api, Retrier retrier, String address, int deviceIndex, String region,
            RemapWait wait, Clock clock) {
        this.api = api;
        this.retrier = retrier;
        this.address = address;
        this.deviceIndex = deviceIndex;
        this.region = region;
        this.wait = wait;
        this.clock = clock;
    }

    @Override
    public ProviderHolder holder() throws ProviderException, InterruptedException {
        List<Eni> holders = retrier.call(() -> api.interfacesWith(address, vpc));
        if (holders.isEmpty()) {
            return new ProviderHolder(Optional.empty(), true, address + " is on no network interface");
        }
        if (holders.size() > 1) {
            return ProviderHolder.pending(Optional.empty(), address + " is on several network interfaces: "
                    + describe(holders));
        }
        Eni eni = holders.getFirst();
        return new ProviderHolder(eni.instanceId(), true, address + " on " + eni.describe());
    }

    @Override
    public void assign(Member target, MasterGuard guard) throws ProviderException, InterruptedException {
        AddressMode.requireInstance(target, "AssignPrivateIpAddresses");
        requireIpv4();
        Eni eni = retrier.call(() -> {
            Eni e = api.interfaceAt(target.machineId(), deviceIndex).orElseThrow(() -> AddressMode.noInterface(target,
                    deviceIndex, region, "AssignPrivateIpAddresses"));
            if (!e.vpcId().isEmpty()) {
                vpc = Optional.of(e.vpcId());
            }
            guard.check(AwsProvider.NAME, "AssignPrivateIpAddresses");
            api.assignPrivateIp(e.id(), address);
            return e;
        });
        awaitRemap(eni, guard);
    }

    /** Looks until {@code eni} has the address, the deadline passes or the caller steps down. */
    private void awaitRemap(Eni eni, MasterGuard guard) throws ProviderException, InterruptedException {
        Instant deadline = clock.instant().plus(wait.deadline());
        List<Eni> holders = List.of();
        for (long look = 1; look <= wait.maxLooks(); look++) {
            holders = retrier.call(() -> api.interfacesWith(address, vpc));
            if (holders.stream().anyMatch(h -> h.id().equals(eni.id()))) {
                return;
            }
            if (!clock.instant().isBefore(deadline)) {
                break;
            }
            // Not a mutating call, but a member that stepped down leaves the waiting to the new master as well.
            guard.check(AwsProvider.NAME, "AssignPrivateIpAddresses");
            wait.sleeper().sleep(wait.interval());
        }
        throw new ProviderException(Kind.TRANSIENT, AwsProvider.NAME, "AssignPrivateIpAddresses", 0,
                "remap-timeout", null, "EC2 accepted the move of " + address + " to " + eni.describe()
                + " but did not show it there within " + wait.deadline().toSeconds() + " s; it is on "
                + (holders.isEmpty() ? "no interface" : describe(holders)), null);
    }

    @Override
    public void release(Member holder, MasterGuard guard) throws ProviderException, InterruptedException {
        if (!holder.hasMachineId()) {
            return;
        }
        retrier.call(() -> {
            Optional<Eni> held = heldBy(holder);
            if (held.isEmpty()) {
                return null;
            }
            guard.check(AwsProvider.NAME, "UnassignPrivateIpAddresses");
            try {
                api.unassignPrivateIp(held.get().id(), address);
            } catch (ProviderException e) {
                // EC2 refuses to unassign an address the interface no longer has; if it moved meanwhile, the
                // holder has let go of it all the same.
                if (!"InvalidParameterValue".equals(e.code()) || heldBy(holder).isPresent()) {
                    throw e;
                }
            }
            return null;
        });
    }

    private Optional<Eni> heldBy(Member holder) throws ProviderException {
        return api.interfacesWith(address, vpc).stream()
                .filter(e -> e.instanceId().filter(holder.machineId()::equals).isPresent()).findFirst();
    }

    private void requireIpv4() throws ProviderException {
        if (address.indexOf(':') >= 0) {
            throw new ProviderException(Kind.PERMANENT, AwsProvider.NAME, "AssignPrivateIpAddresses",
                    "the secondaryPrivateIp mode moves IPv4 addresses; " + address + " is IPv6; use an IPv4"
                            + " address");
        }
    }

    private static String describe(List<Eni> enis) {
        return enis.stream().map(Eni::describe).collect(Collectors.joining(", "));
    }
}
