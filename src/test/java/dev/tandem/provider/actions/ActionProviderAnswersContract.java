package dev.tandem.provider.actions;

import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.sim.HttpSimulator.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.tandem.provider.ProviderFailures.assertMalformed;
import static dev.tandem.provider.ProviderFailures.assertPermanent;
import static dev.tandem.provider.ProviderFailures.assertTransient;
import static dev.tandem.provider.actions.ActionProviderFixture.ONE_ATTEMPT;
import static dev.tandem.provider.actions.ActionProviderFixture.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How every action-based provider reads credentials and answers it cannot use: a token the cloud rejects or a key the
 * Secret lacks is permanent and named without the token; a body that is no JSON is a clear transient error. A cloud's
 * answers test extends this and adds what only its answers hold (holders, metadata, provider ids, its JSON).
 */
public abstract class ActionProviderAnswersContract {
    private static final String WRONG_TOKEN = "a-t0ken-the-cloud-never-issued";

    /** The fixture of this test instance; closed after each test. */
    protected abstract ActionProviderFixture<?> fixture();

    @AfterEach
    void closeFixture() {
        fixture().close();
    }

    @Test
    void aRejectedTokenIsPermanentNamesTheSecretAndKeyAndIsNotRetried() {
        ActionProviderFixture<?> f = fixture();
        FloatingIpProvider provider = f.provider(POLICY, f.credentials("token", WRONG_TOKEN), null);

        assertPermanent(() -> provider.assign(f.b, MasterGuard.ALWAYS), e -> {
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.getMessage()).contains(f.unauthorizedSays(), f.secretSource, "key 'token'")
                    .doesNotContain(WRONG_TOKEN).doesNotContain(f.token);
        });
        assertThat(f.api().requests()).hasSize(1);
        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void aMissingKeyIsPermanentAndNoRequestIsMade() {
        ActionProviderFixture<?> f = fixture();
        FloatingIpProvider provider = f.provider(POLICY, f.credentials("api-token", f.token), null);

        assertPermanent(provider::holder, e -> assertThat(e.getMessage())
                .contains(f.secretSource, "key 'token'").doesNotContain(f.token));
        assertThat(f.api().requests()).isEmpty();
    }

    @Test
    void theSecretKeyNameComesFromTheSpecWhenSet() throws Exception {
        ActionProviderFixture<?> f = fixture();
        FloatingIpProvider provider = f.provider(POLICY, f.credentials("api-token", f.token), "api-token");

        assertThat(provider.holder().isHeldBy(f.a.machineId())).isTrue();
    }

    @Test
    void anAnswerThatIsNotJsonIsAClearTransientError() {
        ActionProviderFixture<?> f = fixture();
        f.api().failNext(1, new Response(200, Map.of("Content-Type", "text/html"), "<html><body>Bad gateway</body>"));

        assertMalformed(() -> f.provider(ONE_ATTEMPT).holder(), "not a JSON object", "Bad gateway");
    }

    @Test
    void anActionWithoutAnIdIsAClearTransientError() {
        ActionProviderFixture<?> f = fixture();
        f.failNextActionPosts(1, Response.json(201, Map.of("action", Map.of("status", f.runningStatus()))));

        assertMalformed(() -> f.provider(ONE_ATTEMPT).assign(f.b, MasterGuard.ALWAYS), "'action.id'");
    }

    @Test
    void anErrorBodyThatIsNotJsonIsQuoted() {
        ActionProviderFixture<?> f = fixture();
        f.api().failNext(1, new Response(502, Map.of("Content-Type", "text/html"), "<html>502 Bad Gateway</html>"));

        assertTransient(() -> f.provider(ONE_ATTEMPT).holder(), e -> assertThat(e.getMessage())
                .contains("HTTP 502", "502 Bad Gateway"));
    }
}
