package dev.tandem.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A group of member nodes that elect one active member; floating IPs that reference it follow that member. */
@Group(Tandem.GROUP)
@Version(Tandem.VERSION)
@ShortNames("fp")
@AdditionalPrinterColumn(name = "Active", jsonPath = ".status.activeMember", type = AdditionalPrinterColumn.Type.STRING,
        getDescription = "The member that currently holds the floating IPs")
@AdditionalPrinterColumn(name = "Members", jsonPath = ".status.membersReady", type = AdditionalPrinterColumn.Type.STRING,
        getDescription = "Members in MASTER or BACKUP state out of all members")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING, getDescription = "Whether exactly one healthy member is active")
@AdditionalPrinterColumn(name = "VRID", jsonPath = ".status.virtualRouterId", type = AdditionalPrinterColumn.Type.INTEGER,
        priority = 1, getDescription = "The virtual router id in use")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class FailoverPair extends CustomResource<FailoverPairSpec, FailoverPairStatus> implements Namespaced {
}
