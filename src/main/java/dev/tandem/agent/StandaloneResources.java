package dev.tandem.agent;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.Tandem;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resources of a standalone agent, read from one YAML file of FailoverPair and FloatingIp documents (the same
 * resources as in a cluster), for hosts outside Kubernetes, tests and the lab.
 */
public record StandaloneResources(FailoverPair pair, List<FloatingIp> floatingIps) {

    /**
     * Reads the file and picks the pair: the only FailoverPair in it, or the one named {@code pairName}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static StandaloneResources load(Path file, String pairName) {
        Map<String, FailoverPair> pairs = new LinkedHashMap<>();
        List<FloatingIp> fips = new ArrayList<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        // A misspelt field must be an error, not a silently ignored setting: there is no API server here to refuse it.
        ObjectMapper strict = Serialization.jsonMapper().copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        int index = 0;
        try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                index++;
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                String apiVersion = doc.path("apiVersion").asText("");
                String kind = doc.path("kind").asText("");
                String where = file + " document " + index + " (" + (kind.isEmpty() ? "no kind" : kind) + ")";
                if (!apiVersion.startsWith(Tandem.GROUP + "/")) {
                    continue; // Secrets, Namespaces: not the agent's
                }
                if (!Tandem.API_VERSION.equals(apiVersion)) {
                    throw new IllegalArgumentException(where + " has apiVersion " + apiVersion + "; this agent reads "
                            + Tandem.API_VERSION);
                }
                try {
                    switch (kind) {
                        case "FailoverPair" -> {
                            FailoverPair p = strict.treeToValue(doc, FailoverPair.class);
                            requireName(p, where);
                            pairs.put(p.getMetadata().getName(), p);
                        }
                        case "FloatingIp" -> {
                            FloatingIp f = strict.treeToValue(doc, FloatingIp.class);
                            requireName(f, where);
                            fips.add(f);
                        }
                        default -> { } // HostBonds are applied by the bond agent
                    }
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(where + " does not match the " + kind + " schema: "
                            + e.getOriginalMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        FailoverPair pair;
        if (pairName != null) {
            pair = pairs.get(pairName);
            if (pair == null) {
                throw new IllegalArgumentException(file + " has no FailoverPair named " + pairName + " (it has: "
                        + (pairs.isEmpty() ? "none" : String.join(", ", pairs.keySet())) + ")");
            }
        } else if (pairs.size() == 1) {
            pair = pairs.values().iterator().next();
        } else {
            throw new IllegalArgumentException(file + " has " + pairs.size() + " FailoverPairs"
                    + (pairs.isEmpty() ? "" : " (" + String.join(", ", pairs.keySet()) + "); choose one with --pair"));
        }
        return new StandaloneResources(pair, List.copyOf(fips));
    }

    private static void requireName(HasMetadata r, String where) {
        if (r.getMetadata() == null || r.getMetadata().getName() == null || r.getMetadata().getName().isBlank()) {
            throw new IllegalArgumentException(where + " has no metadata.name");
        }
    }
}
