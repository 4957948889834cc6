package dev.tandem.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GenericKubernetesResourceMatcher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Creates or updates the Kubernetes objects the operator owns. An object is updated only when it differs from what
 * is desired (fields the API server defaults do not count), so reconciling twice changes nothing. An object of the
 * same name that another owner made is never taken over.
 */
@ApplicationScoped
public class ChildApplier {
    @Inject
    KubernetesClient client;

    /** Thrown when an object of the desired name exists and belongs to someone else. */
    public static class NotOwnedException extends RuntimeException {
        public NotOwnedException(String message) {
            super(message);
        }
    }

    public <R extends HasMetadata> R apply(R desired, HasMetadata owner, Context<?> context) {
        R current = client.resource(desired).get();
        if (current == null) {
            return client.resource(desired).create();
        }
        requireOwned(current, owner);
        if (GenericKubernetesResourceMatcher.match(desired, current, true, false, context).matched()) {
            return current;
        }
        desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
        return client.resource(desired).update();
    }

    /** Creates the object when it does not exist; never changes an existing one (e.g. a generated key). */
    public <R extends HasMetadata> R createIfAbsent(R desired, HasMetadata owner) {
        R current = client.resource(desired).get();
        if (current == null) {
            return client.resource(desired).create();
        }
        requireOwned(current, owner);
        return current;
    }

    /** Deletes the object if it exists and belongs to the owner. */
    public void deleteOwned(HasMetadata template, HasMetadata owner) {
        HasMetadata current = client.resource(template).get();
        if (current != null && isOwned(current, owner)) {
            client.resource(current).delete();
        }
    }

    private static void requireOwned(HasMetadata current, HasMetadata owner) {
        if (!isOwned(current, owner)) {
            throw new NotOwnedException(current.getKind() + " " + current.getMetadata().getName()
                    + " already exists and is not owned by " + owner.getKind() + " " + owner.getMetadata().getName()
                    + "; rename or delete it");
        }
    }

    static boolean isOwned(HasMetadata current, HasMetadata owner) {
        return current.getMetadata().getOwnerReferences() != null && current.getMetadata().getOwnerReferences().stream()
                .anyMatch(r -> owner.getMetadata().getUid() != null && owner.getMetadata().getUid().equals(r.getUid()));
    }
}
