package dev.tandem.provider.multapplied;

import dev.tandem.api.v1alpha1.MultappliedSpec;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.ProviderHttp;
import dev.tandem.provider.Retrier;
import org.jboss.logging.Logger;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Multapplied Bonded Internet: the address is "held" by the member whose bond has its floating routing objects
 * enabled on the management server, every other bond having them disabled (seed 002, reference section 6). Members
 * map to bonds by node name, so a member's machine id is its node name.
 *
 * <p>A move follows {@code swap-active-bond.py}'s order (see {@link BondRoster}), one PATCH
 * {@code {"enabled": bool}} per object, but unlike the script it never swallows a failure: each PATCH is retried under
 * the FloatingIp's policy (4xx other than 429 permanent, 5xx and no answer transient), the guard is asked before each
 * PATCH and each retry, and a failure stops the sequence with a {@link PartialSwitchException} that names the object
 * that failed and those already changed.
 *
 * <p>It reads before it writes: every floating object of every bond is read (one GET each) and only the objects not
 * yet in their wanted state are PATCHed, still in the script's order. That costs one GET per object and move (six for
 * the seed's example), which the management server does not mind ("The management server API performs no request
 * throttling"), and buys three things: an assign to the member that already holds the address makes no write at all
 * (the operator's drift check calls assign repeatedly, and a write would make the server re-apply the bond's routing
 * for nothing); the report of a stopped move lists only objects that really changed; and a move resumed after a
 * failure writes only what is missing. A failed read changes nothing, since all reads come before the first write.
 */
public final class MultappliedProvider implements FloatingIpProvider {
    public static final String NAME = "multapplied";
    private static final Logger LOG = Logger.getLogger(MultappliedProvider.class);

    private final BondRoster roster;
    private final String specProblem;
    private final ManagementServer server;
    private final HttpClient client;
    private final Retrier retrier;

    public MultappliedProvider(MultappliedSpec spec, Credentials credentials, ProviderContext ctx) {
        BondRoster r = null;
        String problem = null;
        try {
            r = BondRoster.from(spec);
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        if (problem == null && (spec.apiUrl == null || spec.apiUrl.isBlank())) {
            problem = "spec.provider.multapplied.apiUrl is missing; set it to the management server's URL";
        }
        this.roster = r;
        this.specProblem = problem;
        boolean verifyTls = spec == null || spec.verifyTls == null || spec.verifyTls;
        this.client = verifyTls ? ProviderHttp.newClient(ctx.policy().timeout())
                : HttpClient.newBuilder().connectTimeout(ctx.policy().timeout())
                        .followRedirects(HttpClient.Redirect.NEVER).sslContext(TrustAnyCertificate.sslContext())
                        .build();
        this.server = new ManagementServer(problem == null ? ManagementServer.apiRoot(spec.apiUrl) : "http://invalid/",
                client, verifyTls, credentials, ctx);
        this.retrier = ctx.retrier();
        if (!verifyTls && problem == null) {
            LOG.warnf("multapplied: TLS certificates of %s are not verified (verifyTls: false)", spec.apiUrl);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ProviderHolder holder() throws ProviderException, InterruptedException {
        BondRoster r = roster();
        return BondStates.holder(r, read(r.allObjects()));
    }

    @Override
    public void assign(Member target, MasterGuard guard) throws ProviderException, InterruptedException {
        BondRoster r = roster();
        BondRoster.Bond bond = r.bondOf(target.node());
        Map<RoutingObject, Boolean> now = read(r.allObjects());
        List<SwitchStep> todo = pending(r.activation(bond), now);
        if (todo.isEmpty()) {
            LOG.debugf("multapplied: %s already holds the routing objects", target.node());
            return;
        }
        apply("assign", todo, guard);
    }

    @Override
    public void release(Member holder, MasterGuard guard) throws ProviderException, InterruptedException {
        BondRoster r = roster();
        BondRoster.Bond bond = r.bondOf(holder.node());
        List<SwitchStep> todo = pending(r.deactivation(bond), read(bond.objects()));
        apply("release", todo, guard);
    }

    /** Members map to bonds by node name. */
    @Override
    public String discoverMachineId(String node) {
        return node;
    }

    /** Members map to bonds by node name, whatever cloud (if any) the node's provider id names. */
    @Override
    public Optional<String> machineIdFromProviderId(String node, String providerId) {
        return Optional.of(node);
    }

    @Override
    public void close() {
        client.close();
    }

    private BondRoster roster() throws ProviderException {
        if (specProblem != null) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, NAME, "spec", specProblem);
        }
        return roster;
    }

    private Map<RoutingObject, Boolean> read(List<RoutingObject> objects)
            throws ProviderException, InterruptedException {
        Map<RoutingObject, Boolean> enabled = new LinkedHashMap<>();
        for (RoutingObject o : objects) {
            enabled.put(o, retrier.call(() -> server.enabled(o)));
        }
        return enabled;
    }

    private static List<SwitchStep> pending(List<SwitchStep> sequence, Map<RoutingObject, Boolean> now) {
        return sequence.stream().filter(s -> !Boolean.valueOf(s.enabled()).equals(now.get(s.object()))).toList();
    }

    /** PATCHes the steps in order, each under the retrier and the guard; stops at the first failure. */
    private void apply(String operation, List<SwitchStep> steps, MasterGuard guard)
            throws ProviderException, InterruptedException {
        List<SwitchStep> done = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            SwitchStep step = steps.get(i);
            try {
                retrier.call(() -> {
                    guard.check(NAME, operation);
                    server.setEnabled(step.object(), step.enabled());
                    return null;
                });
            } catch (ProviderException e) {
                throw new PartialSwitchException(operation, e, step, done, steps.subList(i + 1, steps.size()));
            }
            done.add(step);
            LOG.infof("multapplied %s: %s", operation, step);
        }
    }
}
