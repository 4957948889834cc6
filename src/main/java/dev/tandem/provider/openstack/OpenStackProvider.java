package dev.tandem.provider.openstack;

import dev.tandem.api.v1alpha1.OpenStackSpec;
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
import java.util.Optional;

/**
 * OpenStack Neutron: the address is a floating IP associated with the active member's port (reference section 5).
 * Members map to ports by node name ({@code spec.provider.openstack.ports}), so a member's machine id is its node
 * name. Moving is one {@code PUT /v2.0/floatingips/{id}} with the new {@code port_id}; Neutron applies it at once
 * (there is no action to poll), so each attempt reads the floating IP, returns if it is already on the target port,
 * and otherwise updates it, all under the FloatingIp's retry policy.
 *
 * <p>Errors: 401, 403, 404 and 400 are permanent; 409 is permanent too, since it means the member's fixed IP already
 * has another floating IP on the same external network, which no retry changes; 412 (the revision read before the
 * update is stale) is busy and retried; 429, 5xx and no answer are retried.
 */
public final class OpenStackProvider implements FloatingIpProvider {
    public static final String NAME = "openstack";
    private static final Logger LOG = Logger.getLogger(OpenStackProvider.class);

    private final MemberPorts ports;
    private final String specProblem;
    private final HttpClient client;
    private final Neutron neutron;
    private final Retrier retrier;

    public OpenStackProvider(OpenStackSpec spec, Credentials credentials, ProviderContext ctx) {
        MemberPorts p = null;
        String problem = null;
        try {
            if (spec == null) {
                throw new IllegalArgumentException("spec.provider.openstack is missing");
            }
            p = MemberPorts.from(spec.ports);
            if (spec.authUrl == null || spec.authUrl.isBlank()) {
                throw new IllegalArgumentException("spec.provider.openstack.authUrl is missing; set it to the Keystone"
                        + " v3 URL");
            }
            if (spec.floatingIpId == null || spec.floatingIpId.isBlank()) {
                throw new IllegalArgumentException("spec.provider.openstack.floatingIpId is missing");
            }
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        this.ports = p;
        this.specProblem = problem;
        this.client = ProviderHttp.newClient(ctx.policy().timeout());
        String networkUrl = problem == null && spec.networkUrl != null && !spec.networkUrl.isBlank()
                ? spec.networkUrl : null;
        Keystone keystone = new Keystone(problem == null ? spec.authUrl : "http://invalid/v3", networkUrl,
                credentials, client, ctx);
        this.neutron = new Neutron(keystone, problem == null ? spec.floatingIpId.strip() : "invalid", credentials,
                client, ctx);
        this.retrier = ctx.retrier();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ProviderHolder holder() throws ProviderException, InterruptedException {
        MemberPorts p = ports();
        FloatingIpState f = retrier.call(neutron::get);
        if (f.portId().isEmpty()) {
            return new ProviderHolder(Optional.empty(), true, "not associated with any port (status " + f.status()
                    + ")");
        }
        String portId = f.portId().get();
        String fixed = f.fixedIpAddress().orElse("none");
        Optional<MemberPorts.Port> member = p.withId(portId);
        if (member.isEmpty()) {
            return new ProviderHolder(Optional.of(portId), true, "associated with port " + portId + " (fixed IP "
                    + fixed + "), which is not a member's port in spec.provider.openstack.ports");
        }
        MemberPorts.Port port = member.get();
        String detail = "associated with port " + portId + " of " + port.node() + " (fixed IP " + fixed + ", status "
                + f.status() + ")";
        if (port.fixedIpAddress() != null && !port.fixedIpAddress().equals(f.fixedIpAddress().orElse(null))) {
            detail += ", not with the configured fixed IP " + port.fixedIpAddress() + " (the next assign moves it)";
        }
        return new ProviderHolder(Optional.of(port.node()), true, detail);
    }

    @Override
    public void assign(Member target, MasterGuard guard) throws ProviderException, InterruptedException {
        MemberPorts.Port port = ports().of(target.node());
        retrier.call(() -> {
            FloatingIpState now = neutron.get();
            if (port.is(now.portId().orElse(null)) && (port.fixedIpAddress() == null
                    || port.fixedIpAddress().equals(now.fixedIpAddress().orElse(null)))) {
                return null;
            }
            FloatingIpState after = neutron.update(port.portId(), port.fixedIpAddress(), now.revision(),
                    () -> guard.check(NAME, "assign"));
            if (!port.is(after.portId().orElse(null))) {
                throw new ProviderException(ProviderException.Kind.TRANSIENT, NAME, Neutron.UPDATE, 200, "not-applied",
                        null, "Neutron answered the update with port " + after.portId().orElse("none") + " instead of "
                        + port.portId(), null);
            }
            LOG.infof("openstack: floating IP %s associated with port %s of %s", after.address(), port.portId(),
                    target.node());
            return null;
        });
    }

    @Override
    public void release(Member holder, MasterGuard guard) throws ProviderException, InterruptedException {
        MemberPorts.Port port = ports().of(holder.node());
        retrier.call(() -> {
            FloatingIpState now = neutron.get();
            if (!port.is(now.portId().orElse(null))) {
                return null;
            }
            neutron.update(null, null, now.revision(), () -> guard.check(NAME, "release"));
            LOG.infof("openstack: floating IP %s dissociated from port %s of %s", now.address(), port.portId(),
                    holder.node());
            return null;
        });
    }

    /** Members map to ports by node name. */
    @Override
    public String discoverMachineId(String node) {
        return node;
    }

    /** Members map to ports by node name; the node's {@code openstack:///<server id>} is not needed. */
    @Override
    public Optional<String> machineIdFromProviderId(String node, String providerId) {
        return Optional.of(node);
    }

    @Override
    public void close() {
        client.close();
    }

    private MemberPorts ports() throws ProviderException {
        if (specProblem != null) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, NAME, "spec", specProblem);
        }
        return ports;
    }
}
