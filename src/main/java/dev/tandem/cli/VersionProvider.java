package dev.tandem.cli;

import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.IVersionProvider;

class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[]{"tandem " + ConfigProvider.getConfig().getOptionalValue("quarkus.application.version", String.class)
                .orElse("unknown")};
    }
}
