package dev.tandem.agent.health;

import dev.tandem.api.v1alpha1.HealthCheckSpec;

/** The probe a health check spec describes. */
public final class HealthProbes {
    private HealthProbes() {
    }

    public static HealthProbe of(HealthCheckSpec spec) {
        if (spec.exec != null) {
            return new ExecProbe(spec.exec.command);
        }
        if (spec.tcp != null) {
            return new TcpProbe(spec.tcp.host == null ? "127.0.0.1" : spec.tcp.host, spec.tcp.port);
        }
        if (spec.http != null) {
            return new HttpProbe(spec.http.url, spec.http.expectStatus);
        }
        throw new IllegalArgumentException("health check " + spec.name + " has none of exec, tcp, http");
    }
}
