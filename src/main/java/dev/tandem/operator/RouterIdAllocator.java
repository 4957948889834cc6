package dev.tandem.operator;

import dev.tandem.operator.status.Blocker;
import dev.tandem.validation.IpAddresses;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses a pair's VRRP virtual router id. Ids must be unique among pairs on one network (RFC 5798 §5.2.3: a VRID
 * identifies a virtual router on a LAN). Two pairs count as on the same network when they share a member node, or when
 * member addresses fall in the same IPv4 /24 or IPv6 /64; anything else may reuse an id.
 *
 * <p>Conflicts are settled the same way by every reconcile, so two operators never fight: an id given in the spec
 * wins over an allocated one, and between two of a kind the older pair keeps it.
 */
public final class RouterIdAllocator {
    public static final String CONFLICT = "RouterIdConflict";
    public static final String EXHAUSTED = "NoFreeRouterId";

    /**
     * A pair as the allocator sees it.
     *
     * @param explicitId  spec.virtualRouterId, or null
     * @param allocatedId status.virtualRouterId, or null
     * @param age         creation time as sortable text (RFC 3339), then namespace/name breaks ties
     */
    public record Pair(String namespace, String name, String age, Integer explicitId, Integer allocatedId,
                       Set<String> nodes, Set<String> addresses) {
        Integer effectiveId() {
            return explicitId != null ? explicitId : allocatedId;
        }

        String ref() {
            return namespace + "/" + name;
        }
    }

    /** An id, or why there is none. */
    public record Result(Integer id, Blocker blocker) {
    }

    private static final Comparator<Pair> OLDER_FIRST = Comparator
            .comparing((Pair p) -> p.age() == null ? "" : p.age())
            .thenComparing(Pair::ref);

    private RouterIdAllocator() {
    }

    public static Result allocate(Pair self, List<Pair> all) {
        List<Pair> neighbours = all.stream()
                .filter(o -> !o.ref().equals(self.ref()))
                .filter(o -> sameNetwork(self, o))
                .toList();
        if (self.explicitId() != null) {
            Optional<Pair> winner = neighbours.stream()
                    .filter(o -> self.explicitId().equals(o.explicitId()) && OLDER_FIRST.compare(o, self) < 0)
                    .findFirst();
            return winner.map(o -> new Result(null, new Blocker(CONFLICT, "virtualRouterId " + self.explicitId()
                            + " is already used by FailoverPair " + o.ref() + " on the same network ("
                            + overlap(self, o) + "); choose another or omit it to have one allocated")))
                    .orElse(new Result(self.explicitId(), null));
        }
        if (self.allocatedId() != null && neighbours.stream().noneMatch(o -> losesTo(self, o))) {
            return new Result(self.allocatedId(), null);
        }
        Set<Integer> used = new HashSet<>();
        neighbours.forEach(o -> {
            if (o.effectiveId() != null) used.add(o.effectiveId());
        });
        for (int id = 1; id <= 255; id++) {
            if (!used.contains(id)) {
                return new Result(id, null);
            }
        }
        return new Result(null, new Blocker(EXHAUSTED, "all 255 virtual router ids are used by pairs on the same network"));
    }

    /** Whether {@code self}'s allocated id must yield to {@code other}. */
    private static boolean losesTo(Pair self, Pair other) {
        if (!self.allocatedId().equals(other.effectiveId())) {
            return false;
        }
        return other.explicitId() != null || OLDER_FIRST.compare(other, self) < 0;
    }

    static boolean sameNetwork(Pair a, Pair b) {
        return !overlap(a, b).isEmpty();
    }

    private static String overlap(Pair a, Pair b) {
        for (String n : a.nodes()) {
            if (b.nodes().contains(n)) {
                return "both include node " + n;
            }
        }
        for (String x : a.addresses()) {
            for (String y : b.addresses()) {
                if (sameSubnet(x, y)) {
                    return "members " + x + " and " + y + " share a subnet";
                }
            }
        }
        return "";
    }

    private static boolean sameSubnet(String x, String y) {
        Optional<InetAddress> a = IpAddresses.parse(x);
        Optional<InetAddress> b = IpAddresses.parse(y);
        if (a.isEmpty() || b.isEmpty() || a.get().getClass() != b.get().getClass()) {
            return false;
        }
        int prefixBytes = a.get() instanceof Inet4Address ? 3 : 8;
        return Arrays.equals(Arrays.copyOf(a.get().getAddress(), prefixBytes), Arrays.copyOf(b.get().getAddress(), prefixBytes));
    }
}
