package dev.tandem.vrrp;

import dev.tandem.vrrp.Action.SendAdvert;
import dev.tandem.vrrp.Action.Transition;

import java.util.List;

/** Small builders shared by the election tests: one virtual router, VRID 7, one virtual address. */
final class Routers {
    static final long SECOND = 1_000_000_000L;
    static final long MILLI = 1_000_000L;
    /** Some monotonic time that is not 0, to catch code that assumes the clock starts at 0. */
    static final long T0 = 7_000 * SECOND + 123;
    static final int VRID = 7;
    static final IpAddress VIP = IpAddress.parse("192.0.2.100");
    static final IpAddress SELF = IpAddress.parse("10.0.0.10");
    static final IpAddress PEER = IpAddress.parse("10.0.0.20");
    static final IpAddress LOW_PEER = IpAddress.parse("10.0.0.3");

    private Routers() {
    }

    static RouterConfig config(int priority) {
        return RouterConfig.of(VRID, priority, SELF, List.of(VIP));
    }

    static VirtualRouter router(int priority) {
        return new VirtualRouter(config(priority));
    }

    static VirtualRouter started(RouterConfig config, long now) {
        VirtualRouter router = new VirtualRouter(config);
        router.start(now);
        return router;
    }

    static Advert advert(int priority) {
        return advert(priority, 100);
    }

    static Advert advert(int priority, int intervalCentis) {
        return Advert.of(VRID, priority, intervalCentis, List.of(VIP));
    }

    static long deadline(VirtualRouter router) {
        return router.nextDeadlineNanos().orElseThrow();
    }

    /** A router that has become master at {@code T0 + Master_Down_Interval} after a start at T0. */
    static VirtualRouter masterAfterStartup(RouterConfig config) {
        VirtualRouter router = started(config, T0);
        router.onTick(deadline(router));
        if (router.state() != RouterState.MASTER) {
            throw new AssertionError("expected MASTER, got " + router.state());
        }
        return router;
    }

    static List<Integer> advertPriorities(List<Action> actions) {
        return actions.stream().filter(SendAdvert.class::isInstance).map(a -> ((SendAdvert) a).priority()).toList();
    }

    static List<Transition> transitions(List<Action> actions) {
        return actions.stream().filter(Transition.class::isInstance).map(Transition.class::cast).toList();
    }
}
