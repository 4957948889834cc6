package dev.tandem.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** An address that follows the active member of a FailoverPair. */
@Group(Tandem.GROUP)
@Version(Tandem.VERSION)
@ShortNames("fip")
@AdditionalPrinterColumn(name = "Address", jsonPath = ".spec.address", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Provider", jsonPath = ".status.provider", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Holder", jsonPath = ".status.holderNode", type = AdditionalPrinterColumn.Type.STRING,
        getDescription = "The node the address is assigned to")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pair", jsonPath = ".spec.failoverPairRef.name", type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class FloatingIp extends CustomResource<FloatingIpSpec, FloatingIpStatus> implements Namespaced {
}
