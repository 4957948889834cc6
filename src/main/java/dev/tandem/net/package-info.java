/**
 * The Linux data plane of the node agent, over the FFM API (no JNI, no libraries): what the election sends and
 * receives, and what it changes on the host when a member becomes active or backup.
 *
 * <p>The agent depends on three small interfaces, which tests replace with fakes:
 * <ul>
 *   <li>{@link dev.tandem.net.VrrpSocket}: raw IP protocol 112 on one interface, IPv4 or IPv6, hop limit 255; or
 *       {@link dev.tandem.net.UdpVrrpSocket}, the udp transport's datagrams through a
 *       {@link dev.tandem.net.DatagramEnvelope} that authenticates them;</li>
 *   <li>{@link dev.tandem.net.AddressInstaller} ({@link dev.tandem.net.AddressTable}, rtnetlink): idempotent add and
 *       remove of floating addresses, marked with IFA_PROTO {@link dev.tandem.net.AddressTable#TANDEM_PROTO} so a
 *       restarted agent finds what a killed one left;</li>
 *   <li>{@link dev.tandem.net.Announcer} ({@link dev.tandem.net.LinkLayerAnnouncer}, AF_PACKET): gratuitous ARP and
 *       unsolicited neighbour advertisements.</li>
 * </ul>
 * {@link dev.tandem.net.Capabilities} checks CAP_NET_RAW and CAP_NET_ADMIN at start-up;
 * {@link dev.tandem.net.NetworkNamespace} runs code in another network namespace (the lab, tests).
 *
 * <p>Every socket lives in the network namespace of the thread that opened it. Failed calls throw
 * {@link dev.tandem.net.ErrnoException} naming the call, the interface or address, and the kernel's text; a missing
 * interface is {@link dev.tandem.net.InterfaceNotFoundException}, listing the ones there are. The JVM needs
 * {@code --enable-native-access=ALL-UNNAMED} (without it Java 25 prints a warning at the first native call).
 */
package dev.tandem.net;
