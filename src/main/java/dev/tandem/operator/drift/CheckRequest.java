package dev.tandem.operator.drift;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import io.fabric8.kubernetes.api.model.Secret;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a check of one cloud FloatingIp needs from the reconciler.
 *
 * @param floatingIp the FloatingIp as the reconciler saw it (read only)
 * @param secret     its credentials Secret, null when its provider reads none
 * @param pair       reads its FailoverPair from the informer cache, fresh at every call (the repair guard asks it)
 * @param done       asks for a reconcile of the FloatingIp, to show what the check found
 */
public record CheckRequest(FloatingIp floatingIp, Secret secret, Supplier<Optional<FailoverPair>> pair,
                           Runnable done) {
    String uid() {
        return floatingIp.getMetadata().getUid();
    }
}
