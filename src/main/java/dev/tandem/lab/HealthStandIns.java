package dev.tandem.lab;

import dev.tandem.net.NetworkNamespace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stand-ins for what a sample's health checks probe on a node's loopback (the ingress controller's /healthz, its
 * port 443): a sample's checks then pass in the lab as they would on a healthy node, so the election is what the
 * sample describes. One listener per check and node, inside the node's namespace.
 */
final class HealthStandIns implements AutoCloseable {
    private final List<ServerSocket> listeners = new ArrayList<>();

    void serve(Path namespaceFile, LabSample.LocalService service) {
        ServerSocket server;
        try {
            server = NetworkNamespace.call(namespaceFile, () -> {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), service.port()));
                return s;
            });
        } catch (Exception e) {
            throw new LabException("cannot answer health check " + service.check() + " on port " + service.port()
                    + " in " + namespaceFile.getFileName() + ": " + e.getMessage(), e);
        }
        listeners.add(server);
        Thread.ofPlatform().daemon().name("lab-check-" + service.check()).start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    if (service.httpStatus() > 0) {
                        answerHttp(s, service.httpStatus());
                    }
                } catch (IOException e) {
                    // closed, or a probe that hung up: the next one is answered
                }
            }
        });
    }

    private static void answerHttp(Socket s, int status) throws IOException {
        s.setSoTimeout(2_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            // the request line and headers: nothing in them changes the answer
        }
        OutputStream out = s.getOutputStream();
        out.write(("HTTP/1.1 " + status + " lab\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
                + "Connection: close\r\n\r\nok\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() {
        for (ServerSocket s : listeners) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
