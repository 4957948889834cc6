package dev.tandem.vrrp;

import dev.tandem.vrrp.Action.SendAdvert;
import dev.tandem.vrrp.Action.Transition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A network segment on a virtual clock: each advert a router sends reaches every other router after a random delay,
 * or is lost with some probability until {@code lossUntilNanos}. Time jumps to the next event: a router starting,
 * an advert arriving or a router's deadline.
 */
final class SimulatedLan {
    record Event(long atNanos, int router, String what) {
        @Override
        public String toString() {
            return String.format("%,15d r%d %s", atNanos, router, what);
        }
    }

    private record Delivery(long atNanos, long sequence, int to, IpAddress from, Advert advert) {
    }

    private final List<VirtualRouter> routers;
    private final long[] startAtNanos;
    private final boolean[] started;
    private final Random random;
    private final double lossProbability;
    private final long lossUntilNanos;
    private final long maxDelayNanos;
    private final PriorityQueue<Delivery> inFlight = new PriorityQueue<>(
            Comparator.comparingLong(Delivery::atNanos).thenComparingLong(Delivery::sequence));
    private final List<Event> log = new ArrayList<>();
    private long sequence;
    private long nowNanos;

    SimulatedLan(List<VirtualRouter> routers, long[] startAtNanos, Random random, double lossProbability,
                 long lossUntilNanos, long maxDelayNanos) {
        this.routers = List.copyOf(routers);
        this.startAtNanos = startAtNanos.clone();
        this.started = new boolean[routers.size()];
        this.random = random;
        this.lossProbability = lossProbability;
        this.lossUntilNanos = lossUntilNanos;
        this.maxDelayNanos = maxDelayNanos;
    }

    void runUntil(long endNanos) {
        while (true) {
            long next = nextEventNanos();
            if (next > endNanos) {
                nowNanos = endNanos;
                return;
            }
            nowNanos = next;
            for (int i = 0; i < routers.size(); i++) {
                if (!started[i] && startAtNanos[i] <= nowNanos) {
                    started[i] = true;
                    perform(i, routers.get(i).start(nowNanos));
                }
            }
            while (!inFlight.isEmpty() && inFlight.peek().atNanos() <= nowNanos) {
                Delivery d = inFlight.poll();
                perform(d.to(), routers.get(d.to()).onAdvert(d.advert(), d.from(), nowNanos));
            }
            for (int i = 0; i < routers.size(); i++) {
                VirtualRouter router = routers.get(i);
                if (router.nextDeadlineNanos().isPresent() && router.nextDeadlineNanos().getAsLong() <= nowNanos) {
                    perform(i, router.onTick(nowNanos));
                }
            }
        }
    }

    private long nextEventNanos() {
        long next = Long.MAX_VALUE;
        for (int i = 0; i < routers.size(); i++) {
            if (!started[i]) {
                next = Math.min(next, startAtNanos[i]);
            }
            var deadline = routers.get(i).nextDeadlineNanos();
            if (deadline.isPresent()) {
                next = Math.min(next, deadline.getAsLong());
            }
        }
        if (!inFlight.isEmpty()) {
            next = Math.min(next, inFlight.peek().atNanos());
        }
        return next;
    }

    private void perform(int from, List<Action> actions) {
        for (Action action : actions) {
            switch (action) {
                case SendAdvert send -> broadcast(from, send.advert());
                case Transition t -> log.add(new Event(nowNanos, from, t.from() + " -> " + t.to() + " " + t.reason()));
            }
        }
    }

    private void broadcast(int from, Advert advert) {
        IpAddress source = routers.get(from).config().primaryAddress();
        for (int to = 0; to < routers.size(); to++) {
            if (to == from) {
                continue;
            }
            if (nowNanos < lossUntilNanos && random.nextDouble() < lossProbability) {
                continue;
            }
            long delay = maxDelayNanos == 0 ? 0 : random.nextLong(maxDelayNanos + 1);
            inFlight.add(new Delivery(nowNanos + delay, sequence++, to, source, advert));
        }
    }

    long nowNanos() {
        return nowNanos;
    }

    List<Event> log() {
        return List.copyOf(log);
    }

    String describe() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < routers.size(); i++) {
            VirtualRouter r = routers.get(i);
            out.append(String.format("r%d %s priority %d preempt %s start %,d -> %s%n", i, r.config().primaryAddress(),
                    r.config().priority(), r.config().preempt(), startAtNanos[i], r.state()));
        }
        out.append(String.format("loss %.2f until %,d%n", lossProbability, lossUntilNanos));
        log.forEach(e -> out.append(e).append('\n'));
        return out.toString();
    }
}
