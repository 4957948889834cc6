package dev.tandem.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Prepares the test API server: the checked-in CRDs from crds/, then the operator, started once. */
final class TestCluster {
    private TestCluster() {
    }

    static void prepare(KubernetesClient client, OperatorLifecycle operator) {
        for (String crd : List.of("failoverpairs.tandem.dev", "floatingips.tandem.dev", "hostbonds.tandem.dev")) {
            try (InputStream in = Files.newInputStream(Path.of("crds", crd + ".yaml"))) {
                CustomResourceDefinition definition = client.apiextensions().v1().customResourceDefinitions().load(in).item();
                if (client.resource(definition).get() == null) {
                    client.resource(definition).create();
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read crds/" + crd + ".yaml", e);
            }
        }
        // Once per application; the lifecycle stops it when the test application stops.
        operator.start();
    }
}
