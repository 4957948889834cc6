package dev.tandem.provider.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.provider.ProviderException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the Neutron endpoint in the service catalogue of a Keystone v3 token: the {@code public} interface of the
 * service of type {@code network}. The FloatingIp names no region, so this is region-agnostic: one public network
 * endpoint (or several regions sharing one URL) is used as it is, several distinct ones are an error that asks for
 * {@code networkUrl} rather than a guess, since the wrong region would answer "floating IP not found".
 */
final class ServiceCatalog {
    private ServiceCatalog() {
    }

    static String networkEndpoint(JsonNode catalog) throws ProviderException {
        if (catalog == null || !catalog.isArray()) {
            throw permanent("the Keystone token carries no service catalogue; set spec.provider.openstack.networkUrl"
                    + " to the Neutron endpoint");
        }
        Map<String, String> byUrl = new LinkedHashMap<>();
        List<String> types = new ArrayList<>();
        for (JsonNode service : catalog) {
            String type = service.path("type").asText("");
            types.add(type);
            if (!type.equals("network")) {
                continue;
            }
            for (JsonNode endpoint : service.path("endpoints")) {
                String url = endpoint.path("url").asText("");
                if (endpoint.path("interface").asText("").equals("public") && !url.isBlank()) {
                    String region = endpoint.path("region_id").asText(endpoint.path("region").asText("?"));
                    byUrl.merge(url, region, (a, b) -> a + "," + b);
                }
            }
        }
        if (byUrl.isEmpty()) {
            throw permanent("the service catalogue has no public endpoint of type network (it lists "
                    + (types.isEmpty() ? "nothing" : String.join(", ", types)) + "); set"
                    + " spec.provider.openstack.networkUrl to the Neutron endpoint");
        }
        if (byUrl.size() > 1) {
            List<String> found = new ArrayList<>();
            byUrl.forEach((url, region) -> found.add(region + ": " + url));
            throw permanent("the service catalogue lists public network endpoints in several regions ("
                    + String.join("; ", found) + "); set spec.provider.openstack.networkUrl to the one of the"
                    + " floating IP's region");
        }
        return byUrl.keySet().iterator().next();
    }

    private static ProviderException permanent(String message) {
        return new ProviderException(ProviderException.Kind.PERMANENT, OpenStackProvider.NAME, Keystone.AUTHENTICATE,
                message);
    }
}
