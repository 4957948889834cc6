package dev.tandem.agent.hostbond;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.api.v1alpha1.Tandem;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HostBonds read from a YAML file of resources (the same documents as in a cluster), for standalone agents and for
 * {@code bond render}. Other kinds are skipped; a misspelt field is an error, since no API server checks the file.
 */
public final class HostBondFile {
    private HostBondFile() {
    }

    /**
     * The HostBond named {@code name}, or the only one when {@code name} is null.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static HostBond load(Path file, String name) {
        Map<String, HostBond> bonds = all(file);
        if (name != null) {
            HostBond b = bonds.get(name);
            if (b == null) {
                throw new IllegalArgumentException(file + " has no HostBond named " + name + " (it has: "
                        + (bonds.isEmpty() ? "none" : String.join(", ", bonds.keySet())) + ")");
            }
            return b;
        }
        if (bonds.size() != 1) {
            throw new IllegalArgumentException(file + " has " + bonds.size() + " HostBonds"
                    + (bonds.isEmpty() ? "" : " (" + String.join(", ", bonds.keySet()) + "); choose one with --name"));
        }
        return bonds.values().iterator().next();
    }

    static Map<String, HostBond> all(Path file) {
        Map<String, HostBond> bonds = new LinkedHashMap<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectMapper strict = Serialization.jsonMapper().copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        int index = 0;
        try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                index++;
                if (doc == null || doc.isNull() || doc.isEmpty() || !"HostBond".equals(doc.path("kind").asText())) {
                    continue;
                }
                String where = file + " document " + index + " (HostBond)";
                String apiVersion = doc.path("apiVersion").asText("");
                if (!Tandem.API_VERSION.equals(apiVersion)) {
                    throw new IllegalArgumentException(where + " has apiVersion " + apiVersion + "; this agent reads "
                            + Tandem.API_VERSION);
                }
                try {
                    HostBond b = strict.treeToValue(doc, HostBond.class);
                    if (b.getMetadata() == null || b.getMetadata().getName() == null) {
                        throw new IllegalArgumentException(where + " has no metadata.name");
                    }
                    if (b.getSpec() == null) {
                        throw new IllegalArgumentException(where + " has no spec");
                    }
                    bonds.put(b.getMetadata().getName(), b);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(where + " does not match the HostBond schema: "
                            + e.getOriginalMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return bonds;
    }
}
