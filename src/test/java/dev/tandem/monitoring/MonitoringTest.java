package dev.tandem.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * deploy/monitoring as a user applies it: every alert rule's expression and every dashboard query parses
 * ({@link PromqlSyntax}, and promtool where it is installed) and selects only series the README's "Metrics" tables
 * document (which MetricsDocumentationTest and LabIT hold against what the agent and the operator expose). The
 * alerts and panels the issue asks for exist.
 */
class MonitoringTest {
    static final Path MONITORING = Path.of("deploy", "monitoring");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    /** A backquoted metric name in the first column of a README table row. */
    static final Pattern DOCUMENTED = Pattern.compile("`([a-z_:][a-z0-9_:<>]*)`");

    static List<String> documented;
    static Map<String, String> alerts;
    static Map<String, String> panelQueries;

    @BeforeAll
    static void load() throws IOException {
        documented = documentedMetrics(Files.readString(Path.of("README.md")));
        alerts = new LinkedHashMap<>();
        JsonNode rule = YAML.readTree(MONITORING.resolve("prometheusrule.yaml").toFile());
        for (JsonNode group : rule.at("/spec/groups")) {
            for (JsonNode r : group.path("rules")) {
                alerts.put(r.path("alert").asText(r.path("record").asText()), r.path("expr").asText());
            }
        }
        panelQueries = new LinkedHashMap<>();
        JsonNode dashboard = JSON.readTree(MONITORING.resolve("tandem-dashboard.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                panelQueries.put(panel.path("title").asText() + " / " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.at("/templating/list")) {
            Matcher m = Pattern.compile("^label_values\\((.+),\\s*\\w+\\)$").matcher(variable.path("query").asText());
            if (m.matches()) {
                panelQueries.put("variable " + variable.path("name").asText(), m.group(1));
            }
        }
    }

    /** The metric names in the first column of the tables under README's "## Metrics". */
    static List<String> documentedMetrics(String readme) {
        int start = readme.indexOf("\n## Metrics");
        assertThat(start).as("README has a Metrics section").isPositive();
        int end = readme.indexOf("\n## ", start + 1);
        List<String> names = new ArrayList<>();
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).lines().toList()) {
            if (!line.startsWith("| `")) {
                continue;
            }
            Matcher m = DOCUMENTED.matcher(line.split("\\|")[1]);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Whether a selected name is a documented series, or a histogram's or summary's part of one. */
    static boolean isDocumented(String metric) {
        for (String d : documented) {
            Pattern p = Pattern.compile(Pattern.quote(d).replaceAll("<[a-z_]+>", "\\\\E[a-z_]+\\\\Q"));
            String base = metric.replaceFirst("_(bucket|count|sum|max)$", "");
            if (p.matcher(metric).matches() || p.matcher(base).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Dashboard variables as Grafana substitutes them, so the query is plain PromQL. */
    static String substituteVariables(String query) {
        return query.replace("$__rate_interval", "5m").replace("$__interval", "1m")
                .replaceAll("\\$\\{?(namespace|pair)}?", ".*");
    }

    @TestFactory
    Stream<DynamicTest> everyAlertParsesAndSelectsDocumentedSeries() {
        assertThat(alerts).isNotEmpty();
        return alerts.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            PromqlSyntax.Parsed parsed = PromqlSyntax.parse(e.getValue());
            assertThat(parsed.metrics()).as("series selected by %s", e.getKey()).isNotEmpty()
                    .allSatisfy(m -> assertThat(isDocumented(m)).as("%s is in the README's Metrics tables", m).isTrue());
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyDashboardQueryParsesAndSelectsDocumentedSeries() {
        assertThat(panelQueries).isNotEmpty();
        return panelQueries.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            PromqlSyntax.Parsed parsed = PromqlSyntax.parse(substituteVariables(e.getValue()));
            assertThat(parsed.metrics()).as("series selected by %s", e.getKey()).isNotEmpty()
                    .allSatisfy(m -> assertThat(isDocumented(m)).as("%s is in the README's Metrics tables", m).isTrue());
        }));
    }

    @Test
    void theAlertsTheIssueAsksForExist() {
        assertThat(alerts).containsKeys("TandemNoActiveMember", "TandemFlapping", "TandemSplitBrainSuspected",
                "TandemProviderErrors", "TandemHostBondRolledBack");
        assertThat(alerts.get("TandemSplitBrainSuspected")).as("two members claim MASTER")
                .contains("tandem_agent_state{state=\"MASTER\"}").contains("> 1");
    }

    @Test
    void theDashboardShowsHoldersTransitionsAndFailoverDurations() {
        assertThat(panelQueries.keySet()).anySatisfy(k -> assertThat(k).startsWith("Holder"))
                .anySatisfy(k -> assertThat(k).containsIgnoringCase("transitions"))
                .anySatisfy(k -> assertThat(k).startsWith("Failover"));
        assertThat(panelQueries.values()).anySatisfy(q -> assertThat(q).contains("tandem_operator_pair_active_member"))
                .anySatisfy(q -> assertThat(q).contains("tandem_agent_transitions_total"))
                .anySatisfy(q -> assertThat(q).contains("histogram_quantile").contains("tandem_agent_takeover_seconds_bucket"));
    }

    /** The checks above can fail: broken expressions and undocumented names are caught. */
    @Test
    void brokenExpressionsAndUnknownSeriesAreCaught() {
        for (String broken : List.of("rate(tandem_agent_adverts_sent_total)", "sum by (pair (tandem_agent_state)",
                "tandem_agent_state{state=\"MASTER\"", "tandem_agent_state == == 1", "rat(tandem_agent_state[5m])",
                "tandem_agent_state[5m]", "sum(rate(tandem_agent_adverts_sent_total[5m]) by (pair)) offset",
                "tandem_agent_state{state=~\"(\"}", "histogram_quantile(tandem_agent_takeover_seconds_bucket)",
                "1 > 2", "tandem_agent_state + tandem_agent_state[5m]", "{state=\"\"}",
                "topk(tandem_agent_state)", "tandem_agent_state group_left foo")) {
            assertThatThrownBy(() -> PromqlSyntax.parse(broken)).as(broken).isInstanceOf(PromqlSyntax.PromqlException.class);
        }
        for (String fine : List.of("sum by (pair) (rate(tandem_agent_adverts_sent_total[5m]))",
                "sum(rate(tandem_agent_adverts_sent_total[5m])) by (pair) > bool 2",
                "a / on(pair) group_left(node) b", "max_over_time(x[1h:5m] offset 1d)", "-x ^ 2 ^ 3", "x > bool 2",
                "topk(3, x{a!~\"b|c\"})", "count_values(\"v\", x)", "label_replace(x, \"d\", \"$1\", \"s\", \"(.*)\")",
                "x @ start()", "{__name__=\"x\", job=\"y\"}")) {
            assertThat(PromqlSyntax.parse(fine).metrics()).as(fine).isNotEmpty();
        }
        assertThat(isDocumented("tandem_agent_takeover_seconds_bucket")).isTrue();
        assertThat(isDocumented("operator_sdk_reconciliations_queue_size_failoverpair")).isTrue();
        assertThat(isDocumented("tandem_agent_not_a_series_total")).isFalse();
    }

    /** promtool, Prometheus's own checker, where it is installed (Debian: the prometheus package). */
    @Test
    void promtoolAcceptsTheRulesWhereItIsInstalled(@TempDir Path tmp) throws Exception {
        Path promtool = Stream.of(System.getenv("PATH").split(":")).map(d -> Path.of(d, "promtool"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (promtool == null) {
            System.out.println("MonitoringTest.promtool skipped: promtool is not installed (apt-get install prometheus);"
                    + " the rules were checked with PromqlSyntax only");
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "promtool is not installed");
        }
        JsonNode rule = YAML.readTree(MONITORING.resolve("prometheusrule.yaml").toFile());
        Path rules = tmp.resolve("rules.yaml");
        Files.writeString(rules, YAML.writeValueAsString(Map.of("groups", rule.at("/spec/groups"))));
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", rules.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
