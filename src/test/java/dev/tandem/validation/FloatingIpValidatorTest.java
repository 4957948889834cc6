package dev.tandem.validation;

import dev.tandem.api.v1alpha1.AwsSpec;
import dev.tandem.api.v1alpha1.DigitalOceanSpec;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.HetznerSpec;
import dev.tandem.api.v1alpha1.LayerTwoSpec;
import dev.tandem.api.v1alpha1.LocalObjectRef;
import dev.tandem.api.v1alpha1.MultappliedBondSpec;
import dev.tandem.api.v1alpha1.MultappliedSpec;
import dev.tandem.api.v1alpha1.OpenStackPortSpec;
import dev.tandem.api.v1alpha1.OpenStackSpec;
import dev.tandem.api.v1alpha1.ProviderSpec;
import dev.tandem.api.v1alpha1.RetrySpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FloatingIpValidatorTest {
    private static final String UUID_A = "2f7b1c8e-3d4a-4b5c-8d9e-0a1b2c3d4e5f";
    private static final String UUID_B = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

    static FloatingIpSpec valid() {
        FloatingIpSpec s = new FloatingIpSpec();
        s.address = "192.0.2.10";
        s.failoverPairRef = new LocalObjectRef("lb");
        s.provider = new ProviderSpec();
        s.provider.layer2 = new LayerTwoSpec();
        return s;
    }

    static FloatingIpSpec with(Consumer<FloatingIpSpec> change) {
        FloatingIpSpec s = valid();
        change.accept(s);
        return s;
    }

    static DigitalOceanSpec digitalocean() {
        DigitalOceanSpec d = new DigitalOceanSpec();
        d.credentialsSecretRef = new SecretKeyRef("do-token", "token");
        return d;
    }

    static AwsSpec aws(AwsSpec.Mode mode) {
        AwsSpec a = new AwsSpec();
        a.mode = mode;
        a.region = "eu-central-1";
        if (mode == AwsSpec.Mode.elasticIp) {
            a.allocationId = "eipalloc-0123456789abcdef0";
        }
        return a;
    }

    static MultappliedSpec multapplied() {
        MultappliedSpec m = new MultappliedSpec();
        m.apiUrl = "https://bonding.example.net";
        m.credentialsSecretRef = new SecretKeyRef("bonding-api", null);
        m.bonds.add(bond("bonder-1", 11));
        m.bonds.add(bond("bonder-2", 12));
        return m;
    }

    static MultappliedBondSpec bond(String node, long id) {
        MultappliedBondSpec b = new MultappliedBondSpec();
        b.node = node;
        b.bondId = id;
        b.connectedIpIds = List.of(100L);
        b.routeIds = List.of(200L, 201L);
        b.cpeNatIpIds = List.of(300L);
        return b;
    }

    static OpenStackSpec openstack() {
        OpenStackSpec o = new OpenStackSpec();
        o.authUrl = "https://keystone.example.net:5000/v3";
        o.credentialsSecretRef = new SecretKeyRef("os-appcred", null);
        o.floatingIpId = UUID_A;
        o.ports.add(port("lb-1", UUID_B));
        o.ports.add(port("lb-2", "0123456789abcdef0123456789abcdef"));
        return o;
    }

    static OpenStackPortSpec port(String node, String id) {
        OpenStackPortSpec p = new OpenStackPortSpec();
        p.node = node;
        p.portId = id;
        return p;
    }

    @Test
    void validBaselineHasNoProblems() {
        assertThat(FloatingIpValidator.validate(valid())).isEmpty();
    }

    static Stream<Arguments> validProviders() {
        return Stream.of(
                arguments("layer2 with every field", (Consumer<ProviderSpec>) p -> {
                    p.layer2.interfaceName = "eth0";
                    p.layer2.prefixLength = 24;
                    p.layer2.announceCount = 100;
                    p.layer2.announceInterval = "10ms";
                    p.layer2.announceRefresh = "1s";
                }),
                arguments("digitalocean", (Consumer<ProviderSpec>) p -> {
                    p.layer2 = null;
                    p.digitalocean = digitalocean();
                    p.digitalocean.apiUrl = "http://127.0.0.1:18080";
                }),
                arguments("hetzner", (Consumer<ProviderSpec>) p -> {
                    p.layer2 = null;
                    p.hetzner = new HetznerSpec();
                    p.hetzner.credentialsSecretRef = new SecretKeyRef("hcloud", "token");
                    p.hetzner.floatingIpId = 4711L;
                }),
                arguments("aws elasticIp", (Consumer<ProviderSpec>) p -> {
                    p.layer2 = null;
                    p.aws = aws(AwsSpec.Mode.elasticIp);
                }),
                arguments("aws secondaryPrivateIp without credentials", (Consumer<ProviderSpec>) p -> {
                    p.layer2 = null;
                    p.aws = aws(AwsSpec.Mode.secondaryPrivateIp);
                    p.aws.deviceIndex = 31;
                }),
                arguments("multapplied", (Consumer<ProviderSpec>) p -> {
                    p.layer2 = null;
                    p.multapplied = multapplied();
                }),
                arguments("openstack", (Consumer<ProviderSpec>) p -> {
                    p.layer2 = null;
                    p.openstack = openstack();
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validProviders")
    void eachProviderHasAValidForm(String name, Consumer<ProviderSpec> change) {
        assertThat(FloatingIpValidator.validate(with(s -> change.accept(s.provider)))).isEmpty();
    }

    @Test
    void ipv6WithPrefix64IsAccepted() {
        assertThat(FloatingIpValidator.validate(with(s -> {
            s.address = "2001:db8::10";
            s.provider.layer2.prefixLength = 64;
        }))).isEmpty();
    }

    @Test
    void retryWithinLimitsIsAccepted() {
        assertThat(FloatingIpValidator.validate(with(s -> {
            s.retry = new RetrySpec();
            s.retry.attempts = 100;
            s.retry.initialBackoff = "5s";
            s.retry.maxBackoff = "5s";
            s.retry.timeout = "100ms";
        }))).isEmpty();
    }

    static Stream<Arguments> brokenVariants() {
        return Stream.of(
                arguments("address missing", (Consumer<FloatingIpSpec>) s -> s.address = null,
                        "spec.address", "required"),
                arguments("address a host name", (Consumer<FloatingIpSpec>) s -> s.address = "vip.example.com",
                        "spec.address", "vip.example.com"),
                arguments("address with prefix", (Consumer<FloatingIpSpec>) s -> s.address = "192.0.2.10/32",
                        "spec.address", "192.0.2.10/32"),
                arguments("address 999.1.1.1", (Consumer<FloatingIpSpec>) s -> s.address = "999.1.1.1",
                        "spec.address", "999.1.1.1"),
                arguments("pair ref missing", (Consumer<FloatingIpSpec>) s -> s.failoverPairRef = null,
                        "spec.failoverPairRef", "required"),
                arguments("pair ref with a bad name", (Consumer<FloatingIpSpec>) s -> s.failoverPairRef.name = "LB 1",
                        "spec.failoverPairRef.name", "LB 1"),
                arguments("provider missing", (Consumer<FloatingIpSpec>) s -> s.provider = null,
                        "spec.provider", "required"),
                arguments("no provider block", (Consumer<FloatingIpSpec>) s -> s.provider.layer2 = null,
                        "spec.provider", "none"),
                arguments("two providers", (Consumer<FloatingIpSpec>) s -> s.provider.digitalocean = digitalocean(),
                        "spec.provider", "layer2, digitalocean"),
                arguments("layer2 prefixLength 33 on IPv4", (Consumer<FloatingIpSpec>) s -> s.provider.layer2.prefixLength = 33,
                        "spec.provider.layer2.prefixLength", "got 33"),
                arguments("layer2 prefixLength 0", (Consumer<FloatingIpSpec>) s -> s.provider.layer2.prefixLength = 0,
                        "spec.provider.layer2.prefixLength", "got 0"),
                arguments("layer2 prefixLength 129 on IPv6", (Consumer<FloatingIpSpec>) s -> {
                    s.address = "2001:db8::10";
                    s.provider.layer2.prefixLength = 129;
                }, "spec.provider.layer2.prefixLength", "got 129"),
                arguments("layer2 announceCount 0", (Consumer<FloatingIpSpec>) s -> s.provider.layer2.announceCount = 0,
                        "spec.provider.layer2.announceCount", "got 0"),
                arguments("layer2 announceInterval 11s", (Consumer<FloatingIpSpec>) s -> s.provider.layer2.announceInterval = "11s",
                        "spec.provider.layer2.announceInterval", "11s"),
                arguments("layer2 announceRefresh 500ms", (Consumer<FloatingIpSpec>) s -> s.provider.layer2.announceRefresh = "500ms",
                        "spec.provider.layer2.announceRefresh", "500ms"),
                arguments("digitalocean without credentials", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.digitalocean = new DigitalOceanSpec();
                }, "spec.provider.digitalocean.credentialsSecretRef", "required"),
                arguments("digitalocean apiUrl not http", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.digitalocean = digitalocean();
                    s.provider.digitalocean.apiUrl = "ftp://api.digitalocean.com";
                }, "spec.provider.digitalocean.apiUrl", "ftp://api.digitalocean.com"),
                arguments("hetzner floatingIpId 0", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.hetzner = new HetznerSpec();
                    s.provider.hetzner.credentialsSecretRef = new SecretKeyRef("hcloud", null);
                    s.provider.hetzner.floatingIpId = 0L;
                }, "spec.provider.hetzner.floatingIpId", "got 0"),
                arguments("aws elasticIp without allocationId", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.aws = aws(AwsSpec.Mode.elasticIp);
                    s.provider.aws.allocationId = null;
                }, "spec.provider.aws.allocationId", "elasticIp"),
                arguments("aws allocationId malformed", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.aws = aws(AwsSpec.Mode.elasticIp);
                    s.provider.aws.allocationId = "eip-123";
                }, "spec.provider.aws.allocationId", "eip-123"),
                arguments("aws region malformed", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.aws = aws(AwsSpec.Mode.secondaryPrivateIp);
                    s.provider.aws.region = "Frankfurt";
                }, "spec.provider.aws.region", "Frankfurt"),
                arguments("aws deviceIndex 32", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.aws = aws(AwsSpec.Mode.secondaryPrivateIp);
                    s.provider.aws.deviceIndex = 32;
                }, "spec.provider.aws.deviceIndex", "got 32"),
                arguments("multapplied duplicate bond nodes", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.multapplied = multapplied();
                    s.provider.multapplied.bonds.get(1).node = "bonder-1";
                }, "spec.provider.multapplied.bonds[1].node", "\"bonder-1\""),
                arguments("multapplied one bond", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.multapplied = multapplied();
                    s.provider.multapplied.bonds.removeLast();
                }, "spec.provider.multapplied.bonds", "got 1"),
                arguments("multapplied bondId 0", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.multapplied = multapplied();
                    s.provider.multapplied.bonds.get(0).bondId = 0L;
                }, "spec.provider.multapplied.bonds[0].bondId", "got 0"),
                arguments("multapplied route id -1", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.multapplied = multapplied();
                    s.provider.multapplied.bonds.get(1).routeIds = List.of(200L, -1L);
                }, "spec.provider.multapplied.bonds[1].routeIds[1]", "got -1"),
                arguments("multapplied without apiUrl", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.multapplied = multapplied();
                    s.provider.multapplied.apiUrl = null;
                }, "spec.provider.multapplied.apiUrl", "required"),
                arguments("openstack floatingIpId not a UUID", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.openstack = openstack();
                    s.provider.openstack.floatingIpId = "fip-1234";
                }, "spec.provider.openstack.floatingIpId", "fip-1234"),
                arguments("openstack portId not a UUID", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.openstack = openstack();
                    s.provider.openstack.ports.get(1).portId = "2f7b1c8e-3d4a-4b5c-8d9e-0a1b2c3d4e5";
                }, "spec.provider.openstack.ports[1].portId", "2f7b1c8e-3d4a-4b5c-8d9e-0a1b2c3d4e5"),
                arguments("openstack duplicate port nodes", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.openstack = openstack();
                    s.provider.openstack.ports.get(1).node = "lb-1";
                }, "spec.provider.openstack.ports[1].node", "\"lb-1\""),
                arguments("openstack fixed IP not an address", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.openstack = openstack();
                    s.provider.openstack.ports.get(0).fixedIpAddress = "10.0.0";
                }, "spec.provider.openstack.ports[0].fixedIpAddress", "10.0.0"),
                arguments("credentials key with a slash", (Consumer<FloatingIpSpec>) s -> {
                    s.provider.layer2 = null;
                    s.provider.digitalocean = digitalocean();
                    s.provider.digitalocean.credentialsSecretRef.key = "api/token";
                }, "spec.provider.digitalocean.credentialsSecretRef.key", "api/token"),
                arguments("retry attempts 0", (Consumer<FloatingIpSpec>) s -> {
                    s.retry = new RetrySpec();
                    s.retry.attempts = 0;
                }, "spec.retry.attempts", "got 0"),
                arguments("retry timeout 50ms", (Consumer<FloatingIpSpec>) s -> {
                    s.retry = new RetrySpec();
                    s.retry.timeout = "50ms";
                }, "spec.retry.timeout", "50ms"),
                arguments("retry timeout 6m", (Consumer<FloatingIpSpec>) s -> {
                    s.retry = new RetrySpec();
                    s.retry.timeout = "6m";
                }, "spec.retry.timeout", "6m"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenVariants")
    void eachBrokenRuleIsReportedAtItsFieldNamingTheValue(String variant, Consumer<FloatingIpSpec> change, String field,
                                                         String named) {
        List<SpecProblem> problems = FloatingIpValidator.validate(with(change));

        assertThat(problems).extracting(SpecProblem::field).containsExactly(field);
        assertThat(problems.getFirst().message()).contains(named);
    }

    @Test
    void loopbackAddressCannotFloat() {
        List<SpecProblem> problems = FloatingIpValidator.validate(with(s -> s.address = "127.0.0.1"));

        assertThat(problems).extracting(SpecProblem::field).containsExactly("spec.address");
        assertThat(problems.getFirst().message()).contains("loopback");
    }

    @Test
    void multicastAddressCannotFloat() {
        List<SpecProblem> problems = FloatingIpValidator.validate(with(s -> s.address = "224.0.0.18"));

        assertThat(problems).extracting(SpecProblem::field).containsExactly("spec.address");
        assertThat(problems.getFirst().message()).contains("multicast");
    }

    @Test
    void initialBackoffLongerThanMaxBackoffIsReportedOnInitialBackoff() {
        List<SpecProblem> problems = FloatingIpValidator.validate(with(s -> {
            s.retry = new RetrySpec();
            s.retry.initialBackoff = "10s";
            s.retry.maxBackoff = "2s";
        }));

        assertThat(problems).extracting(SpecProblem::field).containsExactly("spec.retry.initialBackoff");
        assertThat(problems.getFirst().message()).contains("maxBackoff").contains("2s");
    }

    @Test
    void aLongInitialBackoffRaisesTheDefaultMaxBackoffInsteadOfBeingRefused() {
        // maxBackoff defaults to max(5s, initialBackoff), so setting only initialBackoff is never an error.
        assertThat(FloatingIpValidator.validate(with(s -> {
            s.retry = new RetrySpec();
            s.retry.initialBackoff = "6s";
        }))).isEmpty();
        List<SpecProblem> problems = FloatingIpValidator.validate(with(s -> {
            s.retry = new RetrySpec();
            s.retry.initialBackoff = "6s";
            s.retry.maxBackoff = RetrySpec.DEFAULT_MAX_BACKOFF;
        }));
        assertThat(problems).extracting(SpecProblem::field).containsExactly("spec.retry.initialBackoff");
        assertThat(problems.getFirst().message()).contains("6s").contains(RetrySpec.DEFAULT_MAX_BACKOFF);
    }

    @Test
    void configuredProvidersAndCredentialRefsListWhatIsSet() {
        ProviderSpec p = new ProviderSpec();
        p.digitalocean = digitalocean();
        p.openstack = openstack();
        p.aws = aws(AwsSpec.Mode.secondaryPrivateIp);

        assertThat(FloatingIpValidator.configuredProviders(p)).containsExactly("digitalocean", "aws", "openstack");
        assertThat(FloatingIpValidator.credentialRefs(p)).extracting(r -> r.name).containsExactly("do-token", "os-appcred");
        assertThat(FloatingIpValidator.configuredProviders(null)).isEmpty();
    }
}
