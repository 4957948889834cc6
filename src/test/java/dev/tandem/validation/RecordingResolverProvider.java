package dev.tandem.validation;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The JVM's name resolver during tests (registered in META-INF/services): it records every name looked up and hands it
 * to the built-in resolver, so behaviour is unchanged. Names under {@link #PROBE_DOMAIN} are answered locally, which
 * lets a test prove that this resolver is the one in use without touching the network.
 */
public final class RecordingResolverProvider extends InetAddressResolverProvider {
    static final String PROBE_DOMAIN = ".tandem-test";
    private static final Set<String> LOOKUPS = ConcurrentHashMap.newKeySet();

    static boolean lookedUp(String host) {
        return LOOKUPS.contains(host);
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                LOOKUPS.add(host);
                if (host.endsWith(PROBE_DOMAIN)) {
                    return Stream.of(InetAddress.getByAddress(host, new byte[]{(byte) 192, 0, 2, 1}));
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "tandem-test-recording-resolver";
    }
}
