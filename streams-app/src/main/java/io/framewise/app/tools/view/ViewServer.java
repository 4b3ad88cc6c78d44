package io.framewise.app.tools.view;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live view's web server: the page (three static files, no build step, nothing from outside the machine), one
 * server-sent-event stream per open page carrying what changed at most five times a second, and the frames' pictures
 * by camera and sequence. The JDK's own HTTP server, as for /metrics: a page, a stream and pictures need no framework.
 *
 * <p>Publishers control camera ids, labels and reasons: the page writes them as text (never as markup), and a strict
 * content security policy allows only this server's own script. Bound to loopback, the server answers only requests
 * addressed to a loopback name, so a web page elsewhere cannot read the cameras through a rebound DNS name.
 */
public final class ViewServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ViewServer.class);
    /** Pages open at once; each holds a thread while its stream lasts. */
    static final int MAX_PAGES = 8;
    private static final long MIN_UPDATE_MILLIS = 200;
    private static final long KEEPALIVE_MILLIS = 15_000;
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final HttpServer server;
    private final ExecutorService executor;
    private final CameraBoard board;
    private final ObjectMapper json = new ObjectMapper();
    private final Semaphore pages = new Semaphore(MAX_PAGES);
    private final boolean loopback;
    private volatile boolean closing;

    private ViewServer(HttpServer server, ExecutorService executor, CameraBoard board, boolean loopback) {
        this.server = server;
        this.executor = executor;
        this.board = board;
        this.loopback = loopback;
    }

    /** Serves on {@code host:port} (port 0: a free one, see {@link #port()}). */
    public static ViewServer start(String host, int port, CameraBoard board) throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        HttpServer http = HttpServer.create(address, 32);
        ExecutorService executor = Executors.newFixedThreadPool(MAX_PAGES + 8, r -> {
            Thread t = new Thread(r, "framewise-view-http");
            t.setDaemon(true);
            return t;
        });
        InetAddress bound = address.getAddress();
        ViewServer view = new ViewServer(http, executor, board, bound != null && bound.isLoopbackAddress());
        http.createContext("/", view::route);
        http.setExecutor(executor);
        http.start();
        LOG.info("live view on http://{}:{}/", host, view.port());
        return view;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void route(HttpExchange exchange) throws IOException {
        try (exchange) {
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Security-Policy", SECURITY_POLICY);
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("Cache-Control", "no-store");
            if (loopback && !LOOPBACK_NAMES.contains(hostName(exchange.getRequestHeaders().getFirst("Host")))) {
                text(exchange, 421, "this view answers requests to localhost only\n");
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                headers.set("Allow", "GET");
                text(exchange, 405, "only GET\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/", "/index.html" -> resource(exchange, "index.html", "text/html; charset=utf-8");
                case "/view.js" -> resource(exchange, "view.js", "text/javascript; charset=utf-8");
                case "/view.css" -> resource(exchange, "view.css", "text/css; charset=utf-8");
                case "/updates" -> updates(exchange);
                case "/frame" -> frame(exchange);
                case "/history" -> history(exchange);
                default -> text(exchange, 404, "not found\n");
            }
        }
    }

    /** The host name of a Host header, without its port. */
    static String hostName(String host) {
        if (host == null) {
            return "";
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    /**
     * A server-sent-event stream: everything first, then what changed since the last message, at most every 200 ms,
     * and a comment every 15 s so that proxies and the browser keep it open. Nothing is queued per page.
     */
    private void updates(HttpExchange exchange) throws IOException {
        if (!pages.tryAcquire()) {
            text(exchange, 503, "too many pages open (" + MAX_PAGES + "); close one\n");
            return;
        }
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            long sent = 0;
            long lastWrite = System.currentTimeMillis();
            while (!closing) {
                long version = board.awaitChange(sent, KEEPALIVE_MILLIS);
                if (version > sent) {
                    CameraBoard.Update update = board.changesSince(sent);
                    out.write(("data: " + json.writeValueAsString(message(update)) + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    sent = update.version();
                } else {
                    out.write(": still here\n\n".getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                long since = System.currentTimeMillis() - lastWrite;
                lastWrite = System.currentTimeMillis();
                if (since < MIN_UPDATE_MILLIS) {
                    Thread.sleep(MIN_UPDATE_MILLIS - since); // changes meanwhile go out together in the next message
                }
            }
        } catch (IOException e) {
            // the page was closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pages.release();
        }
    }

    private Map<String, Object> message(CameraBoard.Update update) {
        Map<String, Object> m = new HashMap<>();
        m.put("full", update.full());
        m.put("tiles", update.tiles());
        m.put("removed", update.removed());
        m.put("unreadable", board.unreadableRecords());
        return m;
    }

    private void frame(HttpExchange exchange) throws IOException {
        Map<String, String> q = query(exchange);
        String camera = q.get("camera");
        long sequence;
        try {
            sequence = Long.parseLong(q.getOrDefault("seq", ""));
        } catch (NumberFormatException e) {
            text(exchange, 400, "give camera=ID&seq=N\n");
            return;
        }
        if (camera == null) {
            text(exchange, 400, "give camera=ID&seq=N\n");
            return;
        }
        CameraBoard.Picture p = board.picture(camera, sequence);
        if (p.bytes() == null) {
            text(exchange, 404, p.missing() + "\n");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", p.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "private, max-age=60"); // a frame's picture never changes
        send(exchange, 200, p.bytes());
    }

    private void history(HttpExchange exchange) throws IOException {
        String camera = query(exchange).get("camera");
        if (camera == null) {
            text(exchange, 400, "give camera=ID\n");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, 200, json.writeValueAsBytes(board.history(camera)));
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> q = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private void resource(HttpExchange exchange, String name, String type) throws IOException {
        try (InputStream in = ViewServer.class.getResourceAsStream(name)) {
            if (in == null) {
                text(exchange, 500, "the view's " + name + " is missing from the build\n");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            send(exchange, 200, in.readAllBytes());
        }
    }

    private static void text(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        closing = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
