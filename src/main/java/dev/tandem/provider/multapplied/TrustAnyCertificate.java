package dev.tandem.provider.multapplied;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;

/**
 * A TLS context that accepts any server certificate and any host name, used only when a FloatingIp sets
 * {@code multapplied.verifyTls: false}.
 *
 * <p>It exists because Multapplied management servers are often installed on premises with a self-signed
 * certificate; the seed's {@code swap-active-bond.conf} has {@code verify_ssl = false} for exactly that case ("If your
 * management server uses a self-signed certificate, you must set this to false"). Like {@code requests}'
 * {@code verify=False}, it skips both the chain and the host name check: the connection is still encrypted, but a
 * machine in the path could read the routing user's password. It is an extended trust manager on purpose: the JDK
 * wraps a plain {@code X509TrustManager} in one that still checks the host name, which fails for the usual
 * self-signed certificate made out to another name or reached by IP address.
 */
final class TrustAnyCertificate extends X509ExtendedTrustManager {
    private TrustAnyCertificate() {
    }

    static SSLContext sslContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new TrustAnyCertificate()}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM offers no TLS context", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
