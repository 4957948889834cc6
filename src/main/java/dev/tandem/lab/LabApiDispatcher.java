package dev.tandem.lab;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The mock server's CRUD dispatcher, plus the API discovery documents kubectl reads before anything else ({@code /api},
 * {@code /apis} and one resource list per group version): without them {@code kubectl get failoverpairs} against the
 * lab says the server has no such resource type. Only the kinds the lab and the operator use are listed.
 */
final class LabApiDispatcher extends KubernetesCrudDispatcher {
    private static final List<String> VERBS = List.of("create", "delete", "get", "list", "patch", "update", "watch");

    /** A resource of a discovery list: plural name, kind, namespaced, short names. */
    private record Resource(String name, String kind, boolean namespaced, List<String> shortNames, boolean status) {
    }

    private static final Map<String, List<Resource>> GROUP_VERSIONS = Map.of(
            "v1", List.of(
                    new Resource("namespaces", "Namespace", false, List.of("ns"), true),
                    new Resource("nodes", "Node", false, List.of("no"), true),
                    new Resource("events", "Event", true, List.of("ev"), false),
                    new Resource("secrets", "Secret", true, List.of(), false),
                    new Resource("serviceaccounts", "ServiceAccount", true, List.of("sa"), false),
                    new Resource("configmaps", "ConfigMap", true, List.of("cm"), false),
                    new Resource("pods", "Pod", true, List.of("po"), true)),
            "tandem.dev/v1alpha1", List.of(
                    new Resource("failoverpairs", "FailoverPair", true, List.of("fp"), true),
                    new Resource("floatingips", "FloatingIp", true, List.of("fip"), true),
                    new Resource("hostbonds", "HostBond", false, List.of("hb"), true)),
            "apps/v1", List.of(new Resource("daemonsets", "DaemonSet", true, List.of("ds"), true)),
            "rbac.authorization.k8s.io/v1", List.of(
                    new Resource("roles", "Role", true, List.of(), false),
                    new Resource("rolebindings", "RoleBinding", true, List.of(), false)),
            "coordination.k8s.io/v1", List.of(new Resource("leases", "Lease", true, List.of(), false)),
            "apiextensions.k8s.io/v1", List.of(
                    new Resource("customresourcedefinitions", "CustomResourceDefinition", false, List.of("crd", "crds"), true)));

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath() == null ? "" : request.getPath().replaceFirst("\\?.*$", "").replaceFirst("/$", "");
        if ("GET".equals(request.getMethod())) {
            String body = discovery(path);
            if (body != null) {
                return new MockResponse().setResponseCode(200).addHeader("Content-Type", "application/json").setBody(body);
            }
        }
        return super.dispatch(request);
    }

    private static String discovery(String path) {
        if (path.equals("/api")) {
            return "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}";
        }
        if (path.equals("/apis")) {
            List<String> groups = new ArrayList<>();
            GROUP_VERSIONS.keySet().stream().filter(gv -> gv.contains("/")).sorted().forEach(gv -> {
                String group = gv.substring(0, gv.indexOf('/'));
                String version = "{\"groupVersion\":\"" + gv + "\",\"version\":\"" + gv.substring(gv.indexOf('/') + 1) + "\"}";
                groups.add("{\"name\":\"" + group + "\",\"versions\":[" + version + "],\"preferredVersion\":" + version + "}");
            });
            return "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + String.join(",", groups) + "]}";
        }
        String groupVersion = path.equals("/api/v1") ? "v1" : path.startsWith("/apis/") ? path.substring(6) : null;
        List<Resource> resources = groupVersion == null ? null : GROUP_VERSIONS.get(groupVersion);
        if (resources == null) {
            return null;
        }
        String list = resources.stream().flatMap(r -> {
            String verbs = VERBS.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(","));
            String shortNames = r.shortNames().stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(","));
            String main = "{\"name\":\"" + r.name() + "\",\"singularName\":\"" + r.kind().toLowerCase() + "\",\"namespaced\":"
                    + r.namespaced() + ",\"kind\":\"" + r.kind() + "\",\"verbs\":[" + verbs + "],\"shortNames\":["
                    + shortNames + "]}";
            String status = "{\"name\":\"" + r.name() + "/status\",\"singularName\":\"\",\"namespaced\":" + r.namespaced()
                    + ",\"kind\":\"" + r.kind() + "\",\"verbs\":[\"get\",\"patch\",\"update\"]}";
            return r.status() ? java.util.stream.Stream.of(main, status) : java.util.stream.Stream.of(main);
        }).collect(Collectors.joining(","));
        return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion
                + "\",\"resources\":[" + list + "]}";
    }
}
