package dev.tandem.provider.digitalocean;

import dev.tandem.api.v1alpha1.DigitalOceanSpec;
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

/** A simulator with two droplets and a reserved IP held by the first, and providers built against it. */
final class DigitalOceanFixture extends ActionProviderFixture<DigitalOceanProvider> {
    static final String TOKEN = "dop_v1_5ecret-t0ken-never-printed";
    static final String ADDRESS = "203.0.113.10";
    static final Member A = new Member("lb-a", "101");
    static final Member B = new Member("lb-b", "102");

    final DigitalOceanSimulator sim = new DigitalOceanSimulator(TOKEN, clock);

    DigitalOceanFixture() {
        super(A, B, TOKEN, "Secret default/do-token");
        sim.droplet(101, "lb-a").droplet(102, "lb-b").reservedIp(ADDRESS, 101L);
    }

    @Override
    public DigitalOceanProvider provider(RetryPolicy policy, Credentials credentials, String key) {
        return provider(policy, credentials, key, ADDRESS);
    }

    DigitalOceanProvider provider(RetryPolicy policy, Credentials credentials, String key, String address) {
        DigitalOceanSpec spec = new DigitalOceanSpec();
        spec.credentialsSecretRef = new SecretKeyRef("do-token", key);
        spec.apiUrl = sim.url() + "/";
        spec.metadataUrl = sim.url();
        return new DigitalOceanProvider(spec, credentials, context(address, policy), POLL_INTERVAL, ACTION_DEADLINE,
                pollSleeper());
    }

    /** A provider for {@code address}, with the right token. */
    DigitalOceanProvider provider(String address) {
        return provider(POLICY, credentials("token", TOKEN), null, address);
    }

    @Override
    public DigitalOceanSimulator api() {
        return sim;
    }

    @Override
    public Optional<String> holder() {
        return sim.holderOf(ADDRESS).map(String::valueOf);
    }

    @Override
    public boolean actionRunning() {
        return sim.locked(ADDRESS);
    }

    @Override
    public void actionDuration(Duration d) {
        sim.actionDuration(d);
    }

    @Override
    public void failNextAction() {
        sim.errorNextActions(1);
    }

    @Override
    public List<Request> mutatingRequests() {
        return sim.mutatingRequests();
    }

    @Override
    public List<Request> actionReads() {
        return sim.requests("GET", "/v2/reserved_ips/[^/]+/actions/\\d+");
    }

    @Override
    public void failNextActionPosts(int n, Response response) {
        sim.failNextActionPosts(n, response);
    }

    @Override
    public Response unavailable(String message) {
        return Response.json(503, Map.of("id", "service_unavailable", "message", message));
    }

    @Override
    public Response serverError() {
        return Response.json(500, Map.of("id", "server_error", "message", "Unexpected server-side error"));
    }

    @Override
    public String assignActionType() {
        return "assign_ip";
    }

    @Override
    public String runningStatus() {
        return "in-progress";
    }

    @Override
    public String unauthorizedSays() {
        return "Unable to authenticate";
    }

    @Override
    public String failedActionSays() {
        return "errored";
    }
}
