package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.NodeBondStatus.Phase;
import dev.tandem.api.v1alpha1.ProbeSpec;
import dev.tandem.net.BondOptions;
import dev.tandem.net.GatewayProbe;
import dev.tandem.net.Route;
import dev.tandem.validation.Durations;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Collectors;

/**
 * One HostBond on this node, applied safely: record the node's network, plan against it, apply, then probe the
 * gateway (and in Kubernetes mode the API server) until they answer or the rollback timeout passes, and restore what
 * was recorded when they do not. Once applied it keeps running: routed mode probes the uplinks and moves traffic,
 * bond mode follows the kernel's failovers. Every outcome goes to the {@link NodeReport}.
 *
 * <p>Not thread-safe against itself: {@link #apply} runs on one thread, which must be in the node's network namespace
 * (probes opened later belong to the namespace of the thread that opens them).
 */
public final class HostBondRun implements AutoCloseable {
    private final String name;
    private final HostNetwork net;
    private final NodeReport report;
    private final ApiServerCheck apiServer;
    private final ThreadFactory threads;
    private final Ticker ticker;
    private Plan applied;
    private AutoCloseable runtime;

    /**
     * @param apiServer the API server's check in Kubernetes mode, null standalone
     * @param threads   makes the threads of probes and link notifications
     */
    public HostBondRun(String name, HostNetwork net, NodeReport report, ApiServerCheck apiServer, ThreadFactory threads,
                       Ticker ticker) {
        this.name = name;
        this.net = net;
        this.report = report;
        this.apiServer = apiServer;
        this.threads = threads;
        this.ticker = ticker;
    }

    /** Applies the spec (blocking until applied, rolled back or failed) and reports the outcome. */
    public Phase apply(HostBondSpec spec) throws InterruptedException {
        NodeNetwork before;
        Plan plan;
        try {
            before = net.snapshot();
            plan = HostBondPlanner.plan(spec, before, apiServer != null);
        } catch (PlanException e) {
            report.phase(Phase.Failed, null, "cannot apply on this node: " + e.getMessage()
                    + "; nothing was changed");
            report.event("Warning", "InvalidOnNode", e.getMessage());
            return Phase.Failed;
        } catch (IOException e) {
            report.phase(Phase.Failed, null, "cannot read this node's network: " + e.getMessage());
            return Phase.Failed;
        }
        Plan previous = applied;
        stopRuntime();
        report.phase(Phase.Applying, null, "applying " + describe(plan, before)
                + (plan.rollback().enabled() ? "; the previous configuration is recorded and restored if the"
                + " probes fail within " + Durations.format(plan.rollback().timeout()) : ""));
        try {
            startRuntime(plan, before);
        } catch (IOException e) {
            stopRuntime();
            String restored = plan.rollback().enabled() ? restore(before, plan, previous)
                    : "; rollback is disabled, so the node is left as the failed step left it";
            report.phase(Phase.Failed, null, "applying failed while " + e.getMessage() + restored);
            report.event("Warning", "ApplyFailed", e.getMessage());
            return Phase.Failed;
        }
        List<String> checked = new ArrayList<>();
        if (plan.rollback().enabled()) {
            Map<String, Verification.Check> checks = checks(plan, checked);
            Optional<String> failure;
            try {
                failure = checks.isEmpty() ? Optional.empty()
                        : Verification.await(checks, plan.rollback().timeout(), ticker);
            } catch (InterruptedException e) {
                // Stopped before the probes passed: an unchecked change is not left behind.
                failure = Optional.of("the agent was stopped before the probes passed");
                Thread.currentThread().interrupt();
            } finally {
                checks.values().forEach(c -> {
                    if (c instanceof GatewayCheck g) {
                        g.close();
                    }
                });
            }
            if (failure.isPresent()) {
                stopRuntime();
                String restored = restore(before, plan, previous);
                report.phase(Phase.RolledBack, active(plan), "rolled back: " + failure.get() + restored);
                report.event("Warning", "RolledBack", failure.get() + restored);
                return Phase.RolledBack;
            }
        }
        applied = plan;
        String message = "applied " + describe(plan, before) + (plan.rollback().enabled()
                ? checked.isEmpty() ? "; nothing to probe" : "; " + String.join(" and ", checked) + " after the change"
                : "; rollback disabled, nothing probed")
                + (plan.notes().isEmpty() ? "" : "; note: " + String.join("; ", plan.notes()));
        report.phase(Phase.Applied, active(plan), message);
        report.event("Normal", "Applied", message);
        return Phase.Applied;
    }

    private void startRuntime(Plan plan, NodeNetwork before) throws IOException {
        switch (plan) {
            case Plan.Bond b -> {
                BondApply.apply(net, b, before);
                runtime = BondWatch.open(net, b, report, threads).start();
            }
            case Plan.Routed r -> {
                RoutedUplinks uplinks = RoutedUplinks.open(net, r, report, threads, ticker);
                runtime = uplinks;
                uplinks.install();
                uplinks.start();
            }
        }
    }

    /** Restores the recorded network; then the previous HostBond runs again, if one did. */
    private String restore(NodeNetwork before, Plan plan, Plan previous) {
        List<String> failures = Restore.restore(net, before, touched(plan));
        String result = failures.isEmpty() ? "; restored the configuration recorded before the change"
                : "; restoring the recorded configuration failed in part: " + String.join("; ", failures);
        if (previous != null) {
            try {
                NodeNetwork restored = net.snapshot();
                startRuntime(previous, restored);
                applied = previous;
                result += "; the previous settings run again";
            } catch (IOException e) {
                stopRuntime();
                applied = null;
                result += "; the previous settings could not be started again: " + e.getMessage();
            }
        }
        return result;
    }

    private Map<String, Verification.Check> checks(Plan plan, List<String> passed) {
        Map<String, Verification.Check> checks = new LinkedHashMap<>();
        if (plan.rollback().probeGateway()) {
            switch (plan) {
                case Plan.Routed r -> {
                    RoutedUplinks uplinks = (RoutedUplinks) runtime;
                    checks.put("gateway", budget -> {
                        if (uplinks.activeAnswers()) {
                            passed.add("the gateway of " + uplinks.activeName() + " answered");
                            return null;
                        }
                        return "no uplink's gateway answered (" + uplinks.describe() + ")";
                    });
                }
                case Plan.Bond b -> {
                    if (b.gateway() != null) {
                        checks.put("gateway", new GatewayCheck(b.name(), b.gateway(), passed));
                    }
                }
            }
        }
        if (plan.rollback().probeApiServer() && apiServer != null) {
            checks.put("API server", budget -> {
                Optional<String> error = apiServer.check();
                if (error.isEmpty()) {
                    passed.add("the API server answered");
                }
                return error.orElse(null);
            });
        }
        return checks;
    }

    /** ARP for the bond's gateway through the bond; the probe is opened at the first attempt, once the bond is up. */
    private final class GatewayCheck implements Verification.Check, AutoCloseable {
        private final String bond;
        private final byte[] gateway;
        private final List<String> passed;
        private GatewayProbe probe;

        GatewayCheck(String bond, byte[] gateway, List<String> passed) {
            this.bond = bond;
            this.gateway = gateway;
            this.passed = passed;
        }

        @Override
        public String attempt(Duration budget) {
            String text = Route.defaultVia(gateway, 0, 0, 0).gatewayText();
            try {
                if (probe == null) {
                    probe = net.openProbe(gateway.length == 4 ? ProbeSpec.Method.arp : ProbeSpec.Method.icmp, bond,
                            gateway);
                }
                Duration wait = budget.compareTo(Duration.ofMillis(500)) > 0 ? Duration.ofMillis(500) : budget;
                if (probe.probe(wait)) {
                    passed.add("gateway " + text + " answered through " + bond);
                    return null;
                }
                return "gateway " + text + " did not answer through " + bond;
            } catch (IOException e) {
                return "cannot probe gateway " + text + " through " + bond + ": " + e.getMessage();
            }
        }

        @Override
        public void close() {
            if (probe != null) {
                probe.close();
            }
        }
    }

    private String active(Plan plan) {
        return switch (runtime) {
            case RoutedUplinks u -> u.activeName();
            case BondWatch w -> w.active();
            case null -> null;
            default -> null;
        };
    }

    private static Set<String> touched(Plan plan) {
        Set<String> names = new LinkedHashSet<>();
        switch (plan) {
            case Plan.Bond b -> {
                names.addAll(b.slaves());
                names.add(b.name());
            }
            case Plan.Routed r -> r.uplinks().forEach(u -> names.add(u.name()));
        }
        return names;
    }

    /** The plan in words, for the status message and the log. */
    static String describe(Plan plan, NodeNetwork node) {
        return switch (plan) {
            case Plan.Bond b -> {
                BondOptions o = b.options();
                String monitor = o.arpInterval() > 0
                        ? "ARP monitoring every " + o.arpInterval() + " ms of " + o.arpIpTargets().stream()
                        .map(a -> a.getHostAddress()).collect(Collectors.joining(", "))
                        : o.miimon() > 0 ? "miimon " + o.miimon() + " ms, updelay " + o.updelay() + " ms, downdelay "
                        + o.downdelay() + " ms" : "no link monitoring";
                yield "bond " + b.name() + " (active-backup, " + monitor
                        + (o.primary() != 0 ? ", primary " + node.name(o.primary()) : "") + ") over "
                        + String.join(", ", b.slaves())
                        + (b.addresses().isEmpty() ? "" : " with " + b.addresses().stream()
                        .map(a -> Route.defaultVia(a.address(), 0, 0, 0).gatewayText() + "/" + a.prefixLength())
                        .collect(Collectors.joining(", ")))
                        + (b.gateway() == null ? "" : ", gateway " + Route.defaultVia(b.gateway(), 0, 0, 0).gatewayText());
            }
            case Plan.Routed r -> "routed uplinks " + r.uplinks().stream()
                    .map(u -> u.name() + " (gateway " + Route.defaultVia(u.gateway(), 0, 0, 0).gatewayText()
                            + ", standby metric " + u.standbyMetric() + ")")
                    .collect(Collectors.joining(", "))
                    + ", active metric " + r.activeMetric() + ", " + r.probing().method() + " probes every "
                    + Durations.format(r.probing().interval()) + " (timeout "
                    + Durations.format(r.probing().timeout()) + ", rise " + r.probing().rise() + ", fall "
                    + r.probing().fall() + ")";
        };
    }

    private void stopRuntime() {
        if (runtime != null) {
            try {
                runtime.close();
            } catch (Exception e) {
                NodeReport.LOG.debugf("stopping %s: %s", name, e.getMessage());
            }
            runtime = null;
        }
    }

    /** Stops probing and following links; the node's network stays as it is. */
    @Override
    public void close() {
        stopRuntime();
    }
}
