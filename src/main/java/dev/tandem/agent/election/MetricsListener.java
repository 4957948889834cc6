package dev.tandem.agent.election;

import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.DecodeResult;
import dev.tandem.vrrp.udp.UdpRejectReason;
import dev.tandem.vrrp.RouterState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's election metrics, labelled by pair only (never per packet or per address). Counters are created once
 * and looked up from maps, so the election thread does not allocate meters on its hot path.
 */
public final class MetricsListener implements ElectionListener {
    private final MeterRegistry registry;
    private final String pair;
    private final AtomicInteger state = new AtomicInteger(RouterState.INITIALIZE.ordinal());
    private final Counter sent;
    private final Counter received;
    private final Counter announcements;
    private final DistributionSummary takeover;
    private final Map<String, Counter> transitions = new ConcurrentHashMap<>();
    private final Map<DecodeResult.RejectReason, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<UdpRejectReason, Counter> dropped = new ConcurrentHashMap<>();
    private final Counter foreign;

    public MetricsListener(MeterRegistry registry, String namespace, String pair) {
        this.registry = registry;
        this.pair = pair;
        for (RouterState s : RouterState.values()) {
            Gauge.builder("tandem.agent.state", state, v -> v.get() == s.ordinal() ? 1 : 0)
                    .description("1 for the state this member is in, 0 for the others")
                    .tag("pair", pair).tag("state", s.name()).register(registry);
        }
        sent = Counter.builder("tandem.agent.adverts.sent").description("VRRP adverts sent").tag("pair", pair).register(registry);
        received = Counter.builder("tandem.agent.adverts.received").description("valid adverts of this pair received")
                .tag("pair", pair).register(registry);
        foreign = Counter.builder("tandem.agent.adverts.foreign").description("valid adverts of other router ids seen")
                .tag("pair", pair).register(registry);
        announcements = Counter.builder("tandem.agent.announcements").description("gratuitous ARP / NA frames sent")
                .tag("pair", pair).register(registry);
        takeover = DistributionSummary.builder("tandem.agent.takeover").baseUnit("milliseconds")
                .description("time from the last advert heard to the addresses being installed, per takeover")
                .tag("pair", pair).register(registry);
    }

    @Override
    public void transition(Action.Transition t, long takeoverMillis) {
        state.set(t.to().ordinal());
        transitions.computeIfAbsent(t.to().name() + "|" + t.reason().label(), k -> Counter.builder("tandem.agent.transitions")
                .description("state changes of this member by new state and reason")
                .tag("pair", pair).tag("to", t.to().name()).tag("reason", t.reason().label()).register(registry)).increment();
        if (takeoverMillis >= 0) {
            takeover.record(takeoverMillis);
        }
    }

    @Override
    public void advertSent(int priority) {
        sent.increment();
    }

    @Override
    public void advertReceived() {
        received.increment();
    }

    @Override
    public void foreignAdvert(int vrid) {
        foreign.increment();
    }

    @Override
    public void advertRejected(DecodeResult.RejectReason reason, String message) {
        rejected.computeIfAbsent(reason, r -> Counter.builder("tandem.agent.adverts.rejected")
                .description("packets on the VRRP socket that were not valid adverts, by reason")
                .tag("pair", pair).tag("reason", r.label()).register(registry)).increment();
    }

    /** Counted with the rejected adverts, by the udp transport's reasons (bad_mac, replayed, unknown_key, ...). */
    @Override
    public void datagramRejected(UdpRejectReason reason, String message) {
        dropped.computeIfAbsent(reason, r -> Counter.builder("tandem.agent.adverts.rejected")
                .description("packets on the VRRP socket that were not valid adverts, by reason")
                .tag("pair", pair).tag("reason", r.label()).register(registry)).increment();
    }

    @Override
    public void announced(String address, int frames) {
        announcements.increment(frames);
    }
}
