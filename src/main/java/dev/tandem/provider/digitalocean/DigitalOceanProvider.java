package dev.tandem.provider.digitalocean;

import dev.tandem.api.v1alpha1.DigitalOceanSpec;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.Retrier;
import dev.tandem.provider.digitalocean.DigitalOceanApi.Action;
import dev.tandem.provider.digitalocean.DigitalOceanApi.ReservedIp;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A DigitalOcean reserved IP, moved between the droplets of a pair.
 *
 * <p>Assigning reads the reserved IP first and does nothing when the target droplet already holds it (what DigitalOcean
 * answers to a repeated assign is not documented). Otherwise it posts an {@code assign} action and polls that action
 * until it is {@code completed}, bounded by a deadline. While any action runs the reserved IP is locked: a GET shows
 * {@code locked: true} and a new action is refused with 422 "pending event"; both are {@link Kind#BUSY} and retried
 * through the context's {@link Retrier}, which asks the {@link MasterGuard} again before each new POST.
 */
public final class DigitalOceanProvider implements FloatingIpProvider {
    /** The provider's name, as in {@code spec.provider}. */
    public static final String NAME = "digitalocean";
    static final String PROVIDER_ID_PREFIX = "digitalocean://";
    /**
     * Between two reads of a running action. One member polls one action at a time, so 1 s stays well inside
     * DigitalOcean's limits (250 requests a minute, 5,000 an hour per token) while adding at most a second to a move.
     */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    /** How long an action may run; reserved IP actions usually complete within seconds. */
    static final Duration ACTION_DEADLINE = Duration.ofSeconds(60);

    private final DigitalOceanApi api;
    private final ProviderContext ctx;
    private final Duration pollInterval;
    private final Duration actionDeadline;
    private final Retrier.Sleeper pollSleeper;

    public DigitalOceanProvider(DigitalOceanSpec spec, Credentials credentials, ProviderContext ctx) {
        this(spec, credentials, ctx, POLL_INTERVAL, ACTION_DEADLINE, Thread::sleep);
    }

    /** For tests: the wait between polls of an action, its deadline, and how the wait is spent. */
    DigitalOceanProvider(DigitalOceanSpec spec, Credentials credentials, ProviderContext ctx, Duration pollInterval,
            Duration actionDeadline, Retrier.Sleeper pollSleeper) {
        this.api = new DigitalOceanApi(spec, credentials, ctx);
        this.ctx = ctx;
        this.pollInterval = pollInterval;
        this.actionDeadline = actionDeadline;
        this.pollSleeper = pollSleeper;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ProviderHolder holder() throws ProviderException, InterruptedException {
        requireIpv4("holder");
        ReservedIp ip = ctx.retrier().call(api::reservedIp);
        if (ip.locked()) {
            return ProviderHolder.pending(ip.dropletId().map(String::valueOf), lockedDetail(ip));
        }
        return ip.dropletId().map(id -> ProviderHolder.of(String.valueOf(id))).orElseGet(ProviderHolder::none);
    }

    @Override
    public void assign(Member target, MasterGuard guard) throws ProviderException, InterruptedException {
        requireIpv4("assign");
        long droplet = dropletId(target, "assign");
        Optional<Action> started = ctx.retrier().call(() -> startAssign(droplet, guard));
        if (started.isPresent()) {
            await(started.get(), "assign");
        }
    }

    /** One attempt: read, and post an assign action unless the droplet holds the address already. */
    private Optional<Action> startAssign(long droplet, MasterGuard guard) throws ProviderException {
        ReservedIp ip = api.reservedIp();
        if (ip.heldBy(droplet)) {
            return Optional.empty();
        }
        if (ip.locked()) {
            throw busy("assign", ip);
        }
        guard.check(NAME, "assign");
        try {
            return Optional.of(api.assign(droplet));
        } catch (ProviderException e) {
            // A 422 other than "pending event" may be DigitalOcean refusing an assign to the droplet that holds the
            // address already (undocumented): that is success once a fresh read confirms it.
            if (e.httpStatus() == 422 && e.kind() == Kind.PERMANENT && api.reservedIp().heldBy(droplet)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void release(Member holder, MasterGuard guard) throws ProviderException, InterruptedException {
        requireIpv4("release");
        long droplet = dropletId(holder, "release");
        Optional<Action> started = ctx.retrier().call(() -> {
            ReservedIp ip = api.reservedIp();
            if (ip.locked()) {
                throw busy("release", ip);
            }
            if (ip.dropletId().filter(id -> id == droplet).isEmpty()) {
                return Optional.<Action>empty();
            }
            guard.check(NAME, "release");
            return Optional.of(api.unassign());
        });
        if (started.isPresent()) {
            await(started.get(), "release");
        }
    }

    @Override
    public String discoverMachineId(String node) throws ProviderException, InterruptedException {
        return ctx.retrier().call(api::metadataDropletId);
    }

    @Override
    public Optional<String> machineIdFromProviderId(String node, String providerId) {
        if (providerId == null || !providerId.startsWith(PROVIDER_ID_PREFIX)) {
            return Optional.empty();
        }
        return DigitalOceanApi.parseDropletId(providerId.substring(PROVIDER_ID_PREFIX.length()))
                .map(String::valueOf);
    }

    /**
     * Polls {@code action} until it completes. Each read goes through the retrier, so a failed read does not repeat
     * the POST; an errored action or one still running at the deadline is a {@link Kind#TRANSIENT} error naming the
     * action, and the caller's next attempt starts from a fresh read of the reserved IP.
     */
    private void await(Action started, String operation) throws ProviderException, InterruptedException {
        Instant deadline = ctx.clock().instant().plus(actionDeadline);
        Action action = started;
        int polls = 0;
        while (!action.completed()) {
            if (action.errored()) {
                throw new ProviderException(Kind.TRANSIENT, NAME, operation, 0, "action_errored", null,
                        "action " + action.id() + " (" + action.type() + ") on reserved IP " + ctx.address()
                                + " errored at DigitalOcean", null);
            }
            if (!ctx.clock().instant().isBefore(deadline)) {
                throw new ProviderException(Kind.TRANSIENT, NAME, operation, 0, "action_timeout", null,
                        "action " + action.id() + " (" + action.type() + ") on reserved IP " + ctx.address()
                                + " is still " + action.status() + " after " + actionDeadline.toSeconds()
                                + " s; see GET /v2/actions/" + action.id(), null);
            }
            pollSleeper.sleep(dev.tandem.provider.ActionPolls.delay(polls++, pollInterval));
            long id = action.id();
            action = ctx.retrier().call(() -> api.action(id));
        }
    }

    private ProviderException busy(String operation, ReservedIp ip) {
        return new ProviderException(Kind.BUSY, NAME, operation, 0, "locked", null, lockedDetail(ip), null);
    }

    private String lockedDetail(ReservedIp ip) {
        return "reserved IP " + ctx.address() + " is locked by a pending action"
                + ip.pendingActionId().map(id -> " " + id).orElse("");
    }

    private static long dropletId(Member member, String operation) throws ProviderException {
        if (!member.hasMachineId()) {
            throw new ProviderException(Kind.PERMANENT, NAME, operation, "member node " + member.node()
                    + " has no droplet id; it comes from the node's spec.providerID (" + PROVIDER_ID_PREFIX
                    + "<id>) or, in standalone mode, from the droplet metadata service");
        }
        return DigitalOceanApi.parseDropletId(member.machineId()).orElseThrow(() -> new ProviderException(
                Kind.PERMANENT, NAME, operation, "member node " + member.node() + " has machine id '"
                + member.machineId() + "', which is not a droplet id (a positive number)"));
    }

    private void requireIpv4(String operation) throws ProviderException {
        if (ctx.address().contains(":")) {
            throw new ProviderException(Kind.PERMANENT, NAME, operation, "address " + ctx.address()
                    + " is IPv6; the digitalocean provider moves reserved IPv4 addresses only");
        }
    }

    @Override
    public void close() {
        api.close();
    }
}
