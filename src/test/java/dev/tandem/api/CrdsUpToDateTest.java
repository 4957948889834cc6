package dev.tandem.api;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.HostBond;
import io.fabric8.crdv2.generator.CRDGenerator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRDs under crds/ are what `kubectl apply` installs; they must be exactly what the model classes generate. Run
 * with -Dtandem.update-crds=true to rewrite them after changing the model.
 */
class CrdsUpToDateTest {
    static final Path CRDS = Path.of("crds");
    static final List<String> NAMES = List.of("failoverpairs.tandem.dev", "floatingips.tandem.dev", "hostbonds.tandem.dev");

    @Test
    void checkedInCrdsMatchTheModel() throws IOException {
        Path out = Files.createTempDirectory("tandem-crds");
        try {
            new CRDGenerator()
                    .inOutputDir(out.toFile())
                    .forCRDVersions("v1")
                    .customResourceClasses(FailoverPair.class, FloatingIp.class, HostBond.class)
                    .generate();
            for (String name : NAMES) {
                String generated = Files.readString(out.resolve(name + "-v1.yml"));
                Path checkedIn = CRDS.resolve(name + ".yaml");
                if (Boolean.getBoolean("tandem.update-crds")) {
                    Files.writeString(checkedIn, generated);
                }
                assertThat(checkedIn).as("crds/%s.yaml exists", name).exists();
                assertThat(Files.readString(checkedIn))
                        .as("crds/%s.yaml differs from what the model generates; run"
                                + " `mvn test -Dtest=CrdsUpToDateTest -Dtandem.update-crds=true` and check the diff in", name)
                        .isEqualTo(generated);
            }
        } finally {
            try (var files = Files.list(out)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(out);
        }
    }
}
