package io.framewise.app.observability;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoints of {@code framewise run}: {@code /metrics} in the Prometheus text format, and the probes
 * {@code /health/live} and {@code /health/ready} (200 or 503, with the instance's phase as the body). The JDK's own
 * HTTP server: three read-only endpoints need no web framework in the image. Two threads, so that a slow scrape
 * never delays a probe.
 */
public final class OperationsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperationsServer.class);
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private OperationsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on {@code host:port} (port 0: a free one, see {@link #port()}).
     *
     * @throws IOException when the address cannot be bound (the port is taken, say)
     */
    public static OperationsServer start(String host, int port, PrometheusMeterRegistry registry, InstanceHealth health)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        endpoint(server, "/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            respond(exchange, 200, TEXT_FORMAT, body);
        });
        endpoint(server, "/health/live", exchange -> probe(exchange, health.live(), health));
        endpoint(server, "/health/ready", exchange -> probe(exchange, health.ready(), health));
        server.createContext("/", OperationsServer::notFound);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "framewise-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        LOG.info("serving /metrics, /health/live and /health/ready on {}:{}", host, server.getAddress().getPort());
        return new OperationsServer(server, executor);
    }

    /**
     * {@code path} itself (a query string aside) answers GET and HEAD; any other method is 405 and any longer path
     * 404 (the JDK's server matches contexts by prefix: /health/ready/extra answered 200).
     */
    private static void endpoint(HttpServer server, String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                notFound(exchange);
            } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8));
            } else {
                handler.handle(exchange);
            }
        });
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        respond(exchange, 404, "text/plain; charset=utf-8",
                "not found; try /metrics, /health/live or /health/ready\n".getBytes(StandardCharsets.UTF_8));
    }

    private static void probe(HttpExchange exchange, boolean ok, InstanceHealth health) throws IOException {
        respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8",
                (health.phase().name() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", type);
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
