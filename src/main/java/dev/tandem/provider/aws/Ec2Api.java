package dev.tandem.provider.aws;

import dev.tandem.provider.CallObserver;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.NetworkInterfaceAttachment;
import software.amazon.awssdk.services.ec2.model.NetworkInterfacePrivateIpAddress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The EC2 calls the provider makes, one SDK request each: timed for the {@link CallObserver} under the API's
 * operation name, failures classified by {@link Ec2Errors}, and the SDK's answers turned into small records that are
 * checked for the fields the provider relies on (an answer without them is a clear error, not a
 * NullPointerException later).
 */
final class Ec2Api {
    /** An Elastic IP as DescribeAddresses reports it; the association fields are empty while it is unassociated. */
    record ElasticIp(String allocationId, String publicIp, Optional<String> associationId,
            Optional<String> instanceId, Optional<String> networkInterfaceId) {
        String describe() {
            return "Elastic IP " + publicIp + " (" + allocationId + ")" + instanceId.map(i -> " on " + i).orElse("")
                    + networkInterfaceId.map(n -> " via " + n).orElse("");
        }
    }

    /**
     * A network interface as DescribeNetworkInterfaces reports it.
     *
     * @param instanceId empty when the interface is not attached
     */
    record Eni(String id, String vpcId, Optional<String> instanceId, int deviceIndex, List<String> privateIps) {
        String describe() {
            return id + instanceId.map(i -> " of " + i).orElse(" (not attached)");
        }
    }

    @FunctionalInterface
    interface ClientSource {
        Ec2Client get() throws ProviderException;
    }

    private final ClientSource client;
    private final Ec2Errors errors;
    private final CallObserver observer;
    private final Clock clock;

    Ec2Api(ClientSource client, Ec2Errors errors, CallObserver observer, Clock clock) {
        this.client = client;
        this.errors = errors;
        this.observer = observer;
        this.clock = clock;
    }

    ElasticIp describeAddress(String allocationId) throws ProviderException {
        String op = "DescribeAddresses";
        List<Address> found = call(op, c -> c.describeAddresses(r -> r.allocationIds(allocationId)).addresses());
        Address a = found.stream().filter(x -> allocationId.equals(x.allocationId())).findFirst()
                .orElseThrow(() -> new ProviderException(Kind.PERMANENT, AwsProvider.NAME, op,
                        "EC2 reported no Elastic IP with allocation id " + allocationId
                                + " (check aws.allocationId and aws.region)"));
        if (a.publicIp() == null) {
            throw malformed(op, "the Elastic IP " + allocationId + " has no publicIp");
        }
        return new ElasticIp(allocationId, a.publicIp(), present(a.associationId()), present(a.instanceId()),
                present(a.networkInterfaceId()));
    }

    /** The interface attached to {@code instanceId} at {@code deviceIndex}, if the instance has one there. */
    Optional<Eni> interfaceAt(String instanceId, int deviceIndex) throws ProviderException {
        List<Eni> found = describeInterfaces(List.of(
                filter("attachment.instance-id", instanceId),
                filter("attachment.device-index", Integer.toString(deviceIndex))));
        return found.stream()
                .filter(e -> e.instanceId().filter(instanceId::equals).isPresent() && e.deviceIndex() == deviceIndex)
                .findFirst();
    }

    /** The interfaces that have {@code address} as one of their private IPv4 addresses, in {@code vpcId} if known. */
    List<Eni> interfacesWith(String address, Optional<String> vpcId) throws ProviderException {
        List<Filter> filters = new ArrayList<>();
        filters.add(filter("addresses.private-ip-address", address));
        vpcId.ifPresent(v -> filters.add(filter("vpc-id", v)));
        return describeInterfaces(filters).stream().filter(e -> e.privateIps().contains(address)).toList();
    }

    String associateAddress(String allocationId, String networkInterfaceId) throws ProviderException {
        String op = "AssociateAddress";
        String id = call(op, c -> c.associateAddress(r -> r.allocationId(allocationId)
                .networkInterfaceId(networkInterfaceId).allowReassociation(true)).associationId());
        if (id == null || id.isBlank()) {
            throw malformed(op, "the answer has no associationId");
        }
        return id;
    }

    void disassociateAddress(String associationId) throws ProviderException {
        call("DisassociateAddress", c -> c.disassociateAddress(r -> r.associationId(associationId)));
    }

    void assignPrivateIp(String networkInterfaceId, String address) throws ProviderException {
        call("AssignPrivateIpAddresses", c -> c.assignPrivateIpAddresses(r -> r.networkInterfaceId(networkInterfaceId)
                .privateIpAddresses(address).allowReassignment(true)));
    }

    void unassignPrivateIp(String networkInterfaceId, String address) throws ProviderException {
        call("UnassignPrivateIpAddresses", c -> c.unassignPrivateIpAddresses(r -> r
                .networkInterfaceId(networkInterfaceId).privateIpAddresses(address)));
    }

    private List<Eni> describeInterfaces(List<Filter> filters) throws ProviderException {
        String op = "DescribeNetworkInterfaces";
        List<NetworkInterface> found = call(op, c -> c.describeNetworkInterfaces(r -> r.filters(filters))
                .networkInterfaces());
        List<Eni> result = new ArrayList<>(found.size());
        for (NetworkInterface n : found) {
            if (n.networkInterfaceId() == null || n.networkInterfaceId().isBlank()) {
                throw malformed(op, "a network interface in the answer has no networkInterfaceId");
            }
            NetworkInterfaceAttachment at = n.attachment();
            Optional<String> instance = at == null ? Optional.empty() : present(at.instanceId());
            if (instance.isPresent() && at.deviceIndex() == null) {
                throw malformed(op, "the attachment of " + n.networkInterfaceId() + " has no deviceIndex");
            }
            List<String> ips = n.privateIpAddresses().stream().map(NetworkInterfacePrivateIpAddress::privateIpAddress)
                    .filter(Objects::nonNull).toList();
            result.add(new Eni(n.networkInterfaceId(), n.vpcId() == null ? "" : n.vpcId(), instance,
                    instance.isPresent() ? at.deviceIndex() : -1, ips));
        }
        return result;
    }

    @FunctionalInterface
    private interface SdkCall<T> {
        T on(Ec2Client client);
    }

    private <T> T call(String operation, SdkCall<T> sdkCall) throws ProviderException {
        Ec2Client c = client.get();
        Instant start = clock.instant();
        String outcome = "success";
        try {
            return sdkCall.on(c);
        } catch (SdkException e) {
            ProviderException p = errors.map(operation, e);
            outcome = p.kind().label();
            throw p;
        } catch (RuntimeException e) {
            // The SDK's own parsing threw something unplanned: report it as an unreadable answer, not a crash.
            outcome = Kind.TRANSIENT.label();
            throw new ProviderException(Kind.TRANSIENT, AwsProvider.NAME, operation, 0, "unreadable", null,
                    "could not read EC2's answer: " + e, e);
        } finally {
            observer.called(AwsProvider.NAME, operation, outcome, Duration.between(start, clock.instant()));
        }
    }

    private static Filter filter(String name, String value) {
        return Filter.builder().name(name).values(value).build();
    }

    private static Optional<String> present(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    private static ProviderException malformed(String operation, String what) {
        return new ProviderException(Kind.TRANSIENT, AwsProvider.NAME, operation, 200, "malformed", null,
                "EC2's answer is incomplete: " + what, null);
    }
}
