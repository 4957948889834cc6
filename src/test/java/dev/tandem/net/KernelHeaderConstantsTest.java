package dev.tandem.net;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The attribute numbers of the link and route messages, checked against the kernel's own UAPI headers where they are
 * installed (linux-libc-dev: /usr/include/linux/if_link.h and rtnetlink.h): the enums are counted as the compiler
 * counts them, so a constant typed off by one fails here.
 */
class KernelHeaderConstantsTest {
    static final Path IF_LINK = Path.of("/usr/include/linux/if_link.h");
    static final Path RTNETLINK = Path.of("/usr/include/linux/rtnetlink.h");

    @Test
    void bondAttributesAreThoseOfIfLinkH() throws IOException {
        Map<String, Integer> e = enumContaining(IF_LINK, "IFLA_BOND_UNSPEC");
        assertThat(e).containsEntry("IFLA_BOND_MODE", LinkMessages.IFLA_BOND_MODE)
                .containsEntry("IFLA_BOND_ACTIVE_SLAVE", LinkMessages.IFLA_BOND_ACTIVE_SLAVE)
                .containsEntry("IFLA_BOND_MIIMON", LinkMessages.IFLA_BOND_MIIMON)
                .containsEntry("IFLA_BOND_UPDELAY", LinkMessages.IFLA_BOND_UPDELAY)
                .containsEntry("IFLA_BOND_DOWNDELAY", LinkMessages.IFLA_BOND_DOWNDELAY)
                .containsEntry("IFLA_BOND_ARP_INTERVAL", LinkMessages.IFLA_BOND_ARP_INTERVAL)
                .containsEntry("IFLA_BOND_ARP_IP_TARGET", LinkMessages.IFLA_BOND_ARP_IP_TARGET)
                .containsEntry("IFLA_BOND_PRIMARY", LinkMessages.IFLA_BOND_PRIMARY)
                .containsEntry("IFLA_BOND_PRIMARY_RESELECT", LinkMessages.IFLA_BOND_PRIMARY_RESELECT)
                .containsEntry("IFLA_BOND_FAIL_OVER_MAC", LinkMessages.IFLA_BOND_FAIL_OVER_MAC)
                .containsEntry("IFLA_BOND_NUM_PEER_NOTIF", LinkMessages.IFLA_BOND_NUM_PEER_NOTIF);
    }

    @Test
    void linkAttributesAreThoseOfIfLinkH() throws IOException {
        assertThat(enumContaining(IF_LINK, "IFLA_UNSPEC"))
                .containsEntry("IFLA_IFNAME", NetlinkMessages.IFLA_IFNAME)
                .containsEntry("IFLA_MTU", LinkMessages.IFLA_MTU)
                .containsEntry("IFLA_MASTER", LinkMessages.IFLA_MASTER)
                .containsEntry("IFLA_OPERSTATE", LinkMessages.IFLA_OPERSTATE)
                .containsEntry("IFLA_LINKINFO", LinkMessages.IFLA_LINKINFO);
        assertThat(enumContaining(IF_LINK, "IFLA_INFO_UNSPEC"))
                .containsEntry("IFLA_INFO_KIND", LinkMessages.IFLA_INFO_KIND)
                .containsEntry("IFLA_INFO_DATA", LinkMessages.IFLA_INFO_DATA);
    }

    @Test
    void routeAttributesAreThoseOfRtnetlinkH() throws IOException {
        assertThat(enumContaining(RTNETLINK, "RTA_UNSPEC"))
                .containsEntry("RTA_DST", RouteMessages.RTA_DST)
                .containsEntry("RTA_OIF", RouteMessages.RTA_OIF)
                .containsEntry("RTA_GATEWAY", RouteMessages.RTA_GATEWAY)
                .containsEntry("RTA_PRIORITY", RouteMessages.RTA_PRIORITY)
                .containsEntry("RTA_PREFSRC", RouteMessages.RTA_PREFSRC)
                .containsEntry("RTA_MULTIPATH", RouteMessages.RTA_MULTIPATH)
                .containsEntry("RTA_TABLE", RouteMessages.RTA_TABLE);
    }

    /** The enum whose first member is {@code first}, numbered as C numbers it (explicit "= N" honoured). */
    static Map<String, Integer> enumContaining(Path header, String first) throws IOException {
        assumeTrue(Files.isReadable(header), header + " is not installed (apt-get install linux-libc-dev); the"
                + " byte-for-byte tests still pin every constant");
        String text = Files.readString(header).replaceAll("/\\*.*?\\*/", "");
        int start = text.indexOf(first + ",");
        assertThat(start).as(first + " in " + header).isPositive();
        String body = text.substring(start, text.indexOf('}', start));
        Map<String, Integer> values = new LinkedHashMap<>();
        int next = 0;
        Pattern member = Pattern.compile("^\\s*([A-Z0-9_]+)\\s*(?:=\\s*(\\d+))?\\s*,?\\s*$");
        for (String line : body.split("\n")) {
            if (line.strip().startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = member.matcher(line);
            if (m.matches()) {
                if (m.group(2) != null) {
                    next = Integer.parseInt(m.group(2));
                }
                values.put(m.group(1), next++);
            }
        }
        return values;
    }
}
