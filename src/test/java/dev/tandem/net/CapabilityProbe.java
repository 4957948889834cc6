package dev.tandem.net;

/**
 * Run in a child JVM by {@link CapabilitiesTest} with a capability dropped; prints what a user would see. With the
 * argument {@code admin} it tries to add an address (the test runs it inside a throw-away namespace), else it opens a
 * raw VRRP socket.
 */
public final class CapabilityProbe {
    private CapabilityProbe() {
    }

    public static void main(String[] args) {
        try {
            Capabilities.ofThisProcess().requireAgentCapabilities();
            System.out.println("capabilities: all present");
        } catch (MissingCapabilitiesException e) {
            System.out.println("capabilities: " + e.getMessage());
        }
        if (args.length > 0 && args[0].equals("admin")) {
            try (AddressTable table = AddressTable.open()) {
                table.add("lo", new byte[] {10, 99, 9, 9}, 32);
                System.out.println("address: added");
            } catch (Exception e) {
                System.out.println("address: " + e.getMessage());
            }
            return;
        }
        try (VrrpSocket socket = VrrpSocket.openIpv4("lo", false)) {
            System.out.println("socket: opened " + socket);
        } catch (Exception e) {
            System.out.println("socket: " + e.getMessage());
        }
    }
}
