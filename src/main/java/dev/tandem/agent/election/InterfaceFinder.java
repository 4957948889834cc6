package dev.tandem.agent.election;

import dev.tandem.net.AddressTable;
import dev.tandem.net.InstalledAddress;
import dev.tandem.net.Interfaces;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/** Finds the interface that holds a member's own address, when the pair names none. */
public final class InterfaceFinder {
    private InterfaceFinder() {
    }

    public static String holding(byte[] address, AddressTable table) throws IOException {
        List<String> names = Interfaces.names();
        for (String name : names) {
            for (InstalledAddress a : table.list(name)) {
                if (Arrays.equals(a.address(), address)) {
                    return name;
                }
            }
        }
        throw new IOException("no interface of this host holds " + java.net.InetAddress.getByAddress(address).getHostAddress()
                + " (interfaces: " + String.join(", ", names) + "); set spec.interface or the member's address");
    }
}
