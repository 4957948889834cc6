package dev.tandem.lab;

import dev.tandem.net.NetworkNamespace;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay from a socket that listens inside a network namespace to a port on this host's loopback: how agents in
 * the lab's namespaces reach the embedded API server without the host's namespace getting an interface or a route.
 *
 * <p>The listening socket is opened on a thread that entered the namespace, and stays there; every other thread here
 * is started from the host's namespace, so the connections to loopback are made from the host's side. (A thread
 * inherits the namespace of the thread that creates it, which is why no thread is created inside the namespace.)
 */
final class NamespaceRelay implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private NamespaceRelay(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    static NamespaceRelay start(Path namespaceFile, String address, int port, int targetPort) {
        ServerSocket server;
        try {
            server = NetworkNamespace.call(namespaceFile, () -> {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
                return s;
            });
        } catch (Exception e) {
            throw new LabException("cannot listen on " + address + ":" + port + " in " + namespaceFile + ": "
                    + e.getMessage(), e);
        }
        NamespaceRelay relay = new NamespaceRelay(server,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        Thread.ofPlatform().daemon().name("lab-api-relay").start(relay::accept);
        return relay;
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread.ofPlatform().daemon().name("lab-api-relay-conn").start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, 2_000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        Thread.ofPlatform().daemon().name("lab-api-relay-up").start(() -> pump(client, upstream));
        pump(upstream, client);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(NamespaceRelay::closeQuietly);
    }
}
