package io.framewise.app;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether any bootstrap address of a cluster accepts a TCP connection, tried once each: the one thing that is known
 * at once when a cluster is down or mistyped (connection refused, unknown host), and that Kafka's clients only report
 * after their timeout. Says nothing of the protocol or the credentials, which the admin call after it checks.
 */
final class BootstrapProbe {
    private BootstrapProbe() {
    }

    /**
     * Null when some address accepts a connection (or the list cannot be read here: Kafka will say what is wrong
     * with it); otherwise what happened at each address, e.g. "127.0.0.1:1 connection refused".
     */
    static String noneAccepts(String bootstrapServers, int connectTimeoutMs) {
        List<String> failures = new ArrayList<>();
        for (String server : bootstrapServers.split(",")) {
            String address = server.trim();
            int colon = address.lastIndexOf(':');
            if (address.isEmpty() || colon <= 0) {
                return null;
            }
            String host = address.substring(0, colon).replaceAll("^\\[|]$", "");
            int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            InetSocketAddress target = new InetSocketAddress(host, port);
            if (target.isUnresolved()) {
                failures.add(address + " unknown host");
                continue;
            }
            try (Socket socket = new Socket()) {
                socket.connect(target, connectTimeoutMs);
                return null;
            } catch (ConnectException e) {
                failures.add(address + " connection refused");
            } catch (SocketTimeoutException e) {
                failures.add(address + " no answer within " + connectTimeoutMs + " ms");
            } catch (IOException | IllegalArgumentException e) {
                failures.add(address + " " + e.getMessage());
            }
        }
        return failures.isEmpty() ? null : String.join("; ", failures);
    }
}
