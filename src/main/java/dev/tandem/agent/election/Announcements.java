package dev.tandem.agent.election;

import dev.tandem.agent.PairPlan;
import dev.tandem.net.Announcer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gratuitous ARP / unsolicited NA after a takeover: one at once (RFC 5798 §6.4.1), the rest of the burst spaced on a
 * scheduler so that the election loop never waits, and an optional refresh while MASTER. A generation number makes
 * every pending announcement of an earlier mastership harmless: a member that stepped down never announces.
 */
final class Announcements {
    private final AddressSet addresses;
    private final Announcer announcer;
    private final ScheduledExecutorService scheduler;
    private final ElectionListener listener;
    private final AtomicLong generation = new AtomicLong();
    private final List<ScheduledFuture<?>> pending = new ArrayList<>();

    Announcements(AddressSet addresses, Announcer announcer, ScheduledExecutorService scheduler, ElectionListener listener) {
        this.addresses = addresses;
        this.announcer = announcer;
        this.scheduler = scheduler;
        this.listener = listener;
    }

    /** Starts announcing a new mastership; call after the addresses are installed. */
    synchronized void start() {
        cancel();
        long gen = generation.incrementAndGet();
        for (PairPlan.Layer2Address a : addresses.addresses()) {
            if (a.announceCount() == 0) {
                continue; // configureOnHost: the provider routes it; ARP for it would be answered by nobody upstream
            }
            announce(a, gen);
            for (int i = 1; i < a.announceCount(); i++) {
                pending.add(scheduler.schedule(() -> announce(a, gen), a.announceInterval().toNanos() * i, TimeUnit.NANOSECONDS));
            }
            Duration refresh = a.announceRefresh();
            if (refresh != null) {
                pending.add(scheduler.scheduleAtFixedRate(() -> announce(a, gen), refresh.toNanos(), refresh.toNanos(),
                        TimeUnit.NANOSECONDS));
            }
        }
    }

    /** Stops every announcement of the current mastership. */
    synchronized void cancel() {
        generation.incrementAndGet();
        pending.forEach(f -> f.cancel(false));
        pending.clear();
    }

    private void announce(PairPlan.Layer2Address a, long gen) {
        if (generation.get() != gen) {
            return;
        }
        try {
            int frames = announcer.announce(addresses.interfaceOf(a), AddressSet.bytes(a.address()));
            listener.announced(a.address(), frames);
        } catch (IOException e) {
            listener.problem("cannot announce " + a.address() + " on " + addresses.interfaceOf(a) + ": " + e.getMessage());
        }
    }
}
