package dev.tandem.provider.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderHttp;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A Neutron floating IP as {@code GET /v2.0/floatingips/{id}} and the update answer it:
 * {@code {"floatingip": {"id", "floating_ip_address", "port_id", "fixed_ip_address", "status", "revision_number",
 * ...}}}.
 *
 * @param portId   the associated port, empty when not associated
 * @param revision the revision number, empty on clouds without the standard-attr-revisions extension
 */
record FloatingIpState(String address, Optional<String> portId, Optional<String> fixedIpAddress, String status,
        OptionalLong revision) {

    static FloatingIpState parse(String operation, ProviderHttp.Answer a) throws ProviderException {
        JsonNode root;
        try {
            root = a.body() == null || a.body().isBlank() ? null : ProviderHttp.json().readTree(a.body());
        } catch (IOException e) {
            root = null;
        }
        JsonNode f = root == null ? null : root.get("floatingip");
        if (f == null || !f.isObject()) {
            throw malformed(operation, a, "has no \"floatingip\" object");
        }
        // port_id is always present, null when not associated; a missing one means this is not a floating IP.
        if (!f.has("port_id") || !(f.get("port_id").isNull() || f.get("port_id").isTextual())) {
            throw malformed(operation, a, "has no \"port_id\"");
        }
        JsonNode revision = f.get("revision_number");
        return new FloatingIpState(f.path("floating_ip_address").asText(""), text(f, "port_id"),
                text(f, "fixed_ip_address"), f.path("status").asText("UNKNOWN"),
                revision != null && revision.canConvertToLong() ? OptionalLong.of(revision.asLong())
                        : OptionalLong.empty());
    }

    private static Optional<String> text(JsonNode f, String field) {
        JsonNode v = f.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static ProviderException malformed(String operation, ProviderHttp.Answer a, String what) {
        return new ProviderException(ProviderException.Kind.TRANSIENT, OpenStackProvider.NAME, operation,
                a.status(), "malformed", null, "Neutron's answer " + what + " (it said: "
                + OpenStackErrors.excerpt(a.body() == null ? "" : a.body())
                + "); check that networkUrl, or the catalogue's network endpoint, is Neutron", null);
    }
}
