package dev.tandem.provider;

import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.ProviderSpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.provider.aws.AwsProvider;
import dev.tandem.provider.digitalocean.DigitalOceanProvider;
import dev.tandem.provider.hetzner.HetznerProvider;
import dev.tandem.provider.multapplied.MultappliedProvider;
import dev.tandem.provider.openstack.OpenStackProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Which provider a FloatingIp uses, the credentials it reads, and building it. */
public final class Providers {
    private Providers() {
    }

    /** The cloud provider's name, or empty for {@code layer2} (which the election loop moves by itself). */
    public static Optional<String> cloudName(ProviderSpec p) {
        if (p == null) return Optional.empty();
        if (p.digitalocean != null) return Optional.of("digitalocean");
        if (p.hetzner != null) return Optional.of("hetzner");
        if (p.aws != null) return Optional.of("aws");
        if (p.multapplied != null) return Optional.of("multapplied");
        if (p.openstack != null) return Optional.of("openstack");
        return Optional.empty();
    }

    /** The credentials Secret the provider reads, if it reads one (aws may use the SDK's default chain). */
    public static Optional<SecretKeyRef> credentialsRef(ProviderSpec p) {
        if (p == null) return Optional.empty();
        if (p.digitalocean != null) return Optional.ofNullable(p.digitalocean.credentialsSecretRef);
        if (p.hetzner != null) return Optional.ofNullable(p.hetzner.credentialsSecretRef);
        if (p.aws != null) return Optional.ofNullable(p.aws.credentialsSecretRef);
        if (p.multapplied != null) return Optional.ofNullable(p.multapplied.credentialsSecretRef);
        if (p.openstack != null) return Optional.ofNullable(p.openstack.credentialsSecretRef);
        return Optional.empty();
    }

    /** The keys the provider needs in its credentials Secret. */
    public static List<String> requiredKeys(ProviderSpec p) {
        if (p == null) return List.of();
        if (p.digitalocean != null) return List.of(keyOr(p.digitalocean.credentialsSecretRef, "token"));
        if (p.hetzner != null) return List.of(keyOr(p.hetzner.credentialsSecretRef, "token"));
        if (p.aws != null) return p.aws.credentialsSecretRef == null ? List.of()
                : List.of("accessKeyId", "secretAccessKey");
        if (p.multapplied != null) return List.of("username", "password");
        if (p.openstack != null) return List.of("applicationCredentialId", "applicationCredentialSecret");
        return List.of();
    }

    /** Keys a provider reads when present (a session token of temporary AWS credentials). */
    static List<String> optionalKeys(ProviderSpec p) {
        return p != null && p.aws != null && p.aws.credentialsSecretRef != null ? List.of("sessionToken") : List.of();
    }

    private static String keyOr(SecretKeyRef ref, String fallback) {
        return ref == null || ref.key == null ? fallback : ref.key;
    }

    /**
     * Builds the provider a FloatingIp names.
     *
     * @throws IllegalArgumentException for a layer2 FloatingIp, which has no cloud provider
     */
    public static FloatingIpProvider create(FloatingIpSpec spec, Credentials credentials, ProviderContext ctx) {
        ProviderSpec p = spec.provider;
        if (p.digitalocean != null) return new DigitalOceanProvider(p.digitalocean, credentials, ctx);
        if (p.hetzner != null) return new HetznerProvider(p.hetzner, credentials, ctx);
        if (p.aws != null) return new AwsProvider(p.aws, credentials, ctx);
        if (p.multapplied != null) return new MultappliedProvider(p.multapplied, credentials, ctx);
        if (p.openstack != null) return new OpenStackProvider(p.openstack, credentials, ctx);
        throw new IllegalArgumentException("FloatingIp " + spec.address + " has no cloud provider");
    }

    /**
     * Credentials from a Kubernetes Secret's {@code data} (base64) and {@code stringData}, keeping only the keys the
     * provider reads.
     */
    public static Credentials fromSecret(String source, ProviderSpec p, Map<String, String> data,
                                         Map<String, String> stringData) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : wanted(p)) {
            String plain = stringData == null ? null : stringData.get(key);
            if (plain == null && data != null && data.get(key) != null) {
                try {
                    plain = new String(Base64.getMimeDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source + ": key '" + key + "' is not valid base64");
                }
            }
            if (plain != null) {
                values.put(key, plain);
            }
        }
        return new Credentials(source, values);
    }

    /**
     * Standalone mode: credentials from files laid out as a mounted Secret, {@code DIR/<secret name>/<key>}.
     *
     * @throws IOException naming the file that exists but cannot be read
     */
    public static Credentials fromDirectory(Path dir, ProviderSpec p) throws IOException {
        Optional<SecretKeyRef> ref = credentialsRef(p);
        if (ref.isEmpty()) {
            return Credentials.none("the SDK's default credentials");
        }
        Path secretDir = dir.resolve(ref.get().name);
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : wanted(p)) {
            try {
                values.put(key, Files.readString(secretDir.resolve(key), StandardCharsets.UTF_8));
            } catch (NoSuchFileException missing) {
                // require() names the missing key when the provider needs it
            }
        }
        return new Credentials("directory " + secretDir, values);
    }

    private static List<String> wanted(ProviderSpec p) {
        List<String> keys = new java.util.ArrayList<>(requiredKeys(p));
        keys.addAll(optionalKeys(p));
        return keys;
    }
}
