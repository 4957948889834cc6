package dev.tandem.samples;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.validation.FailoverPairValidator;
import dev.tandem.validation.FloatingIpValidator;
import dev.tandem.validation.HostBondValidator;
import dev.tandem.validation.SpecProblem;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every tandem resource in samples/ is one a user can apply as it stands: it passes the CRD's OpenAPI schema as the
 * API server checks it (unknown fields refused, as `kubectl apply` does with strict field validation), it passes the
 * project's validators (which also carry the CEL rules the schema check here cannot run), and its references (pair,
 * credentials Secret, bond nodes) resolve within the same file. Negative controls show that the schema check can fail.
 */
class SamplesValidateTest {
    static final Path SAMPLES = Path.of("samples");
    static final Path CRDS = Path.of("crds");
    static final List<String> SAMPLE_FILES = List.of("haproxy-digitalocean.yaml", "multapplied-bonders.yaml",
            "laptop-wired-wireless-bond.yaml", "bare-metal-l2-vip.yaml", "edge-gateway-l2-unicast.yaml");
    static final String API_VERSION = "tandem.dev/v1alpha1";
    /** Keys a provider reads from its credentials Secret when the reference names no key (see the CRD descriptions). */
    static final Map<String, List<String>> CREDENTIAL_KEYS = Map.of(
            "digitalocean", List.of("token"), "hetzner", List.of("token"),
            "aws", List.of("accessKeyId", "secretAccessKey"), "multapplied", List.of("username", "password"),
            "openstack", List.of("applicationCredentialId", "applicationCredentialSecret"));
    /** Keywords of a CRD schema (OpenAPI, Kubernetes) that JSON Schema draft 4 lacks; none validates here. */
    static final List<String> KUBERNETES_KEYWORDS = List.of("x-kubernetes-validations", "x-kubernetes-int-or-string",
            "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-list-type",
            "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "nullable", "example", "externalDocs");

    /** A key given twice is an error for `kubectl apply`; a lenient parser would silently keep the last value. */
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    static Map<String, Crd> crds;
    static List<Doc> docs;

    /** One YAML document of a sample file; {@code index} counts from 1. */
    record Doc(Path file, int index, JsonNode node) {
        String kind() { return node.path("kind").asText(""); }
        String name() { return node.path("metadata").path("name").asText(""); }
        String namespace() { return node.path("metadata").path("namespace").asText(""); }
        boolean isTandem() { return API_VERSION.equals(node.path("apiVersion").asText()); }
        String label() {
            String where = namespace().isEmpty() ? "" : namespace() + "/";
            return file + " document " + index + " (" + kind() + " " + where + name() + ")";
        }
        @Override
        public String toString() { return label(); }
    }

    /** A CRD of crds/: its scope and a validator for its v1alpha1 schema. */
    record Crd(String kind, boolean namespaced, JsonSchema schema) {
        Set<ValidationMessage> validate(JsonNode object) { return schema.validate(object); }
    }

    @BeforeAll
    static void load() throws IOException {
        crds = loadCrds();
        docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(SAMPLES)) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml$")).sorted().toList()) {
                docs.addAll(readDocs(file));
            }
        }
    }

    // ---- (a) and (b): every tandem document is valid ----

    @TestFactory
    Stream<DynamicTest> everyTandemDocumentMatchesItsCrdSchema() {
        return tandemDocs().map(d -> DynamicTest.dynamicTest(d.label(), () -> {
            assertThat(crds).as("%s: no CRD in crds/ defines kind %s", d.label(), d.kind()).containsKey(d.kind());
            assertThat(messages(crds.get(d.kind()).validate(d.node())))
                    .as("%s: schema errors against crds/ (%s)", d.label(), d.kind())
                    .isEmpty();
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyTandemDocumentPassesTheProjectValidators() {
        return tandemDocs().map(d -> DynamicTest.dynamicTest(d.label(), () ->
                assertThat(javaProblems(d.node()))
                        .as("%s: problems reported by the %sValidator", d.label(), d.kind())
                        .isEmpty()));
    }

    // ---- (c): files, scopes and references ----

    @Test
    void everySampleFileExistsAndHoldsTandemResources() {
        for (String name : SAMPLE_FILES) {
            Path file = SAMPLES.resolve(name);
            assertThat(file).as("%s is one of the seed scenarios' samples", file).isRegularFile();
            assertThat(docs.stream().filter(d -> d.file().equals(file) && d.isTandem()).count())
                    .as("%s holds at least one %s resource", file, API_VERSION)
                    .isPositive();
        }
    }

    @Test
    void everyDocumentIsAKubernetesObjectInTheRightScope() {
        assertThat(docs).as("documents under samples/").isNotEmpty();
        SoftAssertions softly = new SoftAssertions();
        for (Doc d : docs) {
            softly.assertThat(d.node().path("apiVersion").asText("")).as("%s: apiVersion", d.label()).isNotEmpty();
            softly.assertThat(d.kind()).as("%s: kind", d.label()).isNotEmpty();
            softly.assertThat(d.name()).as("%s: metadata.name", d.label()).isNotEmpty();
            if (d.node().path("apiVersion").asText("").startsWith("tandem.dev/")) {
                softly.assertThat(d.isTandem()).as("%s: tandem resources are served as %s", d.label(), API_VERSION).isTrue();
                softly.assertThat(crds).as("%s: no CRD in crds/ defines kind %s", d.label(), d.kind()).containsKey(d.kind());
            }
            if (d.isTandem() && crds.containsKey(d.kind())) {
                if (crds.get(d.kind()).namespaced()) {
                    softly.assertThat(d.namespace()).as("%s: a namespaced %s needs metadata.namespace", d.label(), d.kind())
                            .isNotEmpty();
                } else {
                    softly.assertThat(d.namespace())
                            .as("%s: a %s is cluster-scoped and takes no namespace", d.label(), d.kind()).isEmpty();
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void noTwoSamplesDefineTheSameObject() {
        // `kubectl apply -f samples/` applies them all: one sample must not silently overwrite another's object.
        Map<String, Doc> seen = new HashMap<>();
        for (Doc d : docs) {
            if (!d.isTandem() && !"Secret".equals(d.kind())) continue;
            String key = d.kind() + " " + d.namespace() + "/" + d.name();
            Doc before = seen.putIfAbsent(key, d);
            assertThat(before).as("%s: %s is already defined by %s", d.label(), key, before).isNull();
        }
    }

    @Test
    void everyFloatingIpNamesAPairAndSecretsOfItsOwnFile() {
        List<Doc> fips = docs.stream().filter(d -> d.isTandem() && "FloatingIp".equals(d.kind())).toList();
        assertThat(fips).as("FloatingIps under samples/").isNotEmpty();
        SoftAssertions softly = new SoftAssertions();
        for (Doc fip : fips) {
            String pairName = fip.node().path("spec").path("failoverPairRef").path("name").asText("");
            Doc pair = find(fip, "FailoverPair", pairName);
            softly.assertThat(pair).as("%s: spec.failoverPairRef.name \"%s\" names no FailoverPair in namespace %s of %s",
                    fip.label(), pairName, fip.namespace(), fip.file()).isNotNull();

            for (Map.Entry<String, JsonNode> p : fip.node().path("spec").path("provider").properties()) {
                JsonNode ref = p.getValue().path("credentialsSecretRef");
                if (!ref.isMissingNode()) {
                    checkSecretHolds(softly, fip, p.getKey(), ref);
                }
                if ("multapplied".equals(p.getKey()) && pair != null) {
                    Set<String> bondNodes = new TreeSet<>(p.getValue().path("bonds").findValuesAsText("node"));
                    Set<String> members = new TreeSet<>(pair.node().path("spec").path("members").findValuesAsText("node"));
                    softly.assertThat(bondNodes).as("%s: multapplied.bonds[].node must be exactly the members of %s",
                            fip.label(), pair.label()).isEqualTo(members);
                }
            }
        }
        softly.assertAll();
    }

    private static void checkSecretHolds(SoftAssertions softly, Doc fip, String provider, JsonNode ref) {
        String secretName = ref.path("name").asText("");
        Doc secret = find(fip, "Secret", secretName);
        softly.assertThat(secret)
                .as("%s: %s.credentialsSecretRef names Secret \"%s\", which %s does not define in namespace %s",
                        fip.label(), provider, secretName, fip.file(), fip.namespace())
                .isNotNull();
        if (secret == null) return;
        List<String> keys = ref.hasNonNull("key") ? List.of(ref.get("key").asText()) : CREDENTIAL_KEYS.get(provider);
        for (String key : keys) {
            boolean present = secret.node().path("stringData").hasNonNull(key) || secret.node().path("data").hasNonNull(key);
            softly.assertThat(present)
                    .as("%s: Secret %s has no key \"%s\" for the %s provider", fip.label(), secretName, key, provider)
                    .isTrue();
        }
    }

    // ---- negative controls: the checks above can fail ----

    static Stream<Arguments> brokenSamples() {
        return Stream.of(
                broken("priority above 254", "haproxy-digitalocean.yaml", "FailoverPair",
                        s -> member(s, 0).put("priority", 300),
                        "maximum", "$.spec.members[0].priority"),
                broken("priority 0", "bare-metal-l2-vip.yaml", "FailoverPair",
                        s -> member(s, 2).put("priority", 0),
                        "minimum", "$.spec.members[2].priority"),
                broken("advertInterval that is no duration", "haproxy-digitalocean.yaml", "FailoverPair",
                        s -> s.put("advertInterval", "fast"),
                        "pattern", "$.spec.advertInterval"),
                broken("members missing", "multapplied-bonders.yaml", "FailoverPair",
                        s -> s.remove("members"),
                        "required", "members"),
                broken("a single member", "multapplied-bonders.yaml", "FailoverPair",
                        s -> ((ArrayNode) s.get("members")).remove(1),
                        "minItems", "$.spec.members"),
                broken("nine members", "bare-metal-l2-vip.yaml", "FailoverPair",
                        s -> {
                            for (int i = 4; i <= 9; i++) ((ArrayNode) s.get("members")).addObject().put("node", "lb-" + i);
                        },
                        "maxItems", "$.spec.members"),
                broken("node name over 253 characters", "bare-metal-l2-vip.yaml", "FailoverPair",
                        s -> member(s, 0).put("node", "a".repeat(254)),
                        "maxLength", "$.spec.members[0].node"),
                broken("unknown peering", "bare-metal-l2-vip.yaml", "FailoverPair",
                        s -> obj(s, "transport").put("peering", "broadcast"),
                        "enum", "$.spec.transport.peering"),
                broken("exec check without a command", "haproxy-digitalocean.yaml", "FailoverPair",
                        s -> obj(s.get("healthChecks").get(0), "exec").putArray("command"),
                        "minItems", "$.spec.healthChecks[0].exec.command"),
                broken("unknown provider", "haproxy-digitalocean.yaml", "FloatingIp",
                        s -> obj(s, "provider").putObject("vultr").put("reservedIpId", "abc"),
                        "additionalProperties", "vultr"),
                broken("misspelt provider field", "haproxy-digitalocean.yaml", "FloatingIp",
                        s -> obj(obj(s, "provider"), "digitalocean").put("apiURL", "https://api.example.net"),
                        "additionalProperties", "apiURL"),
                broken("address that is no IP", "bare-metal-l2-vip.yaml", "FloatingIp",
                        s -> s.put("address", "vip.example.net"),
                        "pattern", "$.spec.address"),
                broken("multapplied bond without bondId", "multapplied-bonders.yaml", "FloatingIp",
                        s -> ((ObjectNode) obj(obj(s, "provider"), "multapplied").get("bonds").get(1)).remove("bondId"),
                        "required", "bondId"),
                broken("unknown primaryReselect", "laptop-wired-wireless-bond.yaml", "HostBond",
                        s -> obj(s, "bond").put("primaryReselect", "sometimes"),
                        "enum", "primaryReselect"),
                broken("empty nodeSelector", "laptop-wired-wireless-bond.yaml", "HostBond",
                        s -> s.putObject("nodeSelector"),
                        "minProperties", "$.spec.nodeSelector"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenSamples")
    void theSchemaCheckRefusesABrokenSample(String what, Doc original, Consumer<ObjectNode> breakSpec, String keyword,
                                            String field) {
        Crd crd = crds.get(original.kind());
        assertThat(messages(crd.validate(original.node()))).as("%s before breaking it", original.label()).isEmpty();

        ObjectNode copy = original.node().deepCopy();
        breakSpec.accept((ObjectNode) copy.get("spec"));
        Set<ValidationMessage> errors = crd.validate(copy);

        assertThat(errors)
                .as("%s with %s: expected a %s error naming %s, got %s",
                        original.label(), what, keyword, field, messages(errors))
                .anySatisfy(m -> {
                    assertThat(m.getType()).isEqualTo(keyword);
                    assertThat(m.getMessage()).contains(field);
                });
    }

    @Test
    void theProjectValidatorsCatchWhatOnlyCelRulesRefuse() {
        // The schema check here cannot run the CRDs' CEL rules; these inputs pass it and must fail in Java instead.
        Doc pair = sample("haproxy-digitalocean.yaml", "FailoverPair");
        ObjectNode tooFast = pair.node().deepCopy();
        ((ObjectNode) tooFast.get("spec")).put("advertInterval", "5ms");
        assertThat(messages(crds.get("FailoverPair").validate(tooFast)))
                .as("%s with advertInterval 5ms", pair.label()).isEmpty();
        assertThat(javaProblems(tooFast)).as("%s with advertInterval 5ms", pair.label())
                .anySatisfy(p -> assertThat(p.field()).isEqualTo("spec.advertInterval"));

        Doc bond = sample("laptop-wired-wireless-bond.yaml", "HostBond");
        ObjectNode offGrid = bond.node().deepCopy();
        ((ObjectNode) offGrid.get("spec").get("bond")).put("updelay", 150);
        assertThat(messages(crds.get("HostBond").validate(offGrid))).as("%s with updelay 150", bond.label()).isEmpty();
        assertThat(javaProblems(offGrid)).as("%s with updelay 150 and miimon 100", bond.label())
                .anySatisfy(p -> assertThat(p.field()).isEqualTo("spec.bond.updelay"));
    }

    @Test
    void formatIsAssertedNotJustAnnotated() {
        // The CRDs use patterns for addresses today; if a `format` appears, the validator built here must enforce it.
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "string").put("format", "ipv4");
        JsonSchema ipv4 = schemaFactory().getSchema(schema, validatorsConfig());
        assertThat(ipv4.validate(JsonNodeFactory.instance.textNode("192.0.2.1"))).as("a valid IPv4 address").isEmpty();
        assertThat(ipv4.validate(JsonNodeFactory.instance.textNode("192.0.2.256"))).as("an invalid IPv4 address")
                .anySatisfy(m -> assertThat(m.getType()).isEqualTo("format"));
    }

    // ---- loading ----

    private static ObjectNode obj(JsonNode parent, String field) {
        return (ObjectNode) parent.get(field);
    }

    private static ObjectNode member(ObjectNode spec, int index) {
        return (ObjectNode) spec.get("members").get(index);
    }

    private static Arguments broken(String what, String file, String kind, Consumer<ObjectNode> breakSpec,
                                    String keyword, String field) {
        return Arguments.of(what + " (" + file + ", " + kind + ")", sample(file, kind), breakSpec, keyword, field);
    }

    /** The first document of a kind in a sample file. Loads on its own: parameter sources run before @BeforeAll. */
    private static Doc sample(String file, String kind) {
        try {
            return readDocs(SAMPLES.resolve(file)).stream().filter(d -> d.isTandem() && kind.equals(d.kind())).findFirst()
                    .orElseThrow(() -> new AssertionError("samples/" + file + " defines no " + kind));
        } catch (IOException e) {
            throw new AssertionError("cannot read samples/" + file, e);
        }
    }

    private static Doc find(Doc from, String kind, String name) {
        return docs.stream()
                .filter(d -> d.file().equals(from.file()) && kind.equals(d.kind()) && name.equals(d.name())
                        && from.namespace().equals(d.namespace()))
                .findFirst().orElse(null);
    }

    private static Stream<Doc> tandemDocs() {
        assertThat(docs.stream().anyMatch(Doc::isTandem)).as("tandem resources under samples/").isTrue();
        return docs.stream().filter(Doc::isTandem);
    }

    static List<Doc> readDocs(Path file) throws IOException {
        List<Doc> out = new ArrayList<>();
        try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
            while (values.hasNext()) {
                JsonNode node = values.next();
                if (node == null || node.isNull() || node.isMissingNode() || node.isEmpty()) continue;
                out.add(new Doc(file, out.size() + 1, node));
            }
        } catch (RuntimeException | IOException e) {
            throw new AssertionError(file + " document " + (out.size() + 1) + " is not valid YAML for kubectl: "
                    + e.getMessage(), e);
        }
        return out;
    }

    private static List<SpecProblem> javaProblems(JsonNode object) {
        ObjectMapper json = Serialization.jsonMapper();
        try {
            return switch (object.path("kind").asText()) {
                case "FailoverPair" ->
                        FailoverPairValidator.validate(json.treeToValue(object, FailoverPair.class).getSpec());
                case "FloatingIp" ->
                        FloatingIpValidator.validate(json.treeToValue(object, FloatingIp.class).getSpec());
                case "HostBond" ->
                        HostBondValidator.validate(json.treeToValue(object, HostBond.class).getSpec());
                default -> throw new AssertionError("no validator for kind " + object.path("kind").asText());
            };
        } catch (IOException e) {
            throw new AssertionError("cannot deserialise " + object.path("kind").asText() + ": " + e.getMessage(), e);
        }
    }

    private static List<String> messages(Set<ValidationMessage> errors) {
        return errors.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    static Map<String, Crd> loadCrds() throws IOException {
        Map<String, Crd> byKind = new HashMap<>();
        JsonSchemaFactory factory = schemaFactory();
        try (Stream<Path> files = Files.list(CRDS)) {
            List<Path> crdFiles = files
                    .filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted().toList();
            for (Path file : crdFiles) {
                JsonNode crd = YAML.readTree(file.toFile());
                String kind = crd.path("spec").path("names").path("kind").asText();
                JsonNode version = null;
                for (JsonNode v : crd.path("spec").path("versions")) {
                    if ("v1alpha1".equals(v.path("name").asText())) version = v;
                }
                assertThat(version).as("%s has a version v1alpha1", file).isNotNull();
                ObjectNode schema = version.path("schema").path("openAPIV3Schema").deepCopy();
                refuseUnknownFields(schema);
                addObjectMeta(schema, kind);
                byKind.put(kind, new Crd(kind, "Namespaced".equals(crd.path("spec").path("scope").asText()),
                        factory.getSchema(schema, validatorsConfig())));
            }
        }
        return byKind;
    }

    /**
     * A structural CRD schema drops fields it does not define, and `kubectl apply` refuses them (strict field
     * validation). JSON Schema allows them unless told otherwise: close every object that lists its properties.
     */
    static void refuseUnknownFields(JsonNode schema) {
        if (!(schema instanceof ObjectNode s)) return;
        if (s.has("properties") && !s.has("additionalProperties")
                && !s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            s.put("additionalProperties", false);
        }
        s.path("properties").forEach(SamplesValidateTest::refuseUnknownFields);
        refuseUnknownFields(s.get("items"));
        refuseUnknownFields(s.get("additionalProperties"));
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            s.path(combinator).forEach(SamplesValidateTest::refuseUnknownFields);
        }
    }

    /** The API server supplies apiVersion, kind and metadata to every custom resource; the CRD schema omits them. */
    static void addObjectMeta(ObjectNode schema, String kind) {
        ObjectNode properties = (ObjectNode) schema.get("properties");
        properties.putObject("apiVersion").put("type", "string").putArray("enum").add(API_VERSION);
        properties.putObject("kind").put("type", "string").putArray("enum").add(kind);
        ObjectNode metadata = properties.putObject("metadata").put("type", "object");
        metadata.putArray("required").add("name");
        ObjectNode meta = metadata.putObject("properties");
        meta.putObject("name").put("type", "string").put("maxLength", 253)
                .put("pattern", "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
        meta.putObject("namespace").put("type", "string").put("maxLength", 63);
        (schema.has("required") ? (ArrayNode) schema.get("required") : schema.putArray("required"))
                .add("apiVersion").add("kind").add("metadata");
    }

    static JsonSchemaFactory schemaFactory() {
        // Draft 4 is what OpenAPI v3 schemas derive from. Kubernetes' own keywords are known and ignored, so they
        // neither fail nor log a warning for every node; every draft-4 keyword (pattern, minimum, maximum, required,
        // minItems, maxItems, maxLength, enum, minProperties, additionalProperties, anyOf) validates.
        JsonMetaSchema v4 = JsonMetaSchema.getV4();
        JsonMetaSchema crdSchema = JsonMetaSchema.builder(v4.getIri(), v4)
                .keywords(KUBERNETES_KEYWORDS.stream().map(NonValidationKeyword::new).toList())
                .build();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, b -> b.metaSchema(crdSchema));
    }

    static SchemaValidatorsConfig validatorsConfig() {
        return SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .pathType(PathType.LEGACY)
                .build();
    }
}
