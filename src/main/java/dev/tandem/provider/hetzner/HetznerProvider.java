package dev.tandem.provider.hetzner;

import dev.tandem.api.v1alpha1.HetznerSpec;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.Retrier;
import dev.tandem.provider.hetzner.HetznerApi.Action;
import dev.tandem.provider.hetzner.HetznerApi.FloatingIp;
import dev.tandem.provider.hetzner.HetznerApi.Page;
import dev.tandem.validation.IpAddresses;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A Hetzner Cloud floating IP, moved between the servers of a pair.
 *
 * <p>The floating IP is {@code spec.provider.hetzner.floatingIpId}, or the one whose {@code ip} is the address (an IPv6
 * address matches the {@code /64} it lies in), found by reading every page of {@code GET /floating_ips} once.
 * Assigning reads the floating IP first and does nothing when the target server holds it already; otherwise it posts
 * {@code assign} and polls the action until {@code success}, bounded by a deadline. A 423 {@code locked} (another
 * action runs) is {@link Kind#BUSY} and retried; a 422 {@code floating_ip_assigned} is success when a fresh read shows
 * the target server. The {@link MasterGuard} is asked again before each POST.
 */
public final class HetznerProvider implements FloatingIpProvider {
    /** The provider's name, as in {@code spec.provider}. */
    public static final String NAME = "hetzner";
    static final String PROVIDER_ID_PREFIX = "hcloud://";
    /**
     * Between two reads of a running action. Hetzner asks clients not to poll too often and refills a project's budget
     * by one request a second, which every client of the project shares; the hcloud CLI polls at about 500 ms.
     */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    /** How long an action may run; floating IP actions usually finish within seconds. */
    static final Duration ACTION_DEADLINE = Duration.ofSeconds(60);
    /** A bound on the pages read while looking up the address (50 floating IPs each). */
    private static final int MAX_PAGES = 200;

    private final HetznerSpec spec;
    private final HetznerApi api;
    private final ProviderContext ctx;
    private final Duration pollInterval;
    private final Duration actionDeadline;
    private final Retrier.Sleeper pollSleeper;
    private volatile Long lookedUpId;

    public HetznerProvider(HetznerSpec spec, Credentials credentials, ProviderContext ctx) {
        this(spec, credentials, ctx, POLL_INTERVAL, ACTION_DEADLINE, Thread::sleep);
    }

    /** For tests: the wait between polls of an action, its deadline, and how the wait is spent. */
    HetznerProvider(HetznerSpec spec, Credentials credentials, ProviderContext ctx, Duration pollInterval,
            Duration actionDeadline, Retrier.Sleeper pollSleeper) {
        this.spec = spec;
        this.api = new HetznerApi(spec, credentials, ctx);
        this.ctx = ctx;
        this.pollInterval = pollInterval;
        this.actionDeadline = actionDeadline;
        this.pollSleeper = pollSleeper;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Reads the floating IP and its running actions: a running action means the holder is about to change. */
    @Override
    public ProviderHolder holder() throws ProviderException, InterruptedException {
        long id = floatingIpId();
        FloatingIp fip = onFloatingIp(() -> api.floatingIp(id));
        Optional<Action> running = onFloatingIp(() -> api.runningAction(id));
        if (running.isPresent()) {
            return ProviderHolder.pending(fip.server().map(String::valueOf), "floating IP " + id + " ("
                    + ctx.address() + ") has a running action " + running.get().id() + " ("
                    + running.get().command() + ")");
        }
        return fip.server().map(s -> ProviderHolder.of(String.valueOf(s))).orElseGet(ProviderHolder::none);
    }

    @Override
    public void assign(Member target, MasterGuard guard) throws ProviderException, InterruptedException {
        long server = serverId(target, "assign");
        long id = floatingIpId();
        if (holds(onFloatingIp(() -> api.floatingIp(id)), server)) {
            return;
        }
        // Retries repeat only the POST: one request per retry is what the budget refills between two (1 s), and an
        // earlier POST that did take effect shows up as 423 locked or 422 floating_ip_assigned, both handled.
        Optional<Action> started = onFloatingIp(() -> {
            guard.check(NAME, "assign");
            try {
                return Optional.of(api.assign(id, server));
            } catch (ProviderException e) {
                if (!"floating_ip_assigned".equals(e.code())) {
                    throw e;
                }
                // Hetzner does not say when it answers "already assigned"; it is success if the target holds it.
                FloatingIp now = api.floatingIp(id);
                if (holds(now, server)) {
                    return Optional.<Action>empty();
                }
                throw new ProviderException(Kind.PERMANENT, NAME, "assign", e.httpStatus(), e.code(), null,
                        "Hetzner refused to move floating IP " + id + " from server " + now.server()
                                .map(String::valueOf).orElse("(none)") + " to server " + server + " ("
                                + e.getMessage() + ")", e);
            }
        });
        if (started.isPresent()) {
            await(id, started.get(), "assign");
        }
    }

    private static boolean holds(FloatingIp fip, long server) {
        return fip.server().filter(s -> s == server).isPresent();
    }

    @Override
    public void release(Member holder, MasterGuard guard) throws ProviderException, InterruptedException {
        long server = serverId(holder, "release");
        long id = floatingIpId();
        Optional<Action> started = onFloatingIp(() -> {
            if (!holds(api.floatingIp(id), server)) {
                return Optional.<Action>empty();
            }
            guard.check(NAME, "release");
            return Optional.of(api.unassign(id));
        });
        if (started.isPresent()) {
            await(id, started.get(), "release");
        }
    }

    @Override
    public String discoverMachineId(String node) throws ProviderException, InterruptedException {
        return ctx.retrier().call(api::metadataInstanceId);
    }

    @Override
    public Optional<String> machineIdFromProviderId(String node, String providerId) {
        if (providerId == null || !providerId.startsWith(PROVIDER_ID_PREFIX)) {
            return Optional.empty();
        }
        return HetznerApi.parseId(providerId.substring(PROVIDER_ID_PREFIX.length())).map(String::valueOf);
    }

    /**
     * Runs a call on the floating IP through the retrier. A 404 forgets a looked-up id: a floating IP deleted and
     * created again has a new one, which the next call looks up.
     */
    private <T> T onFloatingIp(Retrier.Attempt<T> attempt) throws ProviderException, InterruptedException {
        try {
            return ctx.retrier().call(attempt);
        } catch (ProviderException e) {
            if (e.httpStatus() == 404) {
                lookedUpId = null;
            }
            throw e;
        }
    }

    /** The floating IP's id: from the spec, or looked up by address once and remembered. */
    long floatingIpId() throws ProviderException, InterruptedException {
        if (spec.floatingIpId != null) {
            return spec.floatingIpId;
        }
        Long known = lookedUpId;
        if (known != null) {
            return known;
        }
        InetAddress wanted = IpAddresses.parse(ctx.address()).orElseThrow(() -> new ProviderException(
                Kind.PERMANENT, NAME, "lookup", "address '" + ctx.address() + "' is not an IP address"));
        int seen = 0;
        int page = 1;
        for (int read = 0; read < MAX_PAGES; read++) {
            int current = page;
            Page p = ctx.retrier().call(() -> api.floatingIps(current));
            for (FloatingIp fip : p.floatingIps()) {
                if (contains(fip.ip(), wanted)) {
                    lookedUpId = fip.id();
                    return fip.id();
                }
            }
            seen += p.floatingIps().size();
            if (p.nextPage().isEmpty()) {
                throw new ProviderException(Kind.PERMANENT, NAME, "lookup", "none of the " + seen
                        + " floating IPs of the project of the token in " + api.credentialsDescription() + " is "
                        + ctx.address() + "; check spec.address, or set spec.provider.hetzner.floatingIpId");
            }
            if (p.nextPage().get() <= current) {
                throw new ProviderException(Kind.TRANSIENT, NAME, "lookup", "the floating IP list's page "
                        + current + " names page " + p.nextPage().get() + " as the next one");
            }
            page = p.nextPage().get();
        }
        throw new ProviderException(Kind.PERMANENT, NAME, "lookup", "gave up looking for " + ctx.address()
                + " after " + MAX_PAGES + " pages of floating IPs; set spec.provider.hetzner.floatingIpId");
    }

    /** Whether a floating IP's {@code ip} (an address, or an IPv6 network such as {@code 2001:db8::/64}) holds it. */
    static boolean contains(String fipIp, InetAddress wanted) {
        int slash = fipIp.indexOf('/');
        Optional<InetAddress> base = IpAddresses.parse(slash < 0 ? fipIp : fipIp.substring(0, slash));
        if (base.isEmpty() || base.get().getClass() != wanted.getClass()) {
            return false;
        }
        byte[] a = base.get().getAddress();
        byte[] b = wanted.getAddress();
        int bits = a.length * 8;
        if (slash >= 0) {
            try {
                bits = Math.min(bits, Integer.parseInt(fipIp.substring(slash + 1)));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Polls {@code action} about once a second until it succeeds. Each read goes through the retrier, so a failed
     * read does not repeat the POST; a failed action or one still running at the deadline is a
     * {@link Kind#TRANSIENT} error naming the action, and the caller's next attempt starts from a fresh read.
     */
    private void await(long floatingIpId, Action started, String operation)
            throws ProviderException, InterruptedException {
        Instant deadline = ctx.clock().instant().plus(actionDeadline);
        int polls = 0;
        Action action = started;
        while (!action.succeeded()) {
            if (action.failed()) {
                throw new ProviderException(Kind.TRANSIENT, NAME, operation, 0, "action_failed", null,
                        "action " + action.id() + " (" + action.command() + ") on floating IP " + floatingIpId
                                + " failed at Hetzner" + (action.error().isBlank() ? "" : ": " + action.error()),
                        null);
            }
            if (!ctx.clock().instant().isBefore(deadline)) {
                throw new ProviderException(Kind.TRANSIENT, NAME, operation, 0, "action_timeout", null,
                        "action " + action.id() + " (" + action.command() + ") on floating IP " + floatingIpId
                                + " is still " + action.status() + " after " + actionDeadline.toSeconds()
                                + " s; see GET /actions/" + action.id(), null);
            }
            pollSleeper.sleep(dev.tandem.provider.ActionPolls.delay(polls++, pollInterval));
            long id = action.id();
            action = onFloatingIp(() -> api.action(floatingIpId, id));
        }
    }

    private static long serverId(Member member, String operation) throws ProviderException {
        if (!member.hasMachineId()) {
            throw new ProviderException(Kind.PERMANENT, NAME, operation, "member node " + member.node()
                    + " has no server id; it comes from the node's spec.providerID (" + PROVIDER_ID_PREFIX
                    + "<id>) or, in standalone mode, from the server metadata service");
        }
        return HetznerApi.parseId(member.machineId()).orElseThrow(() -> new ProviderException(Kind.PERMANENT, NAME,
                operation, "member node " + member.node() + " has machine id '" + member.machineId()
                + "', which is not a Hetzner Cloud server id (a positive number)"));
    }

    @Override
    public void close() {
        api.close();
    }
}
