package dev.tandem.validation;

import dev.tandem.api.v1alpha1.AwsSpec;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.LayerTwoSpec;
import dev.tandem.api.v1alpha1.MultappliedBondSpec;
import dev.tandem.api.v1alpha1.OpenStackPortSpec;
import dev.tandem.api.v1alpha1.OpenStackSpec;
import dev.tandem.api.v1alpha1.ProviderSpec;
import dev.tandem.api.v1alpha1.RetrySpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Checks a FloatingIp spec against every rule of its schema, without a cluster. */
public final class FloatingIpValidator {
    private static final String URL = "^https?://[^\\s/?#]+(/[^\\s?#]*)?$";

    private FloatingIpValidator() {
    }

    public static List<SpecProblem> validate(FloatingIpSpec spec) {
        Problems p = new Problems();
        if (spec == null) {
            p.add("spec", "is required");
            return p.list();
        }
        Optional<InetAddress> address = Optional.empty();
        if (p.required("spec.address", spec.address)) {
            address = p.ip("spec.address", spec.address);
            address.flatMap(IpAddresses::unusableAsFloating).ifPresent(why -> p.add("spec.address", why));
        }
        if (p.required("spec.failoverPairRef", spec.failoverPairRef)
                && p.required("spec.failoverPairRef.name", spec.failoverPairRef.name)) {
            p.name("spec.failoverPairRef.name", spec.failoverPairRef.name);
        }
        if (p.required("spec.provider", spec.provider)) {
            provider(p, spec.provider, address);
        }
        retry(p, spec.retry);
        return p.list();
    }

    /** The names of the provider blocks that are set. */
    public static List<String> configuredProviders(ProviderSpec provider) {
        List<String> names = new ArrayList<>();
        if (provider == null) return names;
        if (provider.layer2 != null) names.add("layer2");
        if (provider.digitalocean != null) names.add("digitalocean");
        if (provider.hetzner != null) names.add("hetzner");
        if (provider.aws != null) names.add("aws");
        if (provider.multapplied != null) names.add("multapplied");
        if (provider.openstack != null) names.add("openstack");
        return names;
    }

    /** The Secret references a spec makes, for existence checks and RBAC. */
    public static List<SecretKeyRef> credentialRefs(ProviderSpec provider) {
        List<SecretKeyRef> refs = new ArrayList<>();
        if (provider == null) return refs;
        if (provider.digitalocean != null) refs.add(provider.digitalocean.credentialsSecretRef);
        if (provider.hetzner != null) refs.add(provider.hetzner.credentialsSecretRef);
        if (provider.aws != null) refs.add(provider.aws.credentialsSecretRef);
        if (provider.multapplied != null) refs.add(provider.multapplied.credentialsSecretRef);
        if (provider.openstack != null) refs.add(provider.openstack.credentialsSecretRef);
        refs.removeIf(r -> r == null || r.name == null);
        return refs;
    }

    private static void provider(Problems p, ProviderSpec provider, Optional<InetAddress> address) {
        List<String> set = configuredProviders(provider);
        if (set.size() != 1) {
            p.add("spec.provider", "needs exactly one of layer2, digitalocean, hetzner, aws, multapplied, openstack; got "
                    + (set.isEmpty() ? "none" : String.join(", ", set)));
            return;
        }
        if (provider.layer2 != null) {
            layer2(p, provider.layer2, address);
        }
        if (provider.digitalocean != null) {
            credentials(p, "spec.provider.digitalocean", provider.digitalocean.credentialsSecretRef, true);
            p.pattern("spec.provider.digitalocean.apiUrl", provider.digitalocean.apiUrl, URL, "an http(s) URL");
            p.pattern("spec.provider.digitalocean.metadataUrl", provider.digitalocean.metadataUrl, URL, "an http(s) URL");
        }
        if (provider.hetzner != null) {
            credentials(p, "spec.provider.hetzner", provider.hetzner.credentialsSecretRef, true);
            if (provider.hetzner.floatingIpId != null && provider.hetzner.floatingIpId < 1) {
                p.add("spec.provider.hetzner.floatingIpId", "must be a positive id, got " + provider.hetzner.floatingIpId);
            }
            p.pattern("spec.provider.hetzner.apiUrl", provider.hetzner.apiUrl, URL, "an http(s) URL");
            p.pattern("spec.provider.hetzner.metadataUrl", provider.hetzner.metadataUrl, URL, "an http(s) URL");
        }
        if (provider.aws != null) {
            aws(p, provider.aws);
        }
        if (provider.multapplied != null) {
            String at = "spec.provider.multapplied";
            if (p.required(at + ".apiUrl", provider.multapplied.apiUrl)) {
                p.pattern(at + ".apiUrl", provider.multapplied.apiUrl, URL, "an http(s) URL");
            }
            credentials(p, at, provider.multapplied.credentialsSecretRef, true);
            if (p.required(at + ".bonds", provider.multapplied.bonds)) {
                p.size(at + ".bonds", provider.multapplied.bonds, 2, 8);
                Set<String> nodes = new HashSet<>();
                for (int i = 0; i < provider.multapplied.bonds.size(); i++) {
                    MultappliedBondSpec b = provider.multapplied.bonds.get(i);
                    String bat = at + ".bonds[" + i + "]";
                    if (b == null) {
                        p.add(bat, "is empty");
                        continue;
                    }
                    if (p.required(bat + ".node", b.node) && !nodes.add(b.node)) {
                        p.add(bat + ".node", "node \"" + b.node + "\" is listed twice; bonds must name distinct nodes");
                    }
                    if (p.required(bat + ".bondId", b.bondId)) {
                        p.range(bat + ".bondId", b.bondId, 1, Long.MAX_VALUE);
                    }
                    positiveIds(p, bat + ".connectedIpIds", b.connectedIpIds);
                    positiveIds(p, bat + ".routeIds", b.routeIds);
                    positiveIds(p, bat + ".cpeNatIpIds", b.cpeNatIpIds);
                }
            }
        }
        if (provider.openstack != null) {
            openstack(p, provider.openstack);
        }
    }

    private static void layer2(Problems p, LayerTwoSpec l2, Optional<InetAddress> address) {
        String at = "spec.provider.layer2";
        p.interfaceName(at + ".interface", l2.interfaceName);
        if (l2.prefixLength != null) {
            int max = address.map(IpAddresses::maxPrefixLength).orElse(128);
            p.range(at + ".prefixLength", l2.prefixLength, 1, max);
        }
        p.range(at + ".announceCount", l2.announceCount, 1, 100);
        p.duration(at + ".announceInterval", l2.announceInterval, null, Duration.ofMillis(10), Duration.ofSeconds(10));
        p.duration(at + ".announceRefresh", l2.announceRefresh, null, Duration.ofSeconds(1), Duration.ofHours(24));
    }

    private static void aws(Problems p, AwsSpec aws) {
        String at = "spec.provider.aws";
        p.required(at + ".mode", aws.mode);
        if (p.required(at + ".region", aws.region)) {
            p.pattern(at + ".region", aws.region, "^[a-z]{2}(-[a-z]+)+-[0-9]+$", "an AWS region such as eu-central-1");
        }
        if (aws.mode == AwsSpec.Mode.elasticIp && aws.allocationId == null) {
            p.add(at + ".allocationId", "is required in elasticIp mode");
        }
        p.pattern(at + ".allocationId", aws.allocationId, "^eipalloc-[0-9a-f]{8,17}$", "an allocation id (eipalloc-...)");
        p.range(at + ".deviceIndex", aws.deviceIndex, 0, 31);
        credentials(p, at, aws.credentialsSecretRef, false);
        p.pattern(at + ".endpointUrl", aws.endpointUrl, URL, "an http(s) URL");
        p.pattern(at + ".metadataUrl", aws.metadataUrl, URL, "an http(s) URL");
    }

    private static void openstack(Problems p, OpenStackSpec os) {
        String at = "spec.provider.openstack";
        if (p.required(at + ".authUrl", os.authUrl)) {
            p.pattern(at + ".authUrl", os.authUrl, URL, "an http(s) URL");
        }
        p.pattern(at + ".networkUrl", os.networkUrl, URL, "an http(s) URL");
        credentials(p, at, os.credentialsSecretRef, true);
        if (p.required(at + ".floatingIpId", os.floatingIpId)) {
            p.pattern(at + ".floatingIpId", os.floatingIpId, OpenStackSpec.UUID_PATTERN, "a UUID");
        }
        if (p.required(at + ".ports", os.ports)) {
            p.size(at + ".ports", os.ports, 2, 8);
            Set<String> nodes = new HashSet<>();
            for (int i = 0; i < os.ports.size(); i++) {
                OpenStackPortSpec port = os.ports.get(i);
                String pat = at + ".ports[" + i + "]";
                if (port == null) {
                    p.add(pat, "is empty");
                    continue;
                }
                if (p.required(pat + ".node", port.node) && !nodes.add(port.node)) {
                    p.add(pat + ".node", "node \"" + port.node + "\" is listed twice; ports must name distinct nodes");
                }
                if (p.required(pat + ".portId", port.portId)) {
                    p.pattern(pat + ".portId", port.portId, OpenStackSpec.UUID_PATTERN, "a UUID");
                }
                p.ip(pat + ".fixedIpAddress", port.fixedIpAddress);
            }
        }
    }

    private static void credentials(Problems p, String at, SecretKeyRef ref, boolean required) {
        if (ref == null) {
            if (required) {
                p.add(at + ".credentialsSecretRef", "is required");
            }
            return;
        }
        if (p.required(at + ".credentialsSecretRef.name", ref.name)) {
            p.name(at + ".credentialsSecretRef.name", ref.name);
        }
        p.pattern(at + ".credentialsSecretRef.key", ref.key, "^[-._a-zA-Z0-9]+$", "a Secret key");
    }

    private static void positiveIds(Problems p, String at, List<Long> ids) {
        if (ids == null) return;
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i) == null || ids.get(i) < 1) {
                p.add(at + "[" + i + "]", "must be a positive id, got " + ids.get(i));
            }
        }
    }

    private static void retry(Problems p, RetrySpec retry) {
        if (retry == null) {
            return;
        }
        p.range("spec.retry.attempts", retry.attempts, 1, 100);
        Optional<Duration> initial = p.duration("spec.retry.initialBackoff", retry.initialBackoff,
                RetrySpec.DEFAULT_INITIAL_BACKOFF, Duration.ZERO, Duration.ofHours(1));
        Optional<Duration> max = p.duration("spec.retry.maxBackoff", retry.maxBackoff, null, Duration.ZERO,
                Duration.ofHours(1));
        if (initial.isPresent() && max.isPresent() && initial.get().compareTo(max.get()) > 0) {
            p.add("spec.retry.initialBackoff", Durations.format(initial.get()) + " must not exceed retry.maxBackoff ("
                    + Durations.format(max.get()) + ")");
        }
        p.duration("spec.retry.timeout", retry.timeout, RetrySpec.DEFAULT_TIMEOUT, Duration.ofMillis(100),
                Duration.ofMinutes(5));
    }
}
