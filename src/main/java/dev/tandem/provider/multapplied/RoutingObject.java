package dev.tandem.provider.multapplied;

import java.util.Objects;

/**
 * One floating routing object on the management server: a connected IP, route or CPE NAT IP of one bond, addressed as
 * {@code /api/v3/bonds/{bondId}/{kind}/{id}/}.
 *
 * @param node the member node whose bond this is, for messages
 */
public record RoutingObject(String node, long bondId, Kind kind, long id) {
    /** The three kinds of routing object that float, with their API v3 path segment. */
    public enum Kind {
        CONNECTED_IP("connected_ips", "connectedIpIds"),
        ROUTE("routes", "routeIds"),
        CPE_NAT_IP("cpe_nat_ips", "cpeNatIpIds");

        private final String path;
        private final String specField;

        Kind(String path, String specField) {
            this.path = path;
            this.specField = specField;
        }

        /** The URI component, e.g. {@code cpe_nat_ips}. */
        public String path() {
            return path;
        }

        /** The list in {@code spec.provider.multapplied.bonds[]} that names objects of this kind. */
        public String specField() {
            return specField;
        }
    }

    public RoutingObject {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(kind, "kind");
    }

    /** The object's path below the API root, with the trailing slash the Django REST API requires. */
    public String apiPath() {
        return "api/v3/bonds/" + bondId + "/" + kind.path() + "/" + id + "/";
    }

    /** How messages name the object: {@code bond 3 routes/8}. */
    @Override
    public String toString() {
        return "bond " + bondId + " " + kind.path() + "/" + id;
    }
}
