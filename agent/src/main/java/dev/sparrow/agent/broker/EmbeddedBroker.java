package dev.sparrow.agent.broker;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Properties;

/**
 * The default broker when none is configured: Moquette 0.17 (MQTT 3.1.1) in this process, on 127.0.0.1 only,
 * anonymous, in memory, with Moquette's own telemetry off (it otherwise reports to the internet).
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final Server server = new Server();
    private final int port;

    private EmbeddedBroker(int port) throws IOException {
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("secure_websocket_port", "disabled");
        p.setProperty("ssl_port", "disabled");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("use_bugsnag", "false");
        p.setProperty("use_metrics", "false");
        p.setProperty("netty.mqtt.message_size", Integer.toString(64 * 1024));
        server.startServer(new MemoryConfig(p));
        this.port = port;
    }

    /** MQTT's registered port, tried first. */
    public static final int MQTT_PORT = 1883;

    /**
     * Starts on {@code preferredPort}, or on the next free port above it (up to 100 further) when it is taken.
     */
    public static EmbeddedBroker start(int preferredPort) throws IOException {
        IOException last = null;
        for (int port = preferredPort; port < preferredPort + 100 && port <= 65535; port++) {
            if (!free(port)) {
                continue;
            }
            try {
                return new EmbeddedBroker(port);
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no free port for the embedded MQTT broker on 127.0.0.1 from " + preferredPort
                + (last != null ? ": " + last.getMessage() : ""));
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.stopServer();
    }
}
