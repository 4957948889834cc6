package dev.tandem.lab;

import dev.tandem.agent.StandaloneResources;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.HealthCheckSpec;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.validation.FailoverPairValidator;
import dev.tandem.validation.FloatingIpValidator;
import dev.tandem.validation.SpecProblem;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the lab runs: a FailoverPair and its layer-2 FloatingIps from a sample, and the lab's addresses for it. The
 * nodes go on the /24 of the first IPv4 layer-2 FloatingIp (a member's own {@code address} wins), the client at .50
 * and the bridge, where the API server's relay listens, at .254. Everything else a sample holds (Secrets, cloud
 * FloatingIps, HostBonds) needs a cloud or a real host, and is left out with a note.
 */
record LabSample(String source, FailoverPair pair, List<FloatingIp> floatingIps, FloatingIp clientTarget,
                 Map<String, Member> members, String clientAddress, String bridgeAddress, List<String> notes) {
    static final String DEFAULT = "bare-metal-l2-vip";
    static final int PREFIX = 24;

    /** A member node as the lab plays it. */
    record Member(String node, int priority, String interfaceName, String address) {
    }

    String namespace() {
        return Objects.requireNonNullElse(pair.getMetadata().getNamespace(), "default");
    }

    String pairName() {
        return pair.getMetadata().getName();
    }

    String vip() {
        return clientTarget.getSpec().address;
    }

    /** A sample by name (one of samples/, packaged in the jar) or a path to a YAML file. */
    static LabSample load(String nameOrFile) {
        String name = nameOrFile == null ? DEFAULT : nameOrFile;
        Path file = Path.of(name);
        if (Files.isRegularFile(file)) {
            return from(file, file.toString());
        }
        String resource = "/samples/" + (name.endsWith(".yaml") ? name : name + ".yaml");
        try (InputStream in = LabSample.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new LabException("no sample " + name + ": give the name of one in samples/ (e.g. " + DEFAULT
                        + ") or the path of a YAML file with a FailoverPair and a layer2 FloatingIp");
            }
            Path copy = Files.createTempFile("tandem-lab-sample", ".yaml");
            try {
                Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return from(copy, "samples" + resource.substring("/samples".length()));
            } finally {
                Files.deleteIfExists(copy);
            }
        } catch (IOException e) {
            throw new LabException("cannot read sample " + name + ": " + e.getMessage(), e);
        }
    }

    static LabSample from(Path file, String source) {
        StandaloneResources resources;
        try {
            resources = StandaloneResources.load(file, null);
        } catch (IllegalArgumentException e) {
            throw new LabException(e.getMessage().replace(file.toString(), source), e);
        }
        FailoverPair pair = resources.pair();
        List<SpecProblem> problems = FailoverPairValidator.validate(pair.getSpec());
        if (!problems.isEmpty()) {
            throw new LabException(source + ": FailoverPair " + pair.getMetadata().getName() + " is invalid: "
                    + problems.stream().map(SpecProblem::toString).reduce((a, b) -> a + "; " + b).orElse(""));
        }
        List<String> notes = new ArrayList<>();
        List<FloatingIp> layer2 = new ArrayList<>();
        for (FloatingIp f : resources.floatingIps()) {
            if (f.getSpec() == null || f.getSpec().failoverPairRef == null
                    || !pair.getMetadata().getName().equals(f.getSpec().failoverPairRef.name)) {
                continue;
            }
            List<SpecProblem> fipProblems = FloatingIpValidator.validate(f.getSpec());
            if (!fipProblems.isEmpty()) {
                throw new LabException(source + ": FloatingIp " + f.getMetadata().getName() + " is invalid: "
                        + fipProblems.stream().map(SpecProblem::toString).reduce((a, b) -> a + "; " + b).orElse(""));
            }
            if (f.getSpec().provider.layer2 == null) {
                notes.add("left out FloatingIp " + f.getMetadata().getName() + ": its provider ("
                        + String.join(", ", FloatingIpValidator.configuredProviders(f.getSpec().provider))
                        + ") needs a cloud; the lab runs layer2 FloatingIps");
                continue;
            }
            layer2.add(f);
        }
        FloatingIp target = layer2.stream().filter(f -> parse(f.getSpec().address) instanceof Inet4Address)
                .findFirst().orElseThrow(() -> new LabException(source + " has no layer2 FloatingIp with an IPv4"
                        + " address for FailoverPair " + pair.getMetadata().getName() + "; the lab needs one"
                        + " (its client pings it). Try --sample " + DEFAULT));
        return plan(source, pair, layer2, target, notes);
    }

    private static LabSample plan(String source, FailoverPair pair, List<FloatingIp> layer2, FloatingIp target,
                                  List<String> notes) {
        byte[] vip = parse(target.getSpec().address).getAddress();
        String net = (vip[0] & 0xFF) + "." + (vip[1] & 0xFF) + "." + (vip[2] & 0xFF) + ".";
        Set<String> taken = new HashSet<>();
        layer2.forEach(f -> taken.add(f.getSpec().address));
        String defaultInterface = Objects.requireNonNullElse(pair.getSpec().interfaceName, "eth0");
        for (MemberSpec m : pair.getSpec().members) {
            if (m.address != null) {
                if (!(parse(m.address) instanceof Inet4Address) || !m.address.startsWith(net)) {
                    throw new LabException(source + ": member " + m.node + " has address " + m.address
                            + ", outside " + net + "0/24 where the lab puts the FloatingIp " + target.getSpec().address
                            + "; the lab needs the members and the address on one IPv4 /24");
                }
                taken.add(m.address);
            }
        }
        Map<String, Member> members = new LinkedHashMap<>();
        int next = 11;
        for (MemberSpec m : pair.getSpec().members) {
            String address = m.address;
            while (address == null) {
                String candidate = net + next++;
                if (taken.add(candidate)) {
                    address = candidate;
                }
            }
            members.put(m.node, new Member(m.node, m.priority == null ? MemberSpec.DEFAULT_PRIORITY : m.priority,
                    Objects.requireNonNullElse(m.interfaceName, defaultInterface), address));
        }
        String client = free(net, 50, taken);
        String bridge = free(net, 254, taken);
        for (HealthCheckSpec c : pair.getSpec().healthChecks) {
            if (c.exec != null) {
                notes.add("health check " + c.name + " runs `" + String.join(" ", c.exec.command)
                        + "` on this host as it is: the lab does not fake it");
            }
        }
        return new LabSample(source, pair, List.copyOf(layer2), target, members, client, bridge, notes);
    }

    private static String free(String net, int from, Set<String> taken) {
        for (int host = from; host > 1; host--) {
            if (taken.add(net + host)) {
                return net + host;
            }
        }
        throw new LabException("no free address left in " + net + "0/24");
    }

    private static InetAddress parse(String address) {
        try {
            return InetAddress.ofLiteral(address);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The sample's HTTP and TCP health checks that probe this host's loopback, which the lab answers for each node. */
    List<LocalService> localServices() {
        List<LocalService> out = new ArrayList<>();
        for (HealthCheckSpec c : pair.getSpec().healthChecks) {
            if (c.http != null) {
                URI uri = URI.create(c.http.url);
                if (isLoopback(uri.getHost())) {
                    int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
                    int status = c.http.expectStatus == null || c.http.expectStatus.isEmpty() ? 200 : c.http.expectStatus.getFirst();
                    out.add(new LocalService(c.name, port, status));
                }
            } else if (c.tcp != null && isLoopback(Objects.requireNonNullElse(c.tcp.host, "127.0.0.1"))) {
                out.add(new LocalService(c.name, c.tcp.port, 0));
            }
        }
        return out;
    }

    /** A port a health check probes on a node's loopback; {@code httpStatus} 0 for a plain TCP listener. */
    record LocalService(String check, int port, int httpStatus) {
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        try {
            return "localhost".equals(host) || InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
