package io.framewise.app.tools.broker;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker + controller) running inside this JVM, with every
 * listener bound to 127.0.0.1 only. Its storage is formatted by Kafka's own StorageTool on first start; restarting
 * on the same data directory keeps every topic and offset.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> extraConfig;
    private final List<String[]> listeners = new ArrayList<>();
    private final List<String> scramUsers = new ArrayList<>();
    private final Map<String, String> extraListenerConfig = new HashMap<>();
    private KafkaRaftServer server;

    /**
     * @param port        client port, 0 for any free one
     * @param extraConfig broker settings added to (or replacing) the defaults, e.g. listeners with TLS or SASL
     */
    public EmbeddedKafkaBroker(Path dataDir, int port, Map<String, String> extraConfig) throws IOException {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port == 0 ? freePort() : port;
        this.controllerPort = freePort();
        this.extraConfig = Map.copyOf(extraConfig);
    }

    public EmbeddedKafkaBroker(Path dataDir, int port) throws IOException {
        this(dataDir, port, Map.of());
    }

    /**
     * Adds a client listener {@code name} on 127.0.0.1:{@code port} speaking {@code protocol} (e.g. SASL_SSL), with
     * listener-scoped settings given without their {@code listener.name.<name>.} prefix (ssl.keystore.location, ...).
     * The broker's own traffic stays on its PLAINTEXT listeners.
     */
    public synchronized EmbeddedKafkaBroker withListener(String name, String protocol, int listenerPort,
                                                         Map<String, String> listenerSettings) {
        listeners.add(new String[] {name, protocol, String.valueOf(listenerPort)});
        listenerSettings.forEach((k, v) -> extraListenerConfig.put("listener.name." + name.toLowerCase(Locale.ROOT) + "." + k, v));
        return this;
    }

    /** A SCRAM user, created when the storage is formatted (before the first start). */
    public synchronized EmbeddedKafkaBroker withScramUser(String mechanism, String user, String password) {
        scramUsers.add(mechanism + "=[name=" + user + ",password=" + password + "]");
        return this;
    }

    /** The address of a listener added with {@link #withListener}. */
    public String bootstrapServers(String listenerName) {
        return listeners.stream().filter(l -> l[0].equals(listenerName)).findFirst()
                .map(l -> HOST + ":" + l[2]).orElseThrow(() -> new IllegalArgumentException("no listener " + listenerName));
    }

    /** Any free port on 127.0.0.1, for {@link #withListener}. */
    public static int anyFreePort() throws IOException {
        return freePort();
    }

    public synchronized EmbeddedKafkaBroker start() throws IOException {
        if (server != null) {
            return this;
        }
        Files.createDirectories(dataDir);
        Properties props = brokerProperties();
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format(props, config);
        }
        server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server = null;
            throw new IOException("embedded Kafka broker did not start on " + bootstrapServers() + ": " + e.getMessage(), e);
        }
        LOG.info("embedded Kafka broker ready at {} (data in {})", bootstrapServers(), dataDir);
        return this;
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        p.put("num.partitions", "6");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "6");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Streams groups (KIP-1071) have their own initial delay (3 s by default) to gather members before the first
        // assignment; a single-node development broker has no members to wait for.
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        for (String[] l : listeners) {
            p.put("listeners", p.get("listeners") + "," + l[0] + "://" + HOST + ":" + l[2]);
            p.put("advertised.listeners", p.get("advertised.listeners") + "," + l[0] + "://" + HOST + ":" + l[2]);
            p.put("listener.security.protocol.map", p.get("listener.security.protocol.map") + "," + l[0] + ":" + l[1]);
        }
        p.putAll(extraListenerConfig);
        p.putAll(extraConfig);
        return p;
    }

    private void format(Properties props, KafkaConfig config) throws IOException {
        Path file = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            props.store(w, "embedded framewise broker");
        }
        String clusterId = Uuid.randomUuid().toString();
        List<String> formatArgs = new ArrayList<>(List.of("format", "--cluster-id", clusterId,
                "--config", file.toString(), "--ignore-formatted", "--feature", "streams.version=1"));
        for (String user : scramUsers) {
            formatArgs.add("--add-scram");
            formatArgs.add(user);
        }
        var args = StorageTool.parseArguments(formatArgs.toArray(String[]::new));
        try (PrintStream quiet = new PrintStream(PrintStream.nullOutputStream())) {
            StorageTool.runFormatCommand(args, config, quiet);
        } catch (Exception e) {
            throw new IOException("cannot format Kafka storage in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }
}
