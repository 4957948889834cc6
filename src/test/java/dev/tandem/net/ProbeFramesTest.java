package dev.tandem.net;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** ARP requests and ICMP echo requests as RFC 826 and RFC 792 lay them out, and the recognition of their answers. */
class ProbeFramesTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] MAC = HEX.parseHex("020000000001");
    static final byte[] ME = {10, 98, 1, 2};
    static final byte[] GATEWAY = {10, 98, 1, 1};

    @Test
    void anArpRequestAsksWhoHasTheGateway() {
        assertThat(HEX.formatHex(ArpFrames.request(MAC, ME, GATEWAY))).isEqualTo(
                "ffffffffffff" + "020000000001" + "0806"                 // broadcast, from us, ARP
                + "0001" + "0800" + "06" + "04" + "0001"                 // Ethernet, IPv4, 6, 4, request
                + "020000000001" + "0a620102"                            // sender MAC and IP
                + "000000000000" + "0a620101");                          // target MAC unknown, target IP the gateway
    }

    @Test
    void onlyAReplyFromTheGatewayCounts() {
        byte[] reply = HEX.parseHex("020000000001" + "02aaaaaaaaaa" + "0806" + "0001080006040002"
                + "02aaaaaaaaaa" + "0a620101" + "020000000001" + "0a620102");
        assertThat(ArpFrames.isReplyFrom(reply, reply.length, GATEWAY)).isTrue();
        assertThat(ArpFrames.isReplyFrom(reply, reply.length, new byte[] {10, 98, 1, 9})).isFalse();
        byte[] ourOwnRequest = ArpFrames.request(MAC, ME, GATEWAY);
        assertThat(ArpFrames.isReplyFrom(ourOwnRequest, ourOwnRequest.length, ME)).as("a request is no answer").isFalse();
        assertThat(ArpFrames.isReplyFrom(reply, 30, GATEWAY)).as("truncated").isFalse();
    }

    @Test
    void anEchoRequestCarriesAValidChecksum() {
        byte[] request = IcmpEcho.request(0x1234, 7, 0x0102030405060708L);
        // 0800 + 1234 + 0007 + 0102 + 0304 + 0506 + 0708 = 2a4f; its complement d5b0
        assertThat(HEX.formatHex(request)).isEqualTo("0800" + "d5b0" + "1234" + "0007" + "0102030405060708");
        assertThat(IcmpEcho.checksum(request, 0, request.length)).as("a packet with its checksum sums to 0").isZero();
        // RFC 1071 §3's example words 0001 f203 f4f5 f6f7: sum ddf2, checksum 220d
        assertThat(IcmpEcho.checksum(HEX.parseHex("0001f203f4f5f6f7"), 0, 8)).isEqualTo(0x220d);
    }

    @Test
    void theEchoReplyMustMatchGatewayIdentifierAndSequence() {
        String ipHeader = "4500001c" + "00000000" + "4001" + "0000" + "0a620101" + "0a620102";
        byte[] reply = HEX.parseHex(ipHeader + "0000" + "0000" + "1234" + "0007");
        assertThat(IcmpEcho.isReply(reply, reply.length, GATEWAY, 0x1234, 7)).isTrue();
        assertThat(IcmpEcho.isReply(reply, reply.length, GATEWAY, 0x1234, 8)).as("another sequence").isFalse();
        assertThat(IcmpEcho.isReply(reply, reply.length, GATEWAY, 0x1235, 7)).as("another socket's").isFalse();
        assertThat(IcmpEcho.isReply(reply, reply.length, ME, 0x1234, 7)).as("from someone else").isFalse();
        byte[] request = HEX.parseHex(ipHeader + "0800" + "0000" + "1234" + "0007");
        assertThat(IcmpEcho.isReply(request, request.length, GATEWAY, 0x1234, 7)).as("a request").isFalse();
    }
}
