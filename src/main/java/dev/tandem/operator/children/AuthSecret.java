package dev.tandem.operator.children;

import dev.tandem.api.v1alpha1.FailoverPair;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/** The Secret with the HMAC-SHA256 key of the udp transport, created once when the pair names none. */
public final class AuthSecret {
    public static final String KEY = "key";
    /** 256 bits: the block size of SHA-256 would allow more, RFC 2104 §3 recommends at least the hash length. */
    static final int KEY_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private AuthSecret() {
    }

    public static Secret generated(FailoverPair pair) {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(ChildNames.authSecret(pair.getMetadata().getName()))
                    .withNamespace(pair.getMetadata().getNamespace())
                    .withLabels(ElectionDaemonSet.labels(pair))
                    .withOwnerReferences(OwnerRefs.controller(pair))
                .endMetadata()
                .withType("Opaque")
                .withImmutable(false)
                .withData(Map.of(KEY, Base64.getEncoder().encodeToString(key)))
                .build();
    }
}
