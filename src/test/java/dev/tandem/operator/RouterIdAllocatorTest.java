package dev.tandem.operator;

import dev.tandem.operator.RouterIdAllocator.Pair;
import dev.tandem.operator.RouterIdAllocator.Result;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RouterIdAllocatorTest {

    private static Pair pair(String name, String age, Integer explicitId, Integer allocatedId, Set<String> nodes,
                             Set<String> addresses) {
        return new Pair("web", name, age, explicitId, allocatedId, nodes, addresses);
    }

    /** A pair on nodes of its own, in the 192.0.2.0/24 network. */
    private static Pair onLan(String name, String age, Integer explicitId, Integer allocatedId) {
        return pair(name, age, explicitId, allocatedId, Set.of(name + "-a", name + "-b"),
                Set.of("192.0.2." + (Math.abs(name.hashCode()) % 250 + 1)));
    }

    private static String age(int minute) {
        return String.format("2026-05-01T10:%02d:00Z", minute);
    }

    private static List<Pair> with(Pair self, Pair... others) {
        List<Pair> all = new ArrayList<>(List.of(others));
        all.add(self);
        return all;
    }

    @Test
    void aLonePairGetsId1() {
        Pair self = onLan("lb", age(0), null, null);

        assertThat(RouterIdAllocator.allocate(self, List.of(self))).isEqualTo(new Result(1, null));
    }

    @Test
    void theLowestIdFreeOnTheSharedNetworkIsAllocated() {
        Pair self = onLan("lb", age(5), null, null);

        Result r = RouterIdAllocator.allocate(self, with(self,
                onLan("a", age(1), 1, null), onLan("b", age(2), null, 2), onLan("c", age(3), null, 4)));

        assertThat(r.id()).isEqualTo(3);
        assertThat(r.blocker()).isNull();
    }

    @Test
    void pairsSharingANodeAreOnTheSameNetworkWhateverTheirAddresses() {
        Pair self = pair("lb", age(5), null, null, Set.of("node-1", "node-2"), Set.of("10.0.0.1"));
        Pair other = pair("db", age(1), null, 1, Set.of("node-2", "node-3"), Set.of("172.16.0.1"));

        assertThat(RouterIdAllocator.allocate(self, with(self, other)).id()).isEqualTo(2);
    }

    @Test
    void ipv4AddressesInOneSlash24AreOnTheSameNetwork() {
        Pair self = pair("lb", age(5), null, null, Set.of("n1"), Set.of("10.1.2.3"));
        Pair same = pair("db", age(1), null, 1, Set.of("n2"), Set.of("10.1.2.250"));
        Pair next = pair("mq", age(2), null, 2, Set.of("n3"), Set.of("10.1.3.3"));

        assertThat(RouterIdAllocator.allocate(self, with(self, same, next)).id()).isEqualTo(2);
    }

    @Test
    void ipv6AddressesInOneSlash64AreOnTheSameNetwork() {
        Pair self = pair("lb", age(5), null, null, Set.of("n1"), Set.of("2001:db8:0:1::10"));
        Pair same = pair("db", age(1), null, 1, Set.of("n2"), Set.of("2001:db8:0:1:ffff::20"));
        Pair next = pair("mq", age(2), null, 2, Set.of("n3"), Set.of("2001:db8:0:2::10"));

        assertThat(RouterIdAllocator.allocate(self, with(self, same, next)).id()).isEqualTo(2);
    }

    @Test
    void pairsOnDifferentNetworksMayReuseAnId() {
        Pair self = pair("lb", age(5), null, null, Set.of("n1", "n2"), Set.of("10.1.2.3", "2001:db8:0:1::10"));
        Pair elsewhere = pair("db", age(1), 1, null, Set.of("n3", "n4"), Set.of("10.1.3.3", "2001:db8:0:2::10"));
        Pair ipv4MappedLookalike = pair("mq", age(2), 2, null, Set.of("n5"), Set.of("2001:db8::10.1.2.3"));

        assertThat(RouterIdAllocator.allocate(self, with(self, elsewhere, ipv4MappedLookalike)).id()).isEqualTo(1);
    }

    @Test
    void anExplicitIdConflictingWithAnOlderExplicitPairIsBlockedNamingIt() {
        Pair older = pair("db", age(1), 7, null, Set.of("node-2"), Set.of());
        Pair self = pair("lb", age(5), 7, null, Set.of("node-1", "node-2"), Set.of());

        Result r = RouterIdAllocator.allocate(self, with(self, older));

        assertThat(r.id()).isNull();
        assertThat(r.blocker().reason()).isEqualTo(RouterIdAllocator.CONFLICT).isEqualTo("RouterIdConflict");
        assertThat(r.blocker().message()).contains("7").contains("web/db").contains("node-2");
    }

    @Test
    void theOlderExplicitPairKeepsItsId() {
        Pair older = pair("db", age(1), 7, null, Set.of("node-2"), Set.of());
        Pair newer = pair("lb", age(5), 7, null, Set.of("node-1", "node-2"), Set.of());

        assertThat(RouterIdAllocator.allocate(older, with(older, newer))).isEqualTo(new Result(7, null));
    }

    @Test
    void equalAgesAreSettledByNamespaceAndName() {
        Pair a = pair("a", age(1), 7, null, Set.of("node-1"), Set.of());
        Pair b = pair("b", age(1), 7, null, Set.of("node-1"), Set.of());

        assertThat(RouterIdAllocator.allocate(a, List.of(a, b)).id()).isEqualTo(7);
        assertThat(RouterIdAllocator.allocate(b, List.of(a, b)).blocker().message()).contains("web/a");
    }

    @Test
    void anExplicitIdBeatsAnOlderAllocatedOne() {
        Pair allocated = onLan("db", age(1), null, 1);
        Pair explicit = onLan("lb", age(5), 1, null);
        List<Pair> all = List.of(allocated, explicit);

        assertThat(RouterIdAllocator.allocate(explicit, all)).isEqualTo(new Result(1, null));
        assertThat(RouterIdAllocator.allocate(allocated, all)).isEqualTo(new Result(2, null));
    }

    @Test
    void anAllocatedIdClashingWithAnOlderAllocatedPairIsReallocatedAndTheOlderKeepsIt() {
        Pair older = onLan("db", age(1), null, 3);
        Pair newer = onLan("lb", age(5), null, 3);
        Pair third = onLan("mq", age(3), null, 1);
        List<Pair> all = List.of(older, newer, third);

        assertThat(RouterIdAllocator.allocate(older, all)).isEqualTo(new Result(3, null));
        assertThat(RouterIdAllocator.allocate(newer, all)).isEqualTo(new Result(2, null));
    }

    @Test
    void anAllocatedIdWithoutConflictIsKeptEvenIfALowerOneIsFree() {
        Pair self = onLan("lb", age(5), null, 9);

        assertThat(RouterIdAllocator.allocate(self, with(self, onLan("db", age(1), null, 1)))).isEqualTo(new Result(9, null));
    }

    @Test
    void whenAll255IdsAreUsedThereIsNoFreeId() {
        List<Pair> all = new ArrayList<>();
        IntStream.rangeClosed(1, 255).forEach(id ->
                all.add(pair("p" + id, age(0), id, null, Set.of("node-" + id), Set.of("192.0.2.1"))));
        Pair self = pair("lb", age(59), null, null, Set.of("node-x"), Set.of("192.0.2.200"));
        all.add(self);

        Result r = RouterIdAllocator.allocate(self, all);

        assertThat(r.id()).isNull();
        assertThat(r.blocker().reason()).isEqualTo(RouterIdAllocator.EXHAUSTED).isEqualTo("NoFreeRouterId");
    }

    @Test
    void id255IsHandedOutWhenItIsTheLastFreeOne() {
        List<Pair> all = new ArrayList<>();
        IntStream.rangeClosed(1, 254).forEach(id ->
                all.add(pair("p" + id, age(0), null, id, Set.of("node-1"), Set.of())));
        Pair self = pair("lb", age(59), null, null, Set.of("node-1"), Set.of());
        all.add(self);

        assertThat(RouterIdAllocator.allocate(self, all).id()).isEqualTo(255);
    }

    @Provide
    Arbitrary<List<Integer>> staleIds() {
        return Arbitraries.integers().between(0, 255).list().ofMinSize(1).ofMaxSize(60);
    }

    /**
     * Pairs created one after another on one network, none with an explicit id: each reconcile in age order gives every
     * pair a different id, whatever ids their status carried before (0 stands for none).
     */
    @Property
    void allocatingInAgeOrderGivesDistinctIdsOnOneNetwork(@ForAll("staleIds") List<Integer> previousIds,
                                                          @ForAll @IntRange(min = 0, max = 2) int networkKind) {
        List<Pair> all = new ArrayList<>();
        for (int i = 0; i < previousIds.size(); i++) {
            Integer previous = previousIds.get(i) == 0 ? null : previousIds.get(i);
            Set<String> nodes = networkKind == 0 ? Set.of("shared-node", "node-" + i) : Set.of("node-" + i);
            Set<String> addresses = switch (networkKind) {
                case 1 -> Set.of("10.20.30." + (i + 1));
                case 2 -> Set.of("2001:db8:0:7::" + Integer.toHexString(i + 1));
                default -> Set.of("10." + i + ".0.1");
            };
            all.add(new Pair("ns-" + (i % 3), "pair-" + i, String.format("2026-05-01T10:%02d:%02dZ", i / 60, i % 60), null, previous, nodes, addresses));
        }

        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            Pair self = all.get(i);
            Result r = RouterIdAllocator.allocate(self, all);
            assertThat(r.blocker()).isNull();
            assertThat(r.id()).isBetween(1, 255);
            all.set(i, new Pair(self.namespace(), self.name(), self.age(), null, r.id(), self.nodes(), self.addresses()));
            assertThat(seen.add(r.id())).as("id %s given twice", r.id()).isTrue();
        }
    }
}
