package dev.tandem.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The README is the user's manual: it documents every field of every resource and the command CI runs. */
class ReadmeTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everySpecFieldIsDocumented() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> missing = new ArrayList<>();
        for (String crd : List.of("failoverpairs", "floatingips", "hostbonds")) {
            JsonNode spec = YAML.readTree(Path.of("crds", crd + ".tandem.dev.yaml").toFile())
                    .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
            for (String field : fields(spec, "spec")) {
                if (!readme.contains("`" + field + "`")) {
                    missing.add(crd + ": " + field);
                }
            }
        }
        assertThat(missing).as("fields of crds/ missing from README.md's field tables").isEmpty();
    }

    @Test
    void ciRunsTheReadmesTestCommand() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String ci = Files.readString(Path.of(".ci", "run"));
        assertThat(readme).contains("mvn -B verify");
        assertThat(ci).contains("\nmvn -B verify\n");
    }

    static List<String> fields(JsonNode schema, String path) {
        List<String> out = new ArrayList<>();
        schema.path("properties").properties().forEach((Map.Entry<String, JsonNode> e) -> {
            String p = path + "." + e.getKey();
            out.add(p);
            JsonNode v = e.getValue();
            if (v.has("properties")) {
                out.addAll(fields(v, p));
            }
            if (v.path("items").has("properties")) {
                out.addAll(fields(v.path("items"), p + "[]"));
            }
        });
        return out;
    }
}
