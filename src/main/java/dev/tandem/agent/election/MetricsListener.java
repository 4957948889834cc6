package dev.tandem.agent.election;

import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.DecodeResult;
import dev.tandem.vrrp.udp.UdpRejectReason;
import dev.tandem.vrrp.RouterState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's election metrics, labelled by pair (and by state, reason or check, each a short fixed list), never per
 * packet or per address. Meters are created once and looked up from maps, so the election thread does not allocate
 * meters on its hot path. The README's "Metrics" table documents every series; MetricsDocumentationTest keeps them
 * in step.
 */
public final class MetricsListener implements ElectionListener {
    /** Buckets of the takeover and move histograms: VRRP timers at 10 ms adverts up to cloud API moves. */
    public static final Duration[] FAILOVER_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60)};
    static final Duration[] CHECK_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    private final MeterRegistry registry;
    private final String pair;
    private final AtomicInteger state = new AtomicInteger(RouterState.INITIALIZE.ordinal());
    private final Counter sent;
    private final Counter received;
    private final Counter foreign;
    private final Counter masterDownExpiries;
    private final Timer takeover;
    private final Counter layer2Moves;
    private final Timer layer2MoveTime;
    private final Map<String, Counter> transitions = new ConcurrentHashMap<>();
    private final Map<DecodeResult.RejectReason, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> announcements = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> checkPassing = new ConcurrentHashMap<>();
    private final Map<String, Timer> checkRuns = new ConcurrentHashMap<>();
    private final Map<UdpRejectReason, Counter> dropped = new ConcurrentHashMap<>();

    public MetricsListener(MeterRegistry registry, String namespace, String pair) {
        this.registry = registry;
        this.pair = pair;
        for (RouterState s : RouterState.values()) {
            Gauge.builder("tandem.agent.state", state, v -> v.get() == s.ordinal() ? 1 : 0)
                    .description("1 for the election state this member is in, 0 for the others")
                    .tag("pair", pair).tag("state", s.name()).register(registry);
        }
        sent = Counter.builder("tandem.agent.adverts.sent").description("VRRP adverts sent (priority 0 included)")
                .tag("pair", pair).register(registry);
        received = Counter.builder("tandem.agent.adverts.received").description("valid adverts of this pair received")
                .tag("pair", pair).register(registry);
        foreign = Counter.builder("tandem.agent.adverts.foreign").description("valid adverts of other router ids seen")
                .tag("pair", pair).register(registry);
        masterDownExpiries = Counter.builder("tandem.agent.master.down.expiries")
                .description("times the Master_Down_Timer ran out in BACKUP: the master fell silent, resigned or was"
                        + " preempted (RFC 5798 §6.4.2)")
                .tag("pair", pair).register(registry);
        takeover = Timer.builder("tandem.agent.takeover")
                .description("time from the last advert of the old master to this member holding the addresses, per"
                        + " takeover after silence or resignation")
                .serviceLevelObjectives(FAILOVER_BUCKETS).tag("pair", pair).register(registry);
        layer2Moves = moves("layer2");
        layer2MoveTime = moveTime("layer2");
    }

    private Counter moves(String provider) {
        return Counter.builder("tandem.floating.ip.moves")
                .description("floating IPs this member took over: layer2 installed and announced, cloud confirmed by"
                        + " the provider")
                .tag("pair", pair).tag("provider", provider).register(registry);
    }

    private Timer moveTime(String provider) {
        return Timer.builder("tandem.floating.ip.move")
                .description("time from becoming MASTER until a floating IP is in place: layer2 installed and its"
                        + " first announcement sent, cloud confirmed by the provider")
                .serviceLevelObjectives(FAILOVER_BUCKETS).tag("pair", pair).tag("provider", provider)
                .register(registry);
    }

    @Override
    public void transition(Action.Transition t, long takeoverMillis) {
        state.set(t.to().ordinal());
        transitions.computeIfAbsent(t.to().name() + "|" + t.reason().label(), k -> Counter.builder("tandem.agent.transitions")
                .description("state changes of this member by new state and reason")
                .tag("pair", pair).tag("to", t.to().name()).tag("reason", t.reason().label()).register(registry)).increment();
        if (takeoverMillis >= 0) {
            takeover.record(takeoverMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void masterDownTimerExpired() {
        masterDownExpiries.increment();
    }

    @Override
    public void layer2Installed(int addresses, long tookNanos) {
        layer2Moves.increment(addresses);
        for (int i = 0; i < addresses; i++) {
            layer2MoveTime.record(tookNanos, TimeUnit.NANOSECONDS);
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
        String kind = address.indexOf(':') >= 0 ? "unsolicited_na" : "gratuitous_arp";
        announcements.computeIfAbsent(kind, k -> Counter.builder("tandem.agent.announcements")
                .description("gratuitous ARP (IPv4) and unsolicited neighbour advertisement (IPv6) frames sent")
                .tag("pair", pair).tag("kind", k).register(registry)).increment(frames);
    }

    @Override
    public void healthProbed(String check, boolean healthy, Duration took) {
        checkRuns.computeIfAbsent(check + "|" + healthy, k -> Timer.builder("tandem.agent.health.check")
                .description("runs of a health check by result (success or failure of one run), and how long they took")
                .serviceLevelObjectives(CHECK_BUCKETS)
                .tag("pair", pair).tag("check", check).tag("result", healthy ? "success" : "failure")
                .register(registry)).record(took);
        passing(check);
    }

    @Override
    public void healthChanged(String check, boolean passing, String detail) {
        passing(check).set(passing ? 1 : 0);
    }

    /** The check's state after rise and fall: starts failing, as the election counts it. */
    private AtomicInteger passing(String check) {
        return checkPassing.computeIfAbsent(check, c -> {
            AtomicInteger v = new AtomicInteger();
            Gauge.builder("tandem.agent.health.check.passing", v, AtomicInteger::get)
                    .description("1 while a health check counts as passing (after rise), 0 while failing (after fall)")
                    .tag("pair", pair).tag("check", c).register(registry);
            return v;
        });
    }
}
