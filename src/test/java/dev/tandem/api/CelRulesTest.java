package dev.tandem.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.CelStandardFunctions.StandardFunction.Overload.DateTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRDs' CEL rules ({@code x-kubernetes-validations}) as the Kubernetes API server runs them. The Fabric8 mock API
 * server that the other tests use evaluates no CEL, so this test compiles every rule of every CRD under crds/ with
 * Google's cel-java and evaluates it against a table of values.
 *
 * <p>The environment follows the one the API server builds for a CRD (k8s.io/apiextensions-apiserver, cel-go):
 * <ul>
 * <li>{@code self} and {@code oldSelf} are declared with a type derived from the schema node the rule sits on:
 * objects with properties are struct types whose fields are the properties (so a misspelt field does not compile),
 * maps are {@code map(string, T)}, lists {@code list(T)}, x-kubernetes-int-or-string is {@code dyn}; property names
 * that are CEL keywords or hold {@code . - /} are escaped as Kubernetes escapes them. A rule is a transition rule when
 * it references {@code oldSelf}; it is only evaluated on updates.</li>
 * <li>Standard macros and functions, the strings, sets and math extensions and optional types; regular expressions
 * find a match anywhere (RE2, as cel-go does); int, uint and double compare with each other.</li>
 * <li>{@code duration.getMilliseconds()} returns the whole duration in milliseconds, as in cel-go. cel-java 0.11.1
 * returns only the millisecond part of the second (0-999), so its standard overload is replaced here.</li>
 * <li>Before a rule runs, the schema's defaults are filled in, because the API server defaults a request before it
 * validates it: a rule never sees a defaulted field as absent.</li>
 * </ul>
 * An evaluation error rejects the request as a false result does, but the user then reads the error (e.g. "no such
 * key") instead of the rule's message; the table tells the two apart.
 */
class CelRulesTest {
    static final Path CRDS = Path.of("crds");
    static final Path SAMPLES = Path.of("samples");
    /** Fewer rules than this means the CRD generator (or a model change) dropped some. */
    static final int MIN_RULES = 25;
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .enableOptionalSyntax(true)
            .build();
    static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .setStandardEnvironmentEnabled(false)
            .setStandardFunctions(CelStandardFunctions.newBuilder()
                    .filterFunctions((function, overload) -> overload != DateTime.DURATION_TO_MILLISECONDS)
                    .build())
            .addFunctionBindings(durationToMilliseconds())
            .addLibraries(CelExtensions.strings(), CelExtensions.optional(), CelExtensions.sets(OPTIONS),
                    CelExtensions.math(OPTIONS))
            .build();

    /** Keywords Kubernetes escapes as {@code __keyword__} when they name a property (apiserver/pkg/cel/escaping.go). */
    static final Set<String> CEL_RESERVED = Set.of("true", "false", "null", "in", "as", "break", "const", "continue",
            "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void",
            "while");
    static final Pattern ESCAPABLE = Pattern.compile("^[a-zA-Z_.\\-/][a-zA-Z0-9_.\\-/]*$");

    static List<Rule> rules;

    /**
     * One rule, with the schema node it sits on. {@code segments} lead from the openAPIV3Schema root to the node: a
     * property name, {@code []} for the items of a list or {@code {}} for the values of a map.
     */
    record Rule(String crd, String kind, String version, List<String> segments, List<JsonNode> chain, String rule,
                String message, JsonNode validation, JsonNode root) {
        JsonNode schema() { return chain.getLast(); }
        String path() { return pathOf(segments); }
        String key() { return crd + "/" + version + "/" + path() + "/" + rule; }
        @Override
        public String toString() { return kind + " " + path() + ": " + rule; }
    }

    enum Outcome { PASS, FAIL, ERROR }

    /** A rule evaluated on {@code self} (and, for an update, {@code oldSelf}), expected to give {@code expected}. */
    record Case(String kind, String path, String messagePart, Object self, Object oldSelf, boolean update,
                Outcome expected, String note) {
        @Override
        public String toString() {
            return kind + " " + path + " [" + messagePart + "] "
                    + (update ? "oldSelf=" + oldSelf + " " : "") + "self=" + self + " -> " + expected
                    + (note == null ? "" : " (" + note + ")");
        }
    }

    @BeforeAll
    static void loadRules() throws IOException {
        rules = new ArrayList<>();
        try (Stream<Path> files = Files.list(CRDS)) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml$")).sorted().toList()) {
                JsonNode crd = YAML.readTree(file.toFile());
                if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
                    continue;
                }
                String kind = crd.path("spec").path("names").path("kind").asText();
                for (JsonNode version : crd.path("spec").path("versions")) {
                    JsonNode root = version.path("schema").path("openAPIV3Schema");
                    collect(crd.path("metadata").path("name").asText(), kind, version.path("name").asText(), root,
                            new ArrayList<>(), new ArrayList<>(List.of(root)), root);
                }
            }
        }
    }

    static void collect(String crd, String kind, String version, JsonNode node, List<String> segments,
                        List<JsonNode> chain, JsonNode root) {
        for (JsonNode v : node.path("x-kubernetes-validations")) {
            rules.add(new Rule(crd, kind, version, List.copyOf(segments), List.copyOf(chain), v.path("rule").asText(),
                    v.path("message").asText(), v, root));
        }
        node.path("properties").properties().forEach(p -> descend(crd, kind, version, p.getValue(), segments, chain,
                p.getKey(), root));
        if (node.path("items").isObject()) {
            descend(crd, kind, version, node.get("items"), segments, chain, "[]", root);
        }
        if (node.path("additionalProperties").isObject()) {
            descend(crd, kind, version, node.get("additionalProperties"), segments, chain, "{}", root);
        }
    }

    static void descend(String crd, String kind, String version, JsonNode child, List<String> segments,
                        List<JsonNode> chain, String segment, JsonNode root) {
        segments.add(segment);
        chain.add(child);
        collect(crd, kind, version, child, segments, chain, root);
        segments.removeLast();
        chain.removeLast();
    }

    static String pathOf(List<String> segments) {
        StringBuilder b = new StringBuilder();
        for (String s : segments) {
            if (!s.equals("[]") && !s.equals("{}") && !b.isEmpty()) {
                b.append('.');
            }
            b.append(s);
        }
        return b.toString();
    }

    static Stream<Rule> rules() throws IOException {
        if (rules == null) {
            loadRules();
        }
        return rules.stream();
    }

    // ---- 1 and 2: every rule is found and compiles ----

    @Test
    void theCrdsHaveAtLeastTheKnownNumberOfRules() {
        Map<String, Long> perCrd = new LinkedHashMap<>();
        rules.forEach(r -> perCrd.merge(r.crd(), 1L, Long::sum));
        System.out.println("CEL rules per CRD: " + perCrd + ", total " + rules.size());
        assertThat(rules)
                .as("x-kubernetes-validations rules in crds/*.yaml (per CRD: %s); fewer than %d means the generator"
                        + " or a model change dropped some", perCrd, MIN_RULES)
                .hasSizeGreaterThanOrEqualTo(MIN_RULES);
        assertThat(perCrd).as("CRDs with CEL rules")
                .containsKeys("failoverpairs.tandem.dev", "floatingips.tandem.dev", "hostbonds.tandem.dev");
        assertThat(rules).allSatisfy(r -> assertThat(r.message())
                .as("%s has no message; the API server would show the rule text instead", r).isNotBlank());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void everyRuleCompiles(Rule r) {
        Compiled compiled = compile(r);
        if (compiled.transition()) {
            // The API server refuses oldSelf where it cannot pair the new value with the old one: below the items
            // of a list that is not x-kubernetes-list-type: map.
            for (int i = 0; i < r.segments().size(); i++) {
                if (r.segments().get(i).equals("[]")) {
                    assertThat(r.chain().get(i).path("x-kubernetes-list-type").asText())
                            .as("%s (%s): transition rule below the items of a list that is not a list-type map",
                                    r, r.crd())
                            .isEqualTo("map");
                }
            }
        }
    }

    record Compiled(CelAbstractSyntaxTree ast, boolean transition) {}

    static final Map<String, Compiled> COMPILED = new HashMap<>();

    static Compiled compile(Rule r) {
        return COMPILED.computeIfAbsent(r.key(), k -> compileNow(r));
    }

    static Compiled compileNow(Rule r) {
        Map<String, CelType> structs = new LinkedHashMap<>();
        CelType selfType = celType(r.schema(), "tandem.cel." + r.kind() + "." + r.path().replace("[]", ".items")
                .replace("{}", ".values"), structs);
        if (r.validation().has("optionalOldSelf")) {
            // With optionalOldSelf, oldSelf is optional(T) and the rule also runs on create; not modelled here.
            throw new AssertionError(r + ": optionalOldSelf is not modelled by CelRulesTest yet");
        }
        CelCompiler compiler = compiler(selfType, structs, SimpleType.BOOL);
        if (r.validation().has("messageExpression")) {
            String expression = r.validation().get("messageExpression").asText();
            try {
                compiler(selfType, structs, SimpleType.STRING).compile(expression).getAst();
            } catch (CelValidationException e) {
                throw new AssertionError("messageExpression of " + r.crd() + " at " + r.path() + " does not compile"
                        + " to a string\n  messageExpression: " + expression + "\n" + e.getMessage(), e);
            }
        }
        try {
            CelAbstractSyntaxTree ast = compiler.compile(r.rule()).getAst();
            boolean transition = ast.getReferenceMap().values().stream().anyMatch(ref -> ref.name().equals("oldSelf"));
            return new Compiled(ast, transition);
        } catch (CelValidationException e) {
            throw new AssertionError("CEL rule of " + r.crd() + " (version " + r.version() + ") at " + r.path()
                    + " does not compile against self of type " + describe(selfType) + "\n  rule: " + r.rule()
                    + "\n  message: " + r.message() + "\n" + e.getMessage(), e);
        }
    }

    static CelCompiler compiler(CelType selfType, Map<String, CelType> structs, CelType resultType) {
        return CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addLibraries(CelExtensions.strings(), CelExtensions.optional(), CelExtensions.sets(OPTIONS),
                        CelExtensions.math(OPTIONS))
                .setTypeProvider(new CelTypeProvider() {
                    @Override
                    public ImmutableCollection<CelType> types() { return ImmutableList.copyOf(structs.values()); }
                    @Override
                    public Optional<CelType> findType(String name) { return Optional.ofNullable(structs.get(name)); }
                })
                .addVar("self", selfType)
                .addVar("oldSelf", selfType)
                .setResultType(resultType)
                .build();
    }

    static String describe(CelType t) {
        return switch (t) {
            case StructType s -> s.name();
            case ListType l -> "list(" + describe(l.elemType()) + ")";
            case MapType m -> "map(" + describe(m.keyType()) + ", " + describe(m.valueType()) + ")";
            default -> t.name();
        };
    }

    /** The CEL type Kubernetes gives a value of this schema (apiserver/pkg/cel/common/schemas.go, simplified). */
    static CelType celType(JsonNode s, String name, Map<String, CelType> structs) {
        if (s.path("x-kubernetes-int-or-string").asBoolean()) {
            return SimpleType.DYN;
        }
        String type = s.path("type").asText("");
        switch (type) {
            case "string" -> {
                String format = s.path("format").asText("");
                if (Set.of("byte", "duration", "date", "date-time").contains(format)) {
                    // Kubernetes types these as bytes, duration and timestamp; model them here before relying on it.
                    throw new IllegalStateException("string format " + format + " at " + name + " is not modelled by"
                            + " CelRulesTest; Kubernetes does not type it as string");
                }
                return SimpleType.STRING;
            }
            case "integer" -> { return SimpleType.INT; }
            case "number" -> { return SimpleType.DOUBLE; }
            case "boolean" -> { return SimpleType.BOOL; }
            case "array" -> {
                return s.path("items").isObject()
                        ? ListType.create(celType(s.get("items"), name + ".items", structs))
                        : ListType.create(SimpleType.DYN);
            }
            case "object" -> {
                if (s.path("properties").isObject()) {
                    Map<String, CelType> fields = new LinkedHashMap<>();
                    s.get("properties").properties().forEach(p -> escape(p.getKey()).ifPresent(field ->
                            fields.put(field, celType(p.getValue(), name + "." + field, structs))));
                    StructType struct = StructType.create(name, ImmutableSet.copyOf(fields.keySet()),
                            f -> Optional.ofNullable(fields.get(f)));
                    structs.put(name, struct);
                    return struct;
                }
                if (s.path("additionalProperties").isObject()) {
                    return MapType.create(SimpleType.STRING, celType(s.get("additionalProperties"), name + ".values",
                            structs));
                }
                return SimpleType.DYN;
            }
            default -> { return SimpleType.DYN; }
        }
    }

    /** The name under which a rule sees a property, or empty where Kubernetes hides it. */
    static Optional<String> escape(String property) {
        if (CEL_RESERVED.contains(property)) {
            return Optional.of("__" + property + "__");
        }
        if (!ESCAPABLE.matcher(property).matches()) {
            return Optional.empty();
        }
        return Optional.of(property.replace("__", "__underscores__").replace(".", "__dot__")
                .replace("-", "__dash__").replace("/", "__slash__"));
    }

    static CelFunctionBinding durationToMilliseconds() {
        // cel-go: Int(dur.Milliseconds()), the whole duration, truncated toward zero.
        return OPTIONS.evaluateCanonicalTypesToNativeValues()
                ? CelFunctionBinding.from("duration_to_milliseconds", java.time.Duration.class,
                        d -> d.toNanos() / 1_000_000L)
                : CelFunctionBinding.from("duration_to_milliseconds", com.google.protobuf.Duration.class,
                        d -> Math.addExact(Math.multiplyExact(d.getSeconds(), 1000L), d.getNanos() / 1_000_000L));
    }

    // ---- evaluation ----

    /**
     * The value a rule sees: defaults filled in from the schema (as the API server does before validating), property
     * names escaped, and numbers as the int64/double CEL uses.
     */
    @SuppressWarnings("unchecked")
    static Object prepare(Object value, JsonNode schema) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> in = new LinkedHashMap<>((Map<String, Object>) map);
            JsonNode props = schema.path("properties");
            props.properties().forEach(p -> {
                if (p.getValue().has("default") && in.get(p.getKey()) == null) {
                    in.put(p.getKey(), YAML.convertValue(p.getValue().get("default"), Object.class));
                }
            });
            Map<String, Object> out = new LinkedHashMap<>();
            in.forEach((k, v) -> {
                if (props.has(k)) {
                    escape(k).ifPresent(field -> out.put(field, prepare(v, props.get(k))));
                } else {
                    out.put(k, prepare(v, schema.path("additionalProperties")));
                }
            });
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> prepare(v, schema.path("items"))).toList();
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.longValueExact();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        return value;
    }

    static Outcome evaluate(Rule r, Object self, Object oldSelf) {
        Compiled compiled = compile(r);
        Map<String, Object> vars = new HashMap<>();
        vars.put("self", prepare(self, r.schema()));
        if (compiled.transition()) {
            vars.put("oldSelf", prepare(oldSelf, r.schema()));
        }
        try {
            Object result = RUNTIME.createProgram(compiled.ast()).eval(vars);
            assertThat(result).as("%s returned a non-bool", r).isInstanceOf(Boolean.class);
            return (Boolean) result ? Outcome.PASS : Outcome.FAIL;
        } catch (CelEvaluationException e) {
            lastError = e.getMessage();
            return Outcome.ERROR;
        }
    }

    static String lastError;

    static Rule ruleFor(String kind, String path, String messagePart) {
        List<Rule> matching = rules.stream()
                .filter(r -> r.kind().equals(kind) && r.path().equals(path) && r.message().contains(messagePart))
                .toList();
        assertThat(matching).as("rules of %s at %s whose message contains \"%s\"", kind, path, messagePart)
                .hasSize(1);
        return matching.getFirst();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ruleGivesTheExpectedOutcome(Case c) {
        Rule r = ruleFor(c.kind(), c.path(), c.messagePart());
        assertThat(compile(r).transition()).as("%s is a transition rule: give it an update case", r)
                .isEqualTo(c.update());
        lastError = null;
        Outcome got = evaluate(r, c.self(), c.oldSelf());
        assertThat(got)
                .as("%s\n  rule: %s\n  message: %s\n  self as the rule sees it: %s%s", c, r.rule(), r.message(),
                        prepare(c.self(), r.schema()), lastError == null ? "" : "\n  error: " + lastError)
                .isEqualTo(c.expected());
    }

    @Test
    void everyRuleHasAPassingAndAFailingCase() {
        List<Case> all = cases().toList();
        List<String> missing = new ArrayList<>();
        for (Rule r : rules) {
            List<Case> mine = all.stream().filter(c -> c.kind().equals(r.kind()) && c.path().equals(r.path())
                    && r.message().contains(c.messagePart())).toList();
            if (mine.stream().noneMatch(c -> c.expected() == Outcome.PASS)) {
                missing.add("a passing case for " + r + " (" + r.message() + ")");
            }
            if (mine.stream().noneMatch(c -> c.expected() == Outcome.FAIL)) {
                missing.add("a failing case for " + r + " (" + r.message() + ")");
            }
        }
        assertThat(missing).as("add these to CelRulesTest.cases()").isEmpty();
    }

    /** Kubernetes semantics that the table relies on, checked directly. */
    @Test
    void theEnvironmentBehavesLikeKubernetes() {
        Rule advert = ruleFor("FailoverPair", "spec.advertInterval", "advertInterval");
        CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS).build();
        try {
            Object millis = RUNTIME.createProgram(compiler.compile(
                    "[duration('1.5s').getMilliseconds(), duration('40.95s').getMilliseconds(),"
                            + " duration('1h').getMilliseconds(), duration('10.5ms').getMilliseconds()]")
                    .getAst()).eval(Map.of());
            assertThat(millis).as("getMilliseconds is the whole duration, as in cel-go")
                    .isEqualTo(List.of(1500L, 40950L, 3_600_000L, 10L));
            Object partial = RUNTIME.createProgram(compiler.compile("'x25%y'.matches('[0-9]+%')").getAst())
                    .eval(Map.of());
            assertThat(partial).as("matches() finds a match anywhere, as RE2 in cel-go").isEqualTo(true);
        } catch (CelValidationException | CelEvaluationException e) {
            throw new AssertionError(e);
        }
        assertThat(compile(advert).transition()).isFalse();
        assertThat(compile(ruleFor("FloatingIp", "spec.address", "immutable")).transition()).isTrue();
    }

    // ---- the table ----

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();

        // FailoverPair
        on(c, "FailoverPair", "spec.advertInterval", "advertInterval must be between 10ms and 40.95s")
                .pass("10ms", "100ms", "40.95s", "20ms", "0.5s", "1.23s")
                .fail("5ms", "41s", "15ms", "0s", "1m", "40.951s")
                // getMilliseconds() truncates, so a sub-millisecond remainder slips through the 10ms-step check.
                .pass(noted("gap: not a 10ms step, the fraction of a millisecond is truncated", "10.5ms"));
        on(c, "FailoverPair", "spec.healthChecks", "health check names must be unique")
                .pass(y("[]"), y("[{name: a, tcp: {port: 80}}, {name: b, tcp: {port: 81}}]"))
                .fail(y("[{name: a, tcp: {port: 80}}, {name: a, tcp: {port: 81}}]"),
                        y("[{name: a, tcp: {port: 80}}, {name: b, tcp: {port: 81}}, {name: a, tcp: {port: 82}}]"));
        on(c, "FailoverPair", "spec.healthChecks[]", "exactly one of exec, tcp or http")
                .pass(y("{name: a, tcp: {port: 80}}"), y("{name: a, exec: {command: [pidof, haproxy]}}"),
                        y("{name: a, http: {url: 'http://127.0.0.1:8404/healthz'}}"))
                .fail(y("{name: a}"), y("{name: a, tcp: {port: 80}, http: {url: 'http://127.0.0.1/'}}"),
                        y("{name: a, tcp: {port: 80}, http: {url: 'http://127.0.0.1/'},"
                                + " exec: {command: [/bin/true]}}"));
        on(c, "FailoverPair", "spec.healthChecks[]", "timeout must not exceed its interval")
                .pass(y("{name: a, tcp: {port: 80}}"), y("{name: a, tcp: {port: 80}, interval: 5s, timeout: 5s}"),
                        y("{name: a, tcp: {port: 80}, interval: 1m, timeout: 3s}"),
                        noted("timeout has no schema default (the agent uses min(1s, interval))",
                                y("{name: a, tcp: {port: 80}, interval: 500ms}")))
                .fail(y("{name: a, tcp: {port: 80}, interval: 2s, timeout: 3s}"),
                        noted("interval defaults to 2s", y("{name: a, tcp: {port: 80}, timeout: 5s}")));
        on(c, "FailoverPair", "spec.healthChecks[].interval", "interval must be between 100ms and 1h")
                .pass("100ms", "2s", "1h", "0.5h")
                .fail("99ms", "61m", "2h", "1.5h");
        on(c, "FailoverPair", "spec.healthChecks[].timeout", "timeout must be at least 10ms")
                .pass("10ms", "1s", "1h")
                .fail("9ms", "0s", "0.005s");
        on(c, "FailoverPair", "spec.members", "members must name distinct nodes")
                .pass(y("[{node: a}, {node: b}]"), y("[{node: a, priority: 200}, {node: b, priority: 200}, {node: c}]"))
                .fail(y("[{node: a}, {node: a}]"), y("[{node: a}, {node: b}, {node: a, priority: 50}]"));
        on(c, "FailoverPair", "spec.preemptDelay", "preemptDelay must be at most 1h")
                .pass("0s", "30s", "1h", "0.5h")
                .fail("61m", "1.5h", "3601s");
        on(c, "FailoverPair", "spec.transport", "transport.udp is only allowed with type udp")
                .pass(y("{}"), y("{type: vrrp, peering: multicast}"), y("{type: udp}"),
                        y("{type: udp, udp: {port: 5798, authSecretRef: {name: s}}}"))
                .fail(y("{type: vrrp, udp: {port: 5798}}"),
                        noted("type defaults to vrrp", y("{udp: {port: 5798}}")));

        // FloatingIp
        on(c, "FloatingIp", "spec", "prefixLength must be at most 32 for an IPv4 address")
                .pass(y("{address: 192.0.2.10, failoverPairRef: {name: p}, provider: {layer2: {prefixLength: 24}}}"),
                        y("{address: 192.0.2.10, failoverPairRef: {name: p}, provider: {layer2: {prefixLength: 32}}}"),
                        y("{address: 192.0.2.10, failoverPairRef: {name: p}, provider: {layer2: {}}}"),
                        y("{address: 192.0.2.10, failoverPairRef: {name: p}, provider: {hetzner: {credentialsSecretRef:"
                                + " {name: h}}}}"),
                        y("{address: '2001:db8::1', failoverPairRef: {name: p},"
                                + " provider: {layer2: {prefixLength: 64}}}"),
                        y("{address: '2001:db8::1', failoverPairRef: {name: p},"
                                + " provider: {layer2: {prefixLength: 128}}}"))
                .fail(y("{address: 192.0.2.10, failoverPairRef: {name: p}, provider: {layer2: {prefixLength: 33}}}"),
                        y("{address: 192.0.2.10, failoverPairRef: {name: p},"
                                + " provider: {layer2: {prefixLength: 128}}}"));
        on(c, "FloatingIp", "spec.address", "address is immutable")
                .update("192.0.2.10", "192.0.2.10", Outcome.PASS)
                .update("2001:db8::1", "2001:db8::1", Outcome.PASS)
                .update("192.0.2.10", "192.0.2.11", Outcome.FAIL)
                .update("192.0.2.10", "2001:db8::1", Outcome.FAIL);
        on(c, "FloatingIp", "spec.provider", "provider needs exactly one of")
                .pass(y("{layer2: {}}"), y("{aws: {mode: secondaryPrivateIp, region: eu-central-1}}"),
                        y("{digitalocean: {credentialsSecretRef: {name: do}}}"),
                        y("{hetzner: {credentialsSecretRef: {name: h}}}"),
                        y("{multapplied: {apiUrl: 'https://b.example.net', credentialsSecretRef: {name: m},"
                                + " bonds: [{node: a, bondId: 1}, {node: b, bondId: 2}]}}"),
                        y("{openstack: {authUrl: 'https://k.example.net/v3', credentialsSecretRef: {name: o},"
                                + " floatingIpId: 0123456789abcdef0123456789abcdef,"
                                + " ports: [{node: a, portId: 0123456789abcdef0123456789abcdef},"
                                + " {node: b, portId: fedcba9876543210fedcba9876543210}]}}"))
                .fail(y("{}"), y("{layer2: {}, hetzner: {credentialsSecretRef: {name: h}}}"),
                        y("{layer2: {}, aws: {mode: secondaryPrivateIp, region: eu-central-1},"
                                + " digitalocean: {credentialsSecretRef: {name: do}}}"));
        on(c, "FloatingIp", "spec.provider.aws", "allocationId is required in elasticIp mode")
                .pass(y("{mode: elasticIp, region: eu-central-1, allocationId: eipalloc-0123abcd}"),
                        y("{mode: secondaryPrivateIp, region: eu-central-1}"))
                .fail(y("{mode: elasticIp, region: eu-central-1}"),
                        y("{mode: elasticIp, region: eu-central-1, deviceIndex: 1}"));
        on(c, "FloatingIp", "spec.provider.layer2.announceInterval", "announceInterval must be between 10ms and 10s")
                .pass("10ms", "100ms", "10s")
                .fail("9ms", "10.001s", "1m");
        on(c, "FloatingIp", "spec.provider.layer2.announceRefresh", "announceRefresh must be at least 1s")
                .pass("1s", "30s", "1h")
                .fail("999ms", "0s", "0.5s");
        on(c, "FloatingIp", "spec.provider.multapplied.bonds", "bonds must name distinct nodes")
                .pass(y("[{node: a, bondId: 1}, {node: b, bondId: 1}]"))
                .fail(y("[{node: a, bondId: 1}, {node: a, bondId: 2}]"));
        on(c, "FloatingIp", "spec.provider.openstack.ports", "ports must name distinct nodes")
                .pass(y("[{node: a, portId: p1}, {node: b, portId: p2}]"))
                .fail(y("[{node: a, portId: p1}, {node: a, portId: p2}]"));
        on(c, "FloatingIp", "spec.retry", "initialBackoff must not exceed retry.maxBackoff")
                .pass(y("{}"), y("{initialBackoff: 250ms, maxBackoff: 5s}"), y("{initialBackoff: 5s, maxBackoff: 5s}"),
                        y("{initialBackoff: 10s, maxBackoff: 1m}"),
                        noted("maxBackoff has no schema default (max(5s, initialBackoff))", y("{initialBackoff: 10s}")))
                .fail(y("{initialBackoff: 10s, maxBackoff: 5s}"),
                        noted("initialBackoff defaults to 250ms", y("{maxBackoff: 100ms}")));
        on(c, "FloatingIp", "spec.retry.timeout", "retry.timeout must be between 100ms and 5m")
                .pass("100ms", "5s", "5m")
                .fail("99ms", "301s", "1h");

        // HostBond
        on(c, "HostBond", "spec", "mode bond needs the bond block")
                .pass(y("{mode: bond, nodeSelector: {a: b}, bond: {slaves: [eth0, wlan0]}}"),
                        y("{mode: routed, nodeSelector: {a: b}, routed: {uplinks:"
                                + " [{interface: eth0, gateway: 192.0.2.1}, {interface: wlan0, gateway: 192.0.2.1}]}}"))
                .fail(y("{mode: bond, nodeSelector: {a: b}}"), y("{mode: routed, nodeSelector: {a: b}}"),
                        y("{mode: bond, nodeSelector: {a: b}, bond: {slaves: [eth0, wlan0]},"
                                + " routed: {uplinks: [{interface: eth0, gateway: 192.0.2.1}]}}"),
                        y("{mode: routed, nodeSelector: {a: b}, bond: {slaves: [eth0, wlan0]}}"));
        on(c, "HostBond", "spec.bond", "bond.primary must be one of bond.slaves")
                .pass(y("{slaves: [eth0, wlan0]}"), y("{slaves: [eth0, wlan0], primary: eth0}"),
                        y("{slaves: [eth0, wlan0], primary: wlan0}"))
                .fail(y("{slaves: [eth0, wlan0], primary: eth1}"), y("{slaves: [eth0, wlan0], primary: eth}"));
        on(c, "HostBond", "spec.bond", "must be multiples of bond.miimon")
                .pass(y("{slaves: [eth0, wlan0]}"), y("{slaves: [eth0, wlan0], miimon: 100, updelay: 200}"),
                        y("{slaves: [eth0, wlan0], miimon: 100, updelay: 200, downdelay: 300}"),
                        y("{slaves: [eth0, wlan0], miimon: 0, updelay: 150}"),
                        noted("miimon defaults to 100", y("{slaves: [eth0, wlan0], downdelay: 400}")))
                .fail(y("{slaves: [eth0, wlan0], miimon: 100, updelay: 150}"),
                        y("{slaves: [eth0, wlan0], miimon: 100, updelay: 200, downdelay: 50}"),
                        noted("miimon defaults to 100", y("{slaves: [eth0, wlan0], updelay: 150}")));
        on(c, "HostBond", "spec.bond", "bond.arpInterval needs at least one bond.arpIpTargets entry")
                .pass(y("{slaves: [eth0, wlan0]}"), y("{slaves: [eth0, wlan0], arpInterval: 0}"),
                        y("{slaves: [eth0, wlan0], arpInterval: 100, arpIpTargets: [192.0.2.1]}"))
                .fail(y("{slaves: [eth0, wlan0], arpInterval: 100, arpIpTargets: []}"),
                        y("{slaves: [eth0, wlan0], arpInterval: 100}"));
        on(c, "HostBond", "spec.maxUnavailable", "maxUnavailable must be a number of nodes")
                .pass(1L, 3L, 1000L, "25%", "1%", "100%", "99%")
                .fail(0L, -1L, "0%", "150%", "05%", "101%", "25", "abc", "%", "1.5%", " 25%");
        on(c, "HostBond", "spec.rollback", "rollback is enabled but probes nothing")
                .pass(y("{}"), y("{probeGateway: false}"), y("{probeApiServer: false}"),
                        y("{enabled: false, probeGateway: false, probeApiServer: false}"),
                        y("{enabled: true, probeGateway: true, probeApiServer: false}"))
                .fail(y("{probeGateway: false, probeApiServer: false}"),
                        y("{enabled: true, probeGateway: false, probeApiServer: false, timeout: 30s}"));
        on(c, "HostBond", "spec.rollback.timeout", "rollback.timeout must be between 5s and 10m")
                .pass("5s", "30s", "10m")
                .fail("4s", "4.999s", "11m", "1h");
        on(c, "HostBond", "spec.routed.probe", "probe.timeout must not exceed probe.interval")
                .pass(y("{}"), y("{interval: 1s, timeout: 100ms}"), y("{interval: 200ms, timeout: 200ms}"),
                        noted("timeout has no schema default (the interval)", y("{interval: 50ms}")))
                .fail(y("{interval: 100ms, timeout: 200ms}"),
                        noted("interval defaults to 100ms", y("{timeout: 1s}")));
        on(c, "HostBond", "spec.routed.probe.interval", "probe.interval must be between 10ms and 1m")
                .pass("10ms", "100ms", "1m")
                .fail("9ms", "61s", "1h");
        on(c, "HostBond", "spec.routed.uplinks", "uplinks must name distinct interfaces")
                .pass(y("[{interface: eth0, gateway: 192.0.2.1}, {interface: wlan0, gateway: 192.0.2.1}]"))
                .fail(y("[{interface: eth0, gateway: 192.0.2.1}, {interface: eth0, gateway: 192.0.2.2}]"),
                        y("[{interface: eth0, gateway: 192.0.2.1}, {interface: wlan0, gateway: 192.0.2.1},"
                                + " {interface: eth0, gateway: 192.0.2.3}]"));
        return c.stream();
    }

    record Noted(String note, Object value) {}

    static Noted noted(String note, Object value) { return new Noted(note, value); }

    static RuleCases on(List<Case> sink, String kind, String path, String messagePart) {
        return new RuleCases(sink, kind, path, messagePart);
    }

    record RuleCases(List<Case> sink, String kind, String path, String messagePart) {
        RuleCases pass(Object... selves) { return add(Outcome.PASS, selves); }
        RuleCases fail(Object... selves) { return add(Outcome.FAIL, selves); }
        RuleCases error(Object... selves) { return add(Outcome.ERROR, selves); }

        RuleCases update(Object oldSelf, Object self, Outcome expected) {
            sink.add(new Case(kind, path, messagePart, self, oldSelf, true, expected, null));
            return this;
        }

        private RuleCases add(Outcome expected, Object... selves) {
            for (Object s : selves) {
                if (s instanceof Noted n) {
                    sink.add(new Case(kind, path, messagePart, n.value(), null, false, expected, n.note()));
                } else {
                    sink.add(new Case(kind, path, messagePart, s, null, false, expected, null));
                }
            }
            return this;
        }
    }

    /** A value written as YAML (flow style), e.g. {@code [{node: a}, {node: b}]}. */
    static Object y(String yaml) {
        try {
            return Objects.requireNonNull(YAML.readValue(yaml, Object.class), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- defaults and samples satisfy the rules ----

    /**
     * When a field with a default is left out, the API server fills in the default and then runs the field's rules
     * on it, so every default must pass the rules at its node.
     */
    @Test
    void everyDefaultSatisfiesTheRulesOfItsNode() {
        List<String> broken = new ArrayList<>();
        for (Rule r : rules) {
            JsonNode dflt = r.schema().get("default");
            if (dflt == null) {
                continue;
            }
            Object value = YAML.convertValue(dflt, Object.class);
            Outcome got = evaluate(r, value, value);
            if (got != Outcome.PASS) {
                broken.add(r + ": default " + value + " gives " + got);
            }
        }
        assertThat(broken).isEmpty();
    }

    /** Every value in samples/ at a rule's path passes the rule (transition rules: as an update that keeps it). */
    @Test
    void everySampleSatisfiesEveryRule() throws IOException {
        List<String> broken = new ArrayList<>();
        int evaluated = 0;
        try (Stream<Path> files = Files.list(SAMPLES)) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml$")).sorted().toList()) {
                try (MappingIterator<Object> docs = YAML.readerFor(Object.class).readValues(file.toFile())) {
                    int index = 0;
                    while (docs.hasNext()) {
                        index++;
                        if (!(docs.next() instanceof Map<?, ?> doc)) {
                            continue;
                        }
                        for (Rule r : rules) {
                            if (!r.kind().equals(doc.get("kind")) || !("tandem.dev/" + r.version())
                                    .equals(doc.get("apiVersion"))) {
                                continue;
                            }
                            List<Object> values = new ArrayList<>();
                            valuesAt(withDefaults(doc, r), r.segments(), 0, values);
                            for (Object v : values) {
                                evaluated++;
                                lastError = null;
                                Outcome got = evaluate(r, v, v);
                                if (got != Outcome.PASS) {
                                    broken.add(file + " document " + index + ": " + r + " gives " + got + " for "
                                            + v + (lastError == null ? "" : " (" + lastError + ")"));
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(evaluated).as("rule evaluations on samples").isPositive();
        assertThat(broken).isEmpty();
    }

    /** The document with every default of the CRD filled in, as the API server stores it. */
    static Object withDefaults(Map<?, ?> doc, Rule r) {
        return unescapedDefaults(doc, r.root());
    }

    /** Like {@link #prepare} but without escaping, so the rule's path segments still find the properties. */
    @SuppressWarnings("unchecked")
    static Object unescapedDefaults(Object value, JsonNode schema) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>((Map<String, Object>) map);
            JsonNode props = schema.path("properties");
            props.properties().forEach(p -> {
                if (p.getValue().has("default") && out.get(p.getKey()) == null) {
                    out.put(p.getKey(), YAML.convertValue(p.getValue().get("default"), Object.class));
                }
            });
            out.replaceAll((k, v) -> unescapedDefaults(v, props.has(k) ? props.get(k)
                    : schema.path("additionalProperties")));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> unescapedDefaults(v, schema.path("items"))).toList();
        }
        return value;
    }

    static void valuesAt(Object value, List<String> segments, int i, List<Object> out) {
        if (value == null) {
            return;
        }
        if (i == segments.size()) {
            out.add(value);
            return;
        }
        String s = segments.get(i);
        if (s.equals("[]") && value instanceof List<?> list) {
            list.forEach(v -> valuesAt(v, segments, i + 1, out));
        } else if (s.equals("{}") && value instanceof Map<?, ?> map) {
            map.values().forEach(v -> valuesAt(v, segments, i + 1, out));
        } else if (value instanceof Map<?, ?> map) {
            valuesAt(map.get(s), segments, i + 1, out);
        }
    }

    // ---- 4: inputs are bounded, so that the API server's cost estimate is ----

    /**
     * The API server estimates each rule's cost from the schema and refuses a CRD whose estimate is too high. The
     * estimate is bounded only when what a rule iterates over has maxItems / maxProperties and the strings it
     * compares or parses inside an iteration have maxLength. Without them it assumes the largest request (3 MiB),
     * which for a nested all/exists_one blows the limit: that fails here. A string without maxLength in a rule that
     * does not iterate only makes the estimate large, as does a rule under a list without maxItems: those are
     * printed as notes.
     */
    @Test
    void iteratedInputsAreBounded() {
        List<String> failures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Rule r : rules) {
            Bounds b = new Bounds(r);
            Map<String, JsonNode> env = new HashMap<>();
            env.put("self", r.schema());
            env.put("oldSelf", r.schema());
            b.walk(compile(r).ast().getExpr(), env);
            String where = r.crd() + " " + r.path() + " rule `" + r.rule() + "`: ";
            b.unboundedCollections.forEach(u -> failures.add(where + u));
            for (String s : b.unboundedStrings) {
                (b.iterates ? failures : notes).add(where + s);
            }
            b.unknownRanges.forEach(u -> notes.add(where + u));
            for (int i = 1; i < r.chain().size() - 1; i++) {
                JsonNode ancestor = r.chain().get(i);
                String seg = r.segments().get(i);
                if (seg.equals("[]") && !ancestor.has("maxItems")
                        || seg.equals("{}") && !ancestor.has("maxProperties")) {
                    notes.add(where + "runs once per entry of " + pathOf(r.segments().subList(0, i))
                            + ", which has no " + (seg.equals("[]") ? "maxItems" : "maxProperties"));
                }
            }
        }
        notes.forEach(n -> System.out.println("NOTE (cost estimate): " + n));
        assertThat(failures).as("rules whose cost the API server cannot bound").isEmpty();
    }

    static final class Bounds {
        final Rule rule;
        boolean iterates;
        final Set<String> unboundedCollections = new java.util.LinkedHashSet<>();
        final Set<String> unboundedStrings = new java.util.LinkedHashSet<>();
        final Set<String> unknownRanges = new java.util.LinkedHashSet<>();

        Bounds(Rule rule) { this.rule = rule; }

        void walk(CelExpr e, Map<String, JsonNode> env) {
            switch (e.getKind()) {
                case IDENT, SELECT -> {
                    if (e.getKind() == CelExpr.ExprKind.Kind.SELECT) {
                        walk(e.select().operand(), env);
                        if (e.select().testOnly()) {
                            return;
                        }
                    }
                    JsonNode s = resolve(e, env);
                    if (s != null && isUnboundedString(s)) {
                        unboundedStrings.add(text(e) + " is a string without maxLength");
                    }
                }
                case CALL -> {
                    e.call().target().ifPresent(t -> walk(t, env));
                    e.call().args().forEach(a -> walk(a, env));
                    if (e.call().function().equals("@in")) {
                        range(e.call().args().get(1), env);
                    }
                }
                case LIST -> e.list().elements().forEach(x -> walk(x, env));
                case MAP -> e.map().entries().forEach(x -> { walk(x.key(), env); walk(x.value(), env); });
                case STRUCT -> e.struct().entries().forEach(x -> walk(x.value(), env));
                case COMPREHENSION -> {
                    CelExpr.CelComprehension c = e.comprehension();
                    walk(c.iterRange(), env);
                    JsonNode element = range(c.iterRange(), env);
                    Map<String, JsonNode> inner = new HashMap<>(env);
                    inner.remove(c.accuVar());
                    if (element != null) {
                        inner.put(c.iterVar(), element);
                    } else {
                        inner.remove(c.iterVar());
                    }
                    if (!c.iterVar2().isEmpty()) {
                        inner.remove(c.iterVar2());
                    }
                    walk(c.accuInit(), env);
                    walk(c.loopCondition(), inner);
                    walk(c.loopStep(), inner);
                    walk(c.result(), inner);
                }
                default -> { }
            }
        }

        /** Notes what {@code e} iterates over; returns the schema of its elements when known. */
        JsonNode range(CelExpr e, Map<String, JsonNode> env) {
            if (e.getKind() == CelExpr.ExprKind.Kind.LIST) {
                return null; // a literal list: as long as the rule text
            }
            iterates = true;
            JsonNode s = resolve(e, env);
            if (s == null) {
                unknownRanges.add("cannot tell from the schema how long " + text(e) + " is");
                return null;
            }
            if (s.path("type").asText().equals("array")) {
                if (!s.has("maxItems")) {
                    unboundedCollections.add(text(e) + " is a list without maxItems");
                }
                return s.path("items");
            }
            if (s.path("additionalProperties").isObject()) {
                if (!s.has("maxProperties")) {
                    unboundedCollections.add(text(e) + " is a map without maxProperties");
                }
                return null; // iterates over keys
            }
            unknownRanges.add(text(e) + " is neither a list nor a map in the schema");
            return null;
        }

        JsonNode resolve(CelExpr e, Map<String, JsonNode> env) {
            return switch (e.getKind()) {
                case IDENT -> env.get(e.ident().name());
                case SELECT -> {
                    JsonNode operand = resolve(e.select().operand(), env);
                    yield operand == null ? null : field(operand, e.select().field());
                }
                case CALL -> {
                    if (!e.call().function().equals("_[_]")) {
                        yield null;
                    }
                    JsonNode operand = resolve(e.call().args().get(0), env);
                    if (operand == null) {
                        yield null;
                    }
                    yield operand.path("items").isObject() ? operand.get("items")
                            : operand.path("additionalProperties").isObject() ? operand.get("additionalProperties")
                            : null;
                }
                default -> null;
            };
        }

        static JsonNode field(JsonNode object, String field) {
            for (var p : (Iterable<Map.Entry<String, JsonNode>>) object.path("properties").properties()::iterator) {
                if (escape(p.getKey()).filter(field::equals).isPresent()) {
                    return p.getValue();
                }
            }
            return object.path("additionalProperties").isObject() ? object.get("additionalProperties") : null;
        }

        /** A string whose length the schema does not bound (an enum is bounded by its longest value). */
        static boolean isUnboundedString(JsonNode s) {
            return (s.path("type").asText().equals("string") || s.path("x-kubernetes-int-or-string").asBoolean())
                    && !s.path("enum").isArray() && !s.has("maxLength");
        }

        static String text(CelExpr e) {
            return switch (e.getKind()) {
                case IDENT -> e.ident().name();
                case SELECT -> text(e.select().operand()) + "." + e.select().field();
                case CALL -> e.call().function().equals("_[_]")
                        ? text(e.call().args().get(0)) + "[...]" : e.call().function() + "(...)";
                default -> e.getKind().toString().toLowerCase();
            };
        }
    }
}
