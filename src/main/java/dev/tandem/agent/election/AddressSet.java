package dev.tandem.agent.election;

import dev.tandem.agent.PairPlan;
import dev.tandem.net.AddressInstaller;
import dev.tandem.net.InstalledAddress;
import dev.tandem.validation.IpAddresses;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The floating addresses of one pair on this node: installed together while MASTER, removed together otherwise. */
final class AddressSet {
    private final List<PairPlan.Layer2Address> addresses;
    private final String defaultInterface;
    private final AddressInstaller installer;

    AddressSet(List<PairPlan.Layer2Address> addresses, String defaultInterface, AddressInstaller installer) {
        this.addresses = List.copyOf(addresses);
        this.defaultInterface = defaultInterface;
        this.installer = installer;
    }

    List<PairPlan.Layer2Address> addresses() {
        return addresses;
    }

    String interfaceOf(PairPlan.Layer2Address a) {
        return a.interfaceName() != null ? a.interfaceName() : defaultInterface;
    }

    static byte[] bytes(String address) {
        InetAddress a = IpAddresses.parse(address).orElseThrow(() -> new IllegalArgumentException("not an address: " + address));
        return a.getAddress();
    }

    /** Installs every address; the first failure stops and is thrown, naming the address and interface. */
    void installAll() throws IOException {
        for (PairPlan.Layer2Address a : addresses) {
            try {
                installer.add(interfaceOf(a), bytes(a.address()), a.prefixLength());
            } catch (IOException e) {
                throw new IOException("cannot add " + a.address() + "/" + a.prefixLength() + " to " + interfaceOf(a)
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /** Removes every address; keeps going past failures and returns them, so that no address is left behind. */
    List<String> removeAll() {
        List<String> failures = new ArrayList<>();
        for (PairPlan.Layer2Address a : addresses) {
            try {
                installer.remove(interfaceOf(a), bytes(a.address()), a.prefixLength());
            } catch (IOException e) {
                failures.add("cannot remove " + a.address() + " from " + interfaceOf(a) + ": " + e.getMessage());
            }
        }
        return failures;
    }

    /** Removes the addresses that {@code keep} does not have; failures are returned, as by {@link #removeAll()}. */
    List<String> removeAllExcept(AddressSet keep) {
        List<String> failures = new ArrayList<>();
        for (PairPlan.Layer2Address a : addresses) {
            boolean kept = keep.addresses.stream().anyMatch(k -> k.address().equals(a.address())
                    && keep.interfaceOf(k).equals(interfaceOf(a)));
            if (kept) {
                continue;
            }
            try {
                installer.remove(interfaceOf(a), bytes(a.address()), a.prefixLength());
            } catch (IOException e) {
                failures.add("cannot remove " + a.address() + " from " + interfaceOf(a) + ": " + e.getMessage());
            }
        }
        return failures;
    }

    /**
     * Removes what a previous run of this agent left behind: this pair's addresses that carry tandem's marking. Other
     * pairs' addresses on the same interface are left alone even though they carry the same marking.
     */
    List<String> removeLeftovers() throws IOException {
        List<String> removed = new ArrayList<>();
        for (PairPlan.Layer2Address a : addresses) {
            byte[] wanted = bytes(a.address());
            for (InstalledAddress owned : installer.listOwned(interfaceOf(a))) {
                if (Arrays.equals(owned.address(), wanted)) {
                    installer.remove(interfaceOf(a), wanted, owned.prefixLength());
                    removed.add(a.address() + " on " + interfaceOf(a));
                }
            }
        }
        return removed;
    }
}
