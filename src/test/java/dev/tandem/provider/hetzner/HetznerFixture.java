package dev.tandem.provider.hetzner;

import dev.tandem.api.v1alpha1.HetznerSpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.Member;
import dev.tandem.provider.RetryPolicy;
import dev.tandem.provider.actions.ActionProviderFixture;
import dev.tandem.provider.sim.HttpSimulator.Request;
import dev.tandem.provider.sim.HttpSimulator.Response;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A simulated project with two servers and a floating IP held by the first, and providers built against it. */
final class HetznerFixture extends ActionProviderFixture<HetznerProvider> {
    static final String TOKEN = "hcloud-5ecret-t0ken-never-printed";
    static final String ADDRESS = "198.51.100.20";
    static final Member A = new Member("lb-a", "42");
    static final Member B = new Member("lb-b", "43");

    final HetznerSimulator sim = new HetznerSimulator(TOKEN, clock);
    final long fip;

    HetznerFixture() {
        super(A, B, TOKEN, "Secret default/hcloud");
        sim.server(42, "lb-a").server(43, "lb-b");
        fip = sim.floatingIp(ADDRESS, 42L);
    }

    /** A provider given the floating IP's id in the spec. */
    @Override
    public HetznerProvider provider(RetryPolicy policy, Credentials credentials, String key) {
        return provider(policy, credentials, key, fip, ADDRESS);
    }

    /** A provider that looks the floating IP up by {@code address}. */
    HetznerProvider lookingUp(String address) {
        return forFloatingIp(null, address);
    }

    /** A provider of the floating IP {@code floatingIpId} (looked up by address when null), with the right token. */
    HetznerProvider forFloatingIp(Long floatingIpId, String address) {
        return provider(POLICY, credentials("token", TOKEN), null, floatingIpId, address);
    }

    HetznerProvider provider(RetryPolicy policy, Credentials credentials, String key, Long floatingIpId,
            String address) {
        HetznerSpec spec = new HetznerSpec();
        spec.credentialsSecretRef = new SecretKeyRef("hcloud", key);
        spec.floatingIpId = floatingIpId;
        spec.apiUrl = sim.apiUrl();
        spec.metadataUrl = sim.metadataUrl() + "/";
        return new HetznerProvider(spec, credentials, context(address, policy), POLL_INTERVAL, ACTION_DEADLINE,
                pollSleeper());
    }

    @Override
    public HetznerSimulator api() {
        return sim;
    }

    @Override
    public Optional<String> holder() {
        return sim.holderOf(fip).map(String::valueOf);
    }

    @Override
    public boolean actionRunning() {
        return sim.running(fip);
    }

    @Override
    public void actionDuration(Duration d) {
        sim.actionDuration(d);
    }

    @Override
    public void failNextAction() {
        sim.failNextActions(1);
    }

    @Override
    public List<Request> mutatingRequests() {
        return sim.mutatingRequests();
    }

    @Override
    public List<Request> actionReads() {
        return sim.requests("GET", "/v1/floating_ips/\\d+/actions/\\d+");
    }

    @Override
    public void failNextActionPosts(int n, Response response) {
        sim.failNextActionPosts(n, response);
    }

    @Override
    public Response unavailable(String message) {
        return error(503, "unavailable", message);
    }

    @Override
    public Response serverError() {
        return error(500, "server_error", "internal server error");
    }

    /** An answer in the {@code {"error":{...}}} body of the API reference. */
    static Response error(int status, String code, String message) {
        return Response.json(status, Map.of("error", Map.of("code", code, "message", message, "details", Map.of())));
    }

    @Override
    public String assignActionType() {
        return "assign_floating_ip";
    }

    @Override
    public String runningStatus() {
        return "running";
    }

    @Override
    public String unauthorizedSays() {
        return "unauthorized";
    }

    @Override
    public String failedActionSays() {
        return "action_failed: Action failed";
    }
}
