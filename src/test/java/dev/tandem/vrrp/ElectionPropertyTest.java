package dev.tandem.vrrp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole elections of 2 to 5 members on a lossy, jittery segment: once the loss stops, they settle on one master.
 */
class ElectionPropertyTest {
    static final IpAddress VIP = IpAddress.parse("192.0.2.100");

    @Provide
    Arbitrary<List<Integer>> priorities() {
        // Few distinct values so that ties are common; at most one address owner, as RFC 5798 §1 requires.
        return Arbitraries.of(1, 50, 100, 100, 150, 200, 254, 255).list().ofMinSize(2).ofMaxSize(5)
                .filter(list -> list.stream().filter(p -> p == 255).count() <= 1);
    }

    @Property(tries = 400)
    void settlesOnExactlyOneMasterOnceLossStops(
            @ForAll("priorities") List<Integer> priorities,
            @ForAll @IntRange(min = 1, max = 300) int intervalCentis,
            @ForAll boolean preempt,
            @ForAll @DoubleRange(min = 0.0, max = 0.49) double loss,
            @ForAll long seed) {
        Random random = new Random(seed);
        long interval = VrrpTimers.centisToNanos(intervalCentis);
        long preemptDelay = preempt && random.nextBoolean() ? random.nextLong(5 * interval + 1) : 0;
        int n = priorities.size();
        List<VirtualRouter> routers = new ArrayList<>();
        long[] startAt = new long[n];
        long lastStart = 0;
        for (int i = 0; i < n; i++) {
            IpAddress primary = IpAddress.of(new byte[]{10, 0, 0, (byte) (10 + 37 * i)}); // 10, 47, ..., 158
            routers.add(new VirtualRouter(new RouterConfig(7, priorities.get(i), intervalCentis, preempt,
                    preemptDelay, primary, List.of(VIP))));
            startAt[i] = random.nextLong(5 * interval + 1);
            lastStart = Math.max(lastStart, startAt[i]);
        }
        long lossUntil = random.nextLong(20 * interval + 1);
        long maxDelay = random.nextLong(interval / 4 + 1);
        SimulatedLan lan = new SimulatedLan(routers, startAt, random, loss, lossUntil, maxDelay);

        long worstMasterDown = VrrpTimers.masterDownIntervalNanos(1, intervalCentis);
        long settled = Math.max(lossUntil, lastStart + preemptDelay) + 10 * worstMasterDown;
        lan.runUntil(settled);

        String story = lan.describe();
        List<VirtualRouter> masters = routers.stream().filter(r -> r.state() == RouterState.MASTER).toList();
        assertThat(masters).as(story).hasSize(1);
        VirtualRouter master = masters.getFirst();
        assertThat(routers).as(story).allSatisfy(r -> assertThat(r.state()).isIn(RouterState.MASTER, RouterState.BACKUP));

        // Stable: nothing changed in the last three Master_Down_Intervals.
        long quietFrom = settled - 3 * worstMasterDown;
        assertThat(lan.log()).as(story).noneMatch(e -> e.atNanos() >= quietFrom);

        boolean ownerPresent = priorities.contains(255);
        if (preempt || ownerPresent) {
            // Preemption (and the owner, who always preempts) puts the best priority in charge. Among equal
            // priorities a backup does not break ties by address (RFC 5798 §6.4.2), so any of them may hold it.
            int best = priorities.stream().max(Comparator.naturalOrder()).orElseThrow();
            assertThat(master.effectivePriority()).as(story).isEqualTo(best);
            if (priorities.stream().filter(p -> p == best).count() == 1) {
                assertThat(master.config().priority()).isEqualTo(best);
            }
        }
        // Every backup knows who the master is.
        for (VirtualRouter r : routers) {
            assertThat(r.currentMaster()).as(story).contains(master.config().primaryAddress());
        }
    }

    @Property(tries = 200)
    void equalPrioritiesThatStartTogetherAreResolvedByTheHighestAddress(
            @ForAll @IntRange(min = 2, max = 5) int n,
            @ForAll @IntRange(min = 1, max = 254) int priority,
            @ForAll @IntRange(min = 1, max = 300) int intervalCentis,
            @ForAll long seed) {
        // Same priority, same start: all time out together, all become master, and the master-side tie-break of
        // RFC 5798 §6.4.3 leaves the highest primary address.
        Random random = new Random(seed);
        long interval = VrrpTimers.centisToNanos(intervalCentis);
        List<VirtualRouter> routers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            IpAddress primary = IpAddress.of(new byte[]{10, 0, 0, (byte) (200 - 30 * i)});
            routers.add(new VirtualRouter(new RouterConfig(7, priority, intervalCentis, true, 0, primary,
                    List.of(VIP))));
        }
        SimulatedLan lan = new SimulatedLan(routers, new long[n], random, 0, 0, random.nextLong(interval / 4 + 1));
        lan.runUntil(5 * VrrpTimers.masterDownIntervalNanos(1, intervalCentis));

        assertThat(routers.stream().filter(r -> r.state() == RouterState.MASTER).toList())
                .as(lan.describe()).singleElement()
                .extracting(r -> r.config().primaryAddress()).isEqualTo(IpAddress.parse("10.0.0.200"));
    }
}
