package dev.tandem.monitoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The metric names the README documents, for the tests of other packages. */
public final class MonitoringDocs {
    private MonitoringDocs() {
    }

    public static List<String> documentedMetrics() throws IOException {
        return MonitoringTest.documentedMetrics(Files.readString(Path.of("README.md")));
    }
}
