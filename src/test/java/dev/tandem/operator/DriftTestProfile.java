package dev.tandem.operator;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The operator with a drift check every second and a grace of six seconds, so that drift tests take seconds. */
public class DriftTestProfile implements QuarkusTestProfile {
    static final int GRACE_SECONDS = 10;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tandem.operator.drift-check-interval", "1s",
                "tandem.operator.drift-grace", GRACE_SECONDS + "s");
    }
}
