package dev.tandem.provider.aws;

import dev.tandem.provider.sim.HttpSimulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static dev.tandem.provider.aws.Ec2Wire.error;
import static dev.tandem.provider.aws.Ec2Wire.filters;
import static dev.tandem.provider.aws.Ec2Wire.form;
import static dev.tandem.provider.aws.Ec2Wire.list;
import static dev.tandem.provider.aws.Ec2Wire.ok;
import static dev.tandem.provider.aws.Ec2Wire.tag;

/**
 * The EC2 Query API as the SDK sends it (form-encoded POST to {@code /}, {@code Action=…&Version=2016-11-15})
 * for the actions the aws provider uses, with XML answers in EC2's envelopes (see {@link Ec2Wire}).
 *
 * <p>State: instances with network interfaces by device index, Elastic IPs and their associations, secondary private
 * IPs on interfaces (a remap becomes visible only after {@link #remapDelay}, and a later assignment of the same address
 * wins over one still in flight). Requests must carry a SigV4 Authorization header of a known access key whose
 * signature the simulator recomputes (401 AuthFailure otherwise). Switches: per-action token buckets (503
 * RequestLimitExceeded), the reassociation default of old accounts, the error code of an address in use (which the
 * API reference leaves unverified), and per-action injected answers.
 */
public final class Ec2Simulator extends HttpSimulator {
    public static final String VERSION = "2016-11-15";
    public static final Set<String> MUTATING = Set.of("AssociateAddress", "DisassociateAddress",
            "AssignPrivateIpAddresses", "UnassignPrivateIpAddresses");
    private static final Set<String> FILTERS = Set.of("attachment.instance-id", "attachment.device-index",
            "addresses.private-ip-address", "vpc-id", "network-interface-id");

    private static final class Eni {
        final String id;
        final String vpc;
        final String instance;
        final int deviceIndex;
        final String primaryIp;
        final Set<String> secondary = new LinkedHashSet<>();

        Eni(String id, String vpc, String instance, int deviceIndex, String primaryIp) {
            this.id = id;
            this.vpc = vpc;
            this.instance = instance;
            this.deviceIndex = deviceIndex;
            this.primaryIp = primaryIp;
        }

        boolean has(String ip) {
            return primaryIp.equals(ip) || secondary.contains(ip);
        }
    }

    private static final class Eip {
        final String allocationId;
        final String publicIp;
        String associationId;
        String eniId;

        Eip(String allocationId, String publicIp) {
            this.allocationId = allocationId;
            this.publicIp = publicIp;
        }
    }

    private record Remap(String eniId, Instant visibleAt) {
    }

    private static final class Bucket {
        final double capacity;
        final double refillPerSecond;
        double tokens;
        Instant last;

        Bucket(double capacity, double refillPerSecond, Instant now) {
            this.capacity = capacity;
            this.refillPerSecond = refillPerSecond;
            this.tokens = capacity;
            this.last = now;
        }

        boolean take(Instant now) {
            double seconds = Math.max(0, Duration.between(last, now).toNanos() / 1e9);
            tokens = Math.min(capacity, tokens + seconds * refillPerSecond);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private final Clock clock;
    private final String region;
    private final Map<String, String> keys = new HashMap<>();
    private final Map<String, Eni> enis = new LinkedHashMap<>();
    private final Map<String, Eip> eips = new LinkedHashMap<>();
    private final Map<String, Remap> remaps = new HashMap<>();
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Map<String, Deque<Supplier<Response>>> faults = new HashMap<>();
    private Duration remapDelay = Duration.ZERO;
    private boolean reassociationByDefault = true;
    private String inUseCode = "InvalidParameterValue";
    private long nextId = 0x1000;

    public Ec2Simulator(Clock clock, String region) {
        this.clock = clock;
        this.region = region;
        route("POST", "/", (req, m) -> handle(req));
    }

    // ---- set-up -------------------------------------------------------------------------------------------------

    public synchronized Ec2Simulator addKey(String accessKeyId, String secretAccessKey) {
        keys.put(accessKeyId, secretAccessKey);
        return this;
    }

    /** An instance with one network interface per primary address, at device index 0, 1, …; returns their ids. */
    public synchronized List<String> addInstance(String instanceId, String vpcId, String... primaryIps) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < primaryIps.length; i++) {
            Eni e = new Eni(newId("eni"), vpcId, instanceId, i, primaryIps[i]);
            enis.put(e.id, e);
            ids.add(e.id);
        }
        return ids;
    }

    public synchronized Ec2Simulator addElasticIp(String allocationId, String publicIp) {
        eips.put(allocationId, new Eip(allocationId, publicIp));
        return this;
    }

    /** Associates an Elastic IP directly (the state before a test). */
    public synchronized void associateNow(String allocationId, String eniId) {
        Eip eip = eips.get(allocationId);
        eip.eniId = eniId;
        eip.associationId = newId("eipassoc");
    }

    /** Puts a secondary private IP on an interface directly, at once. */
    public synchronized void assignNow(String eniId, String ip) {
        enis.get(eniId).secondary.add(ip);
    }

    /** Takes a secondary private IP off an interface directly, at once. */
    public synchronized void unassignNow(String eniId, String ip) {
        enis.get(eniId).secondary.remove(ip);
    }

    /** How long a remap of a secondary private IP takes until DescribeNetworkInterfaces shows it. */
    public synchronized void remapDelay(Duration d) {
        remapDelay = d;
    }

    /** What an AssociateAddress without AllowReassociation does: true today, false in old EC2-Classic accounts. */
    public synchronized void reassociationByDefault(boolean allowed) {
        reassociationByDefault = allowed;
    }

    /** The code of AssignPrivateIpAddresses without AllowReassignment for an address in use ([UNVERIFIED] in the
     * reference: InvalidParameterValue or InvalidIPAddress.InUse). */
    public synchronized void inUseCode(String code) {
        inUseCode = code;
    }

    /**
     * Answers the next {@code times} requests of {@code action} that pass authentication with {@code response}
     * instead of handling them; the supplier may also change the state (a concurrent change at the provider).
     */
    public synchronized void failNextAction(String action, int times, Supplier<Response> response) {
        Deque<Supplier<Response>> q = faults.computeIfAbsent(action, a -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            q.add(response);
        }
    }

    public void failNextAction(String action, int times, Response response) {
        failNextAction(action, times, () -> response);
    }

    /** Empties the bucket of {@code action}, so that its next request is throttled until the bucket refills. */
    public synchronized void drain(String action) {
        Bucket b = buckets.get(action);
        b.take(clock.instant());
        b.tokens = 0;
    }

    /** A token bucket for one action: {@code capacity} requests at once, refilled at {@code perSecond}. */
    public synchronized void throttle(String action, double capacity, double perSecond) {
        buckets.put(action, new Bucket(capacity, perSecond, clock.instant()));
    }

    // ---- inspection ---------------------------------------------------------------------------------------------

    /** The Action of every request received, in order (including rejected ones). */
    public List<String> actions() {
        return requests().stream().map(r -> form(r.body()).getOrDefault("Action", "?")).toList();
    }

    public List<String> mutatingActions() {
        return actions().stream().filter(MUTATING::contains).toList();
    }

    public long count(String action) {
        return actions().stream().filter(action::equals).count();
    }

    public synchronized String eni(String instanceId, int deviceIndex) {
        return enis.values().stream().filter(e -> instanceId.equals(e.instance) && e.deviceIndex == deviceIndex)
                .map(e -> e.id).findFirst().orElseThrow();
    }

    public synchronized Optional<String> elasticIpInstance(String allocationId) {
        Eip eip = eips.get(allocationId);
        return Optional.ofNullable(eip.eniId).map(enis::get).map(e -> e.instance);
    }

    public synchronized Optional<String> elasticIpInterface(String allocationId) {
        return Optional.ofNullable(eips.get(allocationId).eniId);
    }

    /** The interfaces that have {@code ip} as EC2 shows it now (remaps past their delay applied). */
    public synchronized List<String> interfacesWith(String ip) {
        applyRemaps();
        return enis.values().stream().filter(e -> e.has(ip)).map(e -> e.id).toList();
    }

    private Response handle(Request req) {
        Map<String, String> p = form(req.body());
        Response denied = authenticate(req);
        if (denied != null) {
            return denied;
        }
        String action = p.getOrDefault("Action", "");
        if (!VERSION.equals(p.get("Version"))) {
            return error(400, "InvalidParameterValue", "Version must be " + VERSION + ", got " + p.get("Version"));
        }
        Deque<Supplier<Response>> fault = faults.get(action);
        if (fault != null && !fault.isEmpty()) {
            return fault.poll().get();
        }
        Bucket bucket = buckets.get(action);
        if (bucket != null && !bucket.take(clock.instant())) {
            return error(503, "RequestLimitExceeded", "Request limit exceeded.");
        }
        applyRemaps();
        return switch (action) {
            case "DescribeAddresses" -> describeAddresses(p);
            case "DescribeNetworkInterfaces" -> describeNetworkInterfaces(p);
            case "AssociateAddress" -> associateAddress(p);
            case "DisassociateAddress" -> disassociateAddress(p);
            case "AssignPrivateIpAddresses" -> assignPrivateIpAddresses(p);
            case "UnassignPrivateIpAddresses" -> unassignPrivateIpAddresses(p);
            default -> error(400, "InvalidAction", "The action " + action + " is not valid for this web service.");
        };
    }

    private Response authenticate(Request req) {
        Optional<SigV4Check.Parsed> auth = SigV4Check.parse(req.header("Authorization"));
        if (auth.isEmpty()) {
            return error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
        }
        String secret = keys.get(auth.get().accessKeyId());
        if (secret == null || !"ec2".equals(auth.get().service()) || !region.equals(auth.get().region())
                || !SigV4Check.valid(req, auth.get(), secret)) {
            return error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
        }
        return null;
    }

    private Response describeAddresses(Map<String, String> p) {
        List<String> wanted = list(p, "AllocationId");
        for (String id : wanted) {
            if (!eips.containsKey(id)) {
                return error(400, "InvalidAllocationID.NotFound", "The allocation ID '" + id + "' does not exist");
            }
        }
        StringBuilder items = new StringBuilder();
        for (Eip e : eips.values()) {
            if (!wanted.isEmpty() && !wanted.contains(e.allocationId)) {
                continue;
            }
            items.append("    <item>\n").append(tag("publicIp", e.publicIp)).append(tag("allocationId", e.allocationId))
                    .append(tag("domain", "vpc"));
            if (e.eniId != null) {
                Eni eni = enis.get(e.eniId);
                if (eni.instance != null) {
                    items.append(tag("instanceId", eni.instance));
                }
                items.append(tag("associationId", e.associationId)).append(tag("networkInterfaceId", eni.id))
                        .append(tag("networkInterfaceOwnerId", "123456789012"))
                        .append(tag("privateIpAddress", eni.primaryIp));
            }
            items.append("    </item>\n");
        }
        return ok("DescribeAddresses", "  <addressesSet>\n" + items + "  </addressesSet>\n");
    }

    private Response describeNetworkInterfaces(Map<String, String> p) {
        Map<String, List<String>> filters = filters(p);
        for (String name : filters.keySet()) {
            if (!FILTERS.contains(name)) {
                return error(400, "InvalidParameterValue", "The filter '" + name + "' is invalid");
            }
        }
        List<String> ids = list(p, "NetworkInterfaceId");
        StringBuilder items = new StringBuilder();
        for (Eni e : enis.values()) {
            if (!ids.isEmpty() && !ids.contains(e.id)) {
                continue;
            }
            boolean match = true;
            for (Map.Entry<String, List<String>> f : filters.entrySet()) {
                List<String> v = f.getValue();
                match &= switch (f.getKey()) {
                    case "attachment.instance-id" -> e.instance != null && v.contains(e.instance);
                    case "attachment.device-index" -> e.instance != null && v.contains(Integer.toString(e.deviceIndex));
                    case "addresses.private-ip-address" -> v.stream().anyMatch(e::has);
                    case "vpc-id" -> v.contains(e.vpc);
                    case "network-interface-id" -> v.contains(e.id);
                    default -> false;
                };
            }
            if (!match) {
                continue;
            }
            items.append("    <item>\n").append(tag("networkInterfaceId", e.id)).append(tag("vpcId", e.vpc))
                    .append(tag("status", e.instance == null ? "available" : "in-use"))
                    .append(tag("privateIpAddress", e.primaryIp));
            if (e.instance != null) {
                items.append("      <attachment>\n").append(tag("attachmentId", "eni-attach-" + e.id.substring(4)))
                        .append(tag("instanceId", e.instance))
                        .append(tag("deviceIndex", Integer.toString(e.deviceIndex)))
                        .append(tag("status", "attached")).append("      </attachment>\n");
            }
            items.append("      <privateIpAddressesSet>\n");
            items.append("        <item>").append(tag("privateIpAddress", e.primaryIp).strip())
                    .append("<primary>true</primary></item>\n");
            for (String ip : e.secondary) {
                items.append("        <item>").append(tag("privateIpAddress", ip).strip())
                        .append("<primary>false</primary></item>\n");
            }
            items.append("      </privateIpAddressesSet>\n    </item>\n");
        }
        return ok("DescribeNetworkInterfaces", "  <networkInterfaceSet>\n" + items + "  </networkInterfaceSet>\n");
    }

    private Response associateAddress(Map<String, String> p) {
        String allocationId = p.get("AllocationId");
        if (allocationId == null) {
            return error(400, "MissingParameter", "The request must contain the parameter AllocationId");
        }
        Eip eip = eips.get(allocationId);
        if (eip == null) {
            return error(400, "InvalidAllocationID.NotFound", "The allocation ID '" + allocationId
                    + "' does not exist");
        }
        String eniId = p.get("NetworkInterfaceId");
        String instanceId = p.get("InstanceId");
        if ((eniId == null) == (instanceId == null)) {
            return error(400, "InvalidParameterCombination", "Specify either an instance ID or a network"
                    + " interface ID");
        }
        Eni target;
        if (eniId != null) {
            target = enis.get(eniId);
            if (target == null) {
                return error(400, "InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '" + eniId
                        + "' does not exist");
            }
        } else {
            List<Eni> attached = enis.values().stream().filter(e -> instanceId.equals(e.instance)).toList();
            if (attached.isEmpty()) {
                return error(400, "InvalidInstanceID.NotFound", "The instance ID '" + instanceId
                        + "' does not exist");
            }
            if (attached.size() > 1) {
                return error(400, "InvalidInstanceID", "There are multiple interfaces attached to instance '"
                        + instanceId + "'. Please specify an interface ID for the operation instead.");
            }
            target = attached.getFirst();
        }
        boolean allow = p.containsKey("AllowReassociation") ? Boolean.parseBoolean(p.get("AllowReassociation"))
                : reassociationByDefault;
        if (eip.eniId != null && !eip.eniId.equals(target.id) && !allow) {
            return error(400, "Resource.AlreadyAssociated", "resource " + allocationId
                    + " is already associated with associate-id " + eip.associationId);
        }
        if (!target.id.equals(eip.eniId)) {
            // An Elastic IP already on the target's address is disassociated, but stays allocated.
            for (Eip other : eips.values()) {
                if (other != eip && target.id.equals(other.eniId)) {
                    other.eniId = null;
                    other.associationId = null;
                }
            }
            eip.eniId = target.id;
            eip.associationId = newId("eipassoc");
        }
        return ok("AssociateAddress", "  <return>true</return>\n" + tag("associationId", eip.associationId));
    }

    private Response disassociateAddress(Map<String, String> p) {
        String associationId = p.get("AssociationId");
        Eip eip = eips.values().stream().filter(e -> e.associationId != null && e.associationId.equals(associationId))
                .findFirst().orElse(null);
        if (eip == null) {
            return error(400, "InvalidAssociationID.NotFound", "The association ID '" + associationId
                    + "' does not exist");
        }
        eip.eniId = null;
        eip.associationId = null;
        return ok("DisassociateAddress", "  <return>true</return>\n");
    }

    private Response assignPrivateIpAddresses(Map<String, String> p) {
        Eni target = enis.get(p.getOrDefault("NetworkInterfaceId", ""));
        if (target == null) {
            return error(400, "InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '"
                    + p.get("NetworkInterfaceId") + "' does not exist");
        }
        List<String> ips = list(p, "PrivateIpAddress");
        if (ips.isEmpty()) {
            return error(400, "MissingParameter", "Specify PrivateIpAddress.N or SecondaryPrivateIpAddressCount");
        }
        boolean allow = Boolean.parseBoolean(p.getOrDefault("AllowReassignment", "false"));
        for (String ip : ips) {
            for (Eni e : enis.values()) {
                if (e == target || !e.vpc.equals(target.vpc)) {
                    continue;
                }
                if (e.primaryIp.equals(ip)) {
                    return error(400, "InvalidParameterValue", "Address " + ip + " is the primary address of "
                            + e.id + " and cannot be reassigned");
                }
                if (e.secondary.contains(ip) && !allow) {
                    return error(400, inUseCode, "Address " + ip + " is in use.");
                }
            }
        }
        Instant visibleAt = clock.instant().plus(remapDelay);
        StringBuilder assigned = new StringBuilder();
        for (String ip : ips) {
            if (target.has(ip)) {
                remaps.remove(ip); // a later assignment wins over one still in flight
            } else {
                remaps.put(ip, new Remap(target.id, visibleAt));
            }
            assigned.append("    <item>").append(tag("privateIpAddress", ip).strip()).append("</item>\n");
        }
        applyRemaps();
        return ok("AssignPrivateIpAddresses", tag("networkInterfaceId", target.id)
                + "  <assignedPrivateIpAddressesSet>\n" + assigned + "  </assignedPrivateIpAddressesSet>\n"
                + "  <return>true</return>\n");
    }

    private Response unassignPrivateIpAddresses(Map<String, String> p) {
        Eni target = enis.get(p.getOrDefault("NetworkInterfaceId", ""));
        if (target == null) {
            return error(400, "InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '"
                    + p.get("NetworkInterfaceId") + "' does not exist");
        }
        List<String> ips = list(p, "PrivateIpAddress");
        if (ips.isEmpty() || !target.secondary.containsAll(ips)) {
            return error(400, "InvalidParameterValue", "Some of the specified addresses are not assigned to"
                    + " interface " + target.id);
        }
        for (String ip : ips) {
            target.secondary.remove(ip);
        }
        return ok("UnassignPrivateIpAddresses", "  <return>true</return>\n");
    }

    private void applyRemaps() {
        Instant now = clock.instant();
        remaps.entrySet().removeIf(r -> {
            if (r.getValue().visibleAt().isAfter(now)) {
                return false;
            }
            Eni target = enis.get(r.getValue().eniId());
            enis.values().stream().filter(e -> e.vpc.equals(target.vpc)).forEach(e -> e.secondary.remove(r.getKey()));
            target.secondary.add(r.getKey());
            return true;
        });
    }

    private String newId(String prefix) {
        return prefix + "-" + String.format("%017x", nextId++);
    }}
