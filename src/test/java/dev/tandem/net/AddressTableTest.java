package dev.tandem.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.tandem.net.Ipv6VrrpSocketTest.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Addresses over rtnetlink in a namespace whose interface va (veth, peer vb in a second namespace, both up, DAD on)
 * already holds 10.99.2.1/24. What the agent does is checked against {@code ip address show}, an independent reader.
 */
class AddressTableTest {
    static final byte[] VIP4 = {10, 99, 2, 10};
    static final byte[] VIP6 = address("2001:2:0:2::10");

    NetNs a;
    NetNs b;
    AddressTable table;

    @BeforeEach
    void namespaces() throws Exception {
        NetNs.assumeAvailable();
        a = NetNs.create();
        b = NetNs.create();
        NetNs.veth(a, "va", b, "vb");
        a.ip("address", "add", "10.99.2.1/24", "dev", "va");
        table = a.call(AddressTable::open);
    }

    @AfterEach
    void cleanUp() {
        if (table != null) {
            table.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void ipv4AddIsIdempotentMarkedAndSeenByIp() throws Exception {
        assertThat(table.marking()).as("this kernel has IFA_PROTO").isEqualTo(AddressMarking.PROTOCOL);

        table.add("va", VIP4, 32);
        table.add("va", VIP4, 32); // EEXIST is success

        assertThat(a.ip("-4", "-o", "address", "show", "dev", "va")).contains("inet 10.99.2.10/32 scope global");
        InstalledAddress added = single(table.list("va"), VIP4);
        assertThat(added.protocol()).isEqualTo(AddressTable.TANDEM_PROTO);
        assertThat(added.prefixLength()).isEqualTo(32);
        assertThat(table.listOwned("va")).extracting(InstalledAddress::text).containsExactly("10.99.2.10/32");

        table.remove("va", VIP4, 32);
        table.remove("va", VIP4, 32); // EADDRNOTAVAIL is success

        assertThat(a.ip("-4", "-o", "address", "show", "dev", "va")).doesNotContain("10.99.2.10").contains("10.99.2.1/24");
        assertThat(table.listOwned("va")).isEmpty();
    }

    @Test
    void ipv6AddressIsUsableAtOnceBecauseOfNodad() throws Exception {
        table.add("va", VIP6, 128);

        InstalledAddress added = single(table.list("va"), VIP6);
        assertThat(added.isTentative()).as("tentative right after add? flags " + added).isFalse();
        assertThat(added.flags() & InstalledAddress.IFA_F_NODAD).isNotZero();
        assertThat(added.protocol()).isEqualTo(AddressTable.TANDEM_PROTO);
        String shown = a.ip("-6", "-o", "address", "show", "dev", "va", "to", "2001:2:0:2::10/128");
        assertThat(shown).contains("inet6 2001:2:0:2::10/128 scope global nodad").doesNotContain("tentative");

        // The control: DAD does run on this interface, so an address added without NODAD starts tentative.
        a.ip("address", "add", "2001:2:0:2::20/128", "dev", "va");
        assertThat(single(table.list("va"), address("2001:2:0:2::20")).isTentative()).isTrue();
        assertThat(a.ip("-6", "-o", "address", "show", "dev", "va", "to", "2001:2:0:2::20/128")).contains("tentative");

        table.add("va", VIP6, 128);
        assertThat(table.listOwned("va")).extracting(InstalledAddress::text).containsExactly("2001:2:0:2::10/128");
        table.remove("va", VIP6, 128);
        table.remove("va", VIP6, 128);
        assertThat(a.ip("-6", "-o", "address", "show", "dev", "va")).doesNotContain("2001:2:0:2::10/128");
    }

    @Test
    void aRestartedAgentFindsOnlyWhatItsPredecessorAdded() throws Exception {
        a.ip("address", "add", "10.99.2.50/32", "dev", "va"); // someone else's
        try (AddressTable predecessor = a.call(AddressTable::open)) {
            predecessor.add("va", VIP4, 32);
            predecessor.add("va", VIP6, 128);
        } // killed before removing them

        List<InstalledAddress> leftovers = table.listOwned("va");
        assertThat(leftovers).extracting(InstalledAddress::text)
                .containsExactlyInAnyOrder("10.99.2.10/32", "2001:2:0:2::10/128");
        for (InstalledAddress leftover : leftovers) {
            table.remove("va", leftover.address(), leftover.prefixLength());
        }
        assertThat(table.listOwned("va")).isEmpty();
        assertThat(a.ip("-o", "address", "show", "dev", "va")).contains("10.99.2.50/32", "10.99.2.1/24");
    }

    @Test
    void theLabelFallbackMarksIpv4AddressesForOlderKernels() throws Exception {
        try (AddressTable labelling = a.call(() -> AddressTable.open(AddressMarking.LABEL))) {
            labelling.add("va", VIP4, 32);
            labelling.add("va", VIP6, 128);

            assertThat(a.ip("-4", "-o", "address", "show", "dev", "va")).contains("10.99.2.10/32 scope global va:tdm");
            InstalledAddress added = single(labelling.list("va"), VIP4);
            assertThat(added.protocol()).isZero();
            assertThat(added.label()).isEqualTo("va:tdm");
            // Found by the label, whichever marking the reader uses; the IPv6 one carries no mark (the documented limit).
            assertThat(labelling.listOwned("va")).extracting(InstalledAddress::text).containsExactly("10.99.2.10/32");
            assertThat(table.listOwned("va")).extracting(InstalledAddress::text).containsExactly("10.99.2.10/32");
        }
    }

    @Test
    void aMissingInterfaceListsTheInterfacesOfTheTablesNamespace() {
        // Called from the test thread, which is in the host's namespace: the answer must still be about namespace a.
        assertThatThrownBy(() -> table.add("eth9", VIP4, 32))
                .isInstanceOf(InterfaceNotFoundException.class)
                .hasMessage("interface eth9 does not exist on this host; interfaces: lo, va");
        assertThatThrownBy(() -> table.listOwned("eth9")).isInstanceOf(InterfaceNotFoundException.class);
        assertThatThrownBy(() -> table.remove("eth9", VIP4, 32)).isInstanceOf(InterfaceNotFoundException.class);
    }

    @Test
    void aKernelRefusalNamesTheCallTheAddressAndTheReason() {
        a.sysctl("net.ipv6.conf.va.disable_ipv6", "1");
        assertThatThrownBy(() -> table.add("va", VIP6, 128))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("netlink RTM_NEWADDR 2001:2:0:2::10/128 on va failed: Permission denied (errno 13); "
                        + "ipv6: IPv6 is disabled on this device");
    }

    @Test
    void badArgumentsAreRejectedBeforeAskingTheKernel() {
        assertThatThrownBy(() -> table.add("va", VIP4, 33)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix length of 10.99.2.10 must be 0-32, got 33");
        assertThatThrownBy(() -> table.add("va", new byte[5], 32)).isInstanceOf(IllegalArgumentException.class);
    }

    static InstalledAddress single(List<InstalledAddress> addresses, byte[] address) {
        List<InstalledAddress> matching = addresses.stream()
                .filter(x -> java.util.Arrays.equals(x.address(), address)).toList();
        assertThat(matching).as("addresses " + addresses).hasSize(1);
        return matching.getFirst();
    }

    /** The takeover rehearsal runs add's code down to the kernel, which refuses interface index 0: nothing changes. */
    @Test
    void aRehearsedAddChangesNothing() throws Exception {
        String before4 = a.ip("-4", "-o", "address", "show");
        String before6 = a.ip("-6", "-o", "address", "show");

        table.rehearseAdd("va", VIP4, 32);
        table.rehearseAdd("va", VIP6, 128);

        assertThat(a.ip("-4", "-o", "address", "show")).isEqualTo(before4).doesNotContain("10.99.2.10");
        assertThat(a.ip("-6", "-o", "address", "show")).isEqualTo(before6);
        assertThat(table.listOwned("va")).isEmpty();
        assertThatThrownBy(() -> table.rehearseAdd("nosuch0", VIP4, 32)).isInstanceOf(InterfaceNotFoundException.class);
    }
}
