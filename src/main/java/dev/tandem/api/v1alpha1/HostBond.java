package dev.tandem.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Uplink redundancy on every node that matches a selector: a kernel bond or routed failover between uplinks. */
@Group(Tandem.GROUP)
@Version(Tandem.VERSION)
@ShortNames("hb")
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.mode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Nodes Ready", jsonPath = ".status.nodesReady", type = AdditionalPrinterColumn.Type.STRING,
        getDescription = "Nodes where the configuration is applied and healthy, out of matching nodes")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class HostBond extends CustomResource<HostBondSpec, HostBondStatus> {
}
