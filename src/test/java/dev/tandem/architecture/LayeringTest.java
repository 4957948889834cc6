package dev.tandem.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of design.md: cli -> operator -> api, cli -> agent -> vrrp/net/cloud/bond, arrows pointing down only.
 * The election core (vrrp) must stay pure: no Kubernetes, no Quarkus, no sockets, no native calls.
 */
class LayeringTest {
    static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tandem");

    /** What the pure core may never touch, as package name patterns. */
    static final String[] IMPURE = {
            "io.fabric8..", "io.quarkus..", "io.javaoperatorsdk..", "jakarta..", "io.micrometer..",
            "dev.tandem.net..", "dev.tandem.agent..", "dev.tandem.cloud..", "dev.tandem.bond..",
            "dev.tandem.operator..", "dev.tandem.cli..", "java.net..", "java.nio.channels..", "java.lang.foreign.."};

    static ArchRule vrrpIsPure(String vrrpPackage) {
        return noClasses().that().resideInAPackage(vrrpPackage)
                .should().dependOnClassesThat().resideInAnyPackage(IMPURE)
                .as("the election core (" + vrrpPackage + ") has no I/O, no Kubernetes and no Quarkus")
                .allowEmptyShould(true);
    }

    @Test
    void theElectionCoreIsPure() {
        vrrpIsPure("dev.tandem.vrrp..").check(PRODUCTION);
    }

    @Test
    void thePurityRuleCatchesAViolation() {
        // The core does not exist yet in every build; prove on a fixture that the rule above is not vacuous.
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.tandem.architecture.fixture.vrrp");
        EvaluationResult result = vrrpIsPure("dev.tandem.architecture.fixture.vrrp..").evaluate(fixture);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails()).anySatisfy(line -> assertThat(line).contains("KubernetesClient"));
    }

    @Test
    void theApiHoldsDataOnly() {
        noClasses().that().resideInAPackage("dev.tandem.api..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tandem.operator..", "dev.tandem.validation..",
                        "dev.tandem.cli..", "dev.tandem.agent..", "io.javaoperatorsdk..", "io.quarkus..",
                        "io.fabric8.kubernetes.client.dsl..")
                .check(PRODUCTION);
    }

    @Test
    void validationIsPureToo() {
        noClasses().that().resideInAPackage("dev.tandem.validation..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tandem.operator..", "dev.tandem.cli..",
                        "io.javaoperatorsdk..", "io.quarkus..", "jakarta..", "io.fabric8.kubernetes.client..")
                .check(PRODUCTION);
    }

    @Test
    void statusAggregationNeedsNoCluster() {
        noClasses().that().resideInAnyPackage("dev.tandem.operator.status..", "dev.tandem.operator.children..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fabric8.kubernetes.client.dsl..",
                        "io.javaoperatorsdk..", "jakarta..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.fabric8.kubernetes.client.KubernetesClient")
                .check(PRODUCTION);
    }

    @Test
    void lowerLayersNeverReachUp() {
        noClasses().that().resideInAnyPackage("dev.tandem.operator..", "dev.tandem.agent..", "dev.tandem.vrrp..",
                        "dev.tandem.net..", "dev.tandem.cloud..", "dev.tandem.bond..", "dev.tandem.validation..")
                .should().dependOnClassesThat().resideInAPackage("dev.tandem.cli..")
                .check(PRODUCTION);
        noClasses().that().resideInAPackage("dev.tandem.operator..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tandem.agent..", "dev.tandem.vrrp..",
                        "dev.tandem.net..", "dev.tandem.bond..")
                .allowEmptyShould(true)
                .check(PRODUCTION);
    }

    /** The lab sits beside cli at the top: it assembles operator and agents, and nothing below may use it. */
    @Test
    void onlyTheCliUsesTheLab() {
        noClasses().that().resideOutsideOfPackages("dev.tandem.lab..", "dev.tandem.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.tandem.lab..")
                .check(PRODUCTION);
    }

    @Test
    void topLevelPackagesHaveNoCycles() {
        slices().matching("dev.tandem.(*)..").should().beFreeOfCycles().check(PRODUCTION);
    }
}
