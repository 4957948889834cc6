package dev.tandem.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AddressMarkingTest {
    @Test
    void ifaProtoFromLinux63() {
        assertThat(AddressMarking.forKernelRelease("6.18.44-fc-v669")).isEqualTo(AddressMarking.PROTOCOL);
        assertThat(AddressMarking.forKernelRelease("6.3.0")).isEqualTo(AddressMarking.PROTOCOL);
        assertThat(AddressMarking.forKernelRelease("7.0-rc1")).isEqualTo(AddressMarking.PROTOCOL);
        assertThat(AddressMarking.forKernelRelease("6.2.16-300.fc38.x86_64")).isEqualTo(AddressMarking.LABEL);
        assertThat(AddressMarking.forKernelRelease("5.15.0-91-generic")).isEqualTo(AddressMarking.LABEL);
        assertThat(AddressMarking.forKernelRelease("garbage")).isEqualTo(AddressMarking.LABEL);
    }

    @Test
    void theLabelFitsFifteenCharactersOrIsLeftOut() {
        assertThat(AddressTable.labelFor("eth0")).isEqualTo("eth0:tdm");
        assertThat(AddressTable.labelFor("enp0s31f6ab")).isEqualTo("enp0s31f6ab:tdm"); // 11 + 4 = 15
        assertThat(AddressTable.labelFor("enp0s31f6abc")).isEmpty();                   // 12 + 4 = 16
    }
}
