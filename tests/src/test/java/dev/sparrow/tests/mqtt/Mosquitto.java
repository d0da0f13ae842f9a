package dev.sparrow.tests.mqtt;

import dev.sparrow.tests.mqtt.CertificateAuthority.ServerCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real mosquitto broker for one test: its own temporary folder (config, password file, certificates, log),
 * a listener on 127.0.0.1 at a free port, and a process that is always ended at {@link #close()} (and by a
 * shutdown hook should the JVM exit without it). The port stays the same across {@link #kill()} and
 * {@link #restart()}, so a client can reconnect to the same {@link #uri()} as it would after a real outage.
 *
 * <pre>{@code
 * try (Mosquitto broker = Mosquitto.builder().allowAnonymous(false).user("r1", "secret").start()) {
 *     client = new MqttClient(broker.uri(), "r1", new MemoryPersistence());
 * }
 * }</pre>
 *
 * Without mosquitto installed the test is skipped, or fails in CI ({@code CI=true}).
 */
public final class Mosquitto implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final Duration READY_WITHIN = Duration.ofSeconds(10);
    /** How long {@link #restart()} waits for its port to be free again. */
    private static final Duration PORT_FREE_WITHIN = Duration.ofSeconds(10);
    /** Fresh ports tried when another process takes the one picked between its probe and mosquitto's bind. */
    private static final int PORT_ATTEMPTS = 5;

    /** Every broker process still running, for the shutdown hook: a crashed test run must not leave brokers behind. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(
                new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "mosquitto-reaper"));
    }

    private enum Launch { READY, PORT_TAKEN }

    private final Path executable;
    private final Path dir;
    private final Path configFile;
    private final Path logFile;
    private final Builder options;
    private final ServerCertificate serverCertificate;
    private final Path passwordFile;
    private int port;
    private Process process;
    private long logOffsetAtLaunch;

    private Mosquitto(Path executable, Path dir, Builder options, ServerCertificate serverCertificate, Path passwordFile) {
        this.executable = executable;
        this.dir = dir;
        this.configFile = dir.resolve("mosquitto.conf");
        this.logFile = dir.resolve("mosquitto.log");
        this.options = options;
        this.serverCertificate = serverCertificate;
        this.passwordFile = passwordFile;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a broker; {@link #start()} makes the files and starts it. */
    public static final class Builder {
        private boolean allowAnonymous = true;
        private final Map<String, String> users = new LinkedHashMap<>();
        private Path aclFile;
        private boolean tls;
        private ServerCertificate serverCertificate;
        private boolean persistence;
        private Mosquitto bridgeRemote;
        private String bridgeTopic;

        private Builder() {}

        /** Whether clients without a user name may connect (default true). */
        public Builder allowAnonymous(boolean allow) {
            this.allowAnonymous = allow;
            return this;
        }

        /** Adds a user to the broker's password file (made with {@code mosquitto_passwd -b}). */
        public Builder user(String name, String password) {
            users.put(name, password);
            return this;
        }

        /** Uses this ACL file as it is (mosquitto's {@code acl_file}), e.g. the shipped deploy/mosquitto/acl. */
        public Builder acl(Path aclFile) {
            this.aclFile = aclFile.toAbsolutePath();
            return this;
        }

        /**
         * Listens with TLS only ({@code ssl://}), with a CA and a server certificate for 127.0.0.1 and localhost
         * generated in the broker's folder; clients trust {@link Mosquitto#caCertificate()}.
         */
        public Builder tls() {
            this.tls = true;
            this.serverCertificate = null;
            return this;
        }

        /** Listens with TLS only, presenting this certificate (e.g. one whose names do not match 127.0.0.1). */
        public Builder tls(ServerCertificate certificate) {
            this.tls = true;
            this.serverCertificate = certificate;
            return this;
        }

        /**
         * Keeps sessions, queued messages and retained messages across {@link Mosquitto#stop()} and
         * {@link Mosquitto#restart()} (default off). A {@link Mosquitto#kill()} loses what was not yet saved,
         * as a real crash does.
         */
        public Builder persistence(boolean persistence) {
            this.persistence = persistence;
            return this;
        }

        /**
         * Joins this broker to {@code remote} with mosquitto's own bridge. {@code topicLine} is the bridge's
         * {@code topic} option, e.g. {@code "sparrow/# in 1"} (remote to this broker at QoS 1), {@code "sparrow/# out 1"}
         * or {@code "sparrow/# both 1"}. The remote must be plain TCP and allow anonymous clients. The bridge
         * connects shortly after start: a test proves it is up by delivering a message across it before counting.
         */
        public Builder bridgeTo(Mosquitto remote, String topicLine) {
            if (remote.options.tls || !remote.options.allowAnonymous) {
                throw new IllegalArgumentException("the bridge needs a remote on plain TCP that allows anonymous clients");
            }
            this.bridgeRemote = remote;
            this.bridgeTopic = topicLine;
            return this;
        }

        /** Writes the broker's files and starts it on a free port; returns once it accepts connections. */
        public Mosquitto start() throws IOException, InterruptedException {
            Path executable = Executables.require("mosquitto");
            Path dir = Files.createTempDirectory("sparrow-mosquitto-");
            try {
                Path passwordFile = users.isEmpty() ? null : writePasswordFile(dir);
                ServerCertificate certificate = serverCertificate;
                if (tls && certificate == null) {
                    CertificateAuthority ca = CertificateAuthority.create(dir, "ca", "Sparrow test broker CA");
                    certificate = ca.issueServerCertificate("server", "IP:127.0.0.1", "DNS:localhost");
                }
                Mosquitto broker = new Mosquitto(executable, dir, copy(), certificate, passwordFile);
                broker.launchOnFreePort();
                return broker;
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                deleteRecursively(dir);
                throw e;
            }
        }

        private Path writePasswordFile(Path dir) throws IOException, InterruptedException {
            Path mosquittoPasswd = Executables.require("mosquitto_passwd");
            Path file = dir.resolve("passwords");
            boolean first = true;
            for (Map.Entry<String, String> user : users.entrySet()) {
                List<String> command = new ArrayList<>(List.of(mosquittoPasswd.toString()));
                if (first) {
                    command.add("-c");
                }
                command.addAll(List.of("-b", file.toString(), user.getKey(), user.getValue()));
                Executables.run(dir, command);
                first = false;
            }
            return file;
        }

        /** A snapshot, so that reusing this builder cannot change a running broker's next restart. */
        private Builder copy() {
            Builder copy = new Builder();
            copy.allowAnonymous = allowAnonymous;
            copy.users.putAll(users);
            copy.aclFile = aclFile;
            copy.tls = tls;
            copy.serverCertificate = serverCertificate;
            copy.persistence = persistence;
            copy.bridgeRemote = bridgeRemote;
            copy.bridgeTopic = bridgeTopic;
            return copy;
        }
    }

    /** {@code tcp://127.0.0.1:PORT}, or {@code ssl://127.0.0.1:PORT} with TLS; the same across restarts. */
    public String uri() {
        return (options.tls ? "ssl://" : "tcp://") + HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    /** The CA certificate (PEM) that signed the TLS listener's certificate; only for a broker built with tls(). */
    public Path caCertificate() {
        if (serverCertificate == null) {
            throw new IllegalStateException("this broker listens without TLS");
        }
        return serverCertificate.issuer();
    }

    /** The broker's log (all of mosquitto's log types, every run of this fixture appended). */
    public Path log() {
        return logFile;
    }

    /** The last lines of the log, for assertion messages. */
    public String logTail(int lines) {
        String text = readLog(0);
        List<String> all = text.lines().toList();
        return "--- mosquitto log " + logFile + " (last " + Math.min(lines, all.size()) + " lines) ---\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Ends the broker with SIGTERM (it closes its clients and saves persistence) and waits for it. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        RUNNING.remove(process);
    }

    /** Ends the broker with SIGKILL, as a crash or power loss would: clients see their connections drop. */
    public void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        RUNNING.remove(process);
    }

    /**
     * Starts the broker again on the same port (stopping it first if it still runs), waiting a few seconds
     * if the port is not yet free.
     */
    public void restart() throws IOException, InterruptedException {
        if (isRunning()) {
            stop();
        }
        long deadline = System.nanoTime() + PORT_FREE_WITHIN.toNanos();
        while (launch() == Launch.PORT_TAKEN) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("port " + port + " still taken after " + PORT_FREE_WITHIN.toSeconds()
                        + " s; mosquitto could not restart on it\n" + logTail(20));
            }
            Thread.sleep(200);
        }
    }

    /**
     * Kills the broker and deletes its folder. Declares no InterruptedException (a resource's close should not):
     * when interrupted, the SIGKILL is still sent and the interrupt is kept for the caller.
     */
    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteRecursively(dir);
        }
    }

    private void launchOnFreePort() throws IOException, InterruptedException {
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            port = freePort();
            if (launch() == Launch.READY) {
                return;
            }
        }
        throw new IllegalStateException("no free port after " + PORT_ATTEMPTS + " attempts\n" + logTail(20));
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return probe.getLocalPort();
        }
    }

    /** Starts mosquitto and waits until it listens; a port someone else holds is reported, any other failure thrown. */
    private Launch launch() throws IOException, InterruptedException {
        Files.writeString(configFile, config());
        logOffsetAtLaunch = Files.exists(logFile) ? Files.size(logFile) : 0;
        process = new ProcessBuilder(executable.toString(), "-c", configFile.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(logFile.toFile()))
                .start();
        RUNNING.add(process);
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (true) {
            String thisRun = readLog(logOffsetAtLaunch);
            if (!process.isAlive()) {
                RUNNING.remove(process);
                if (thisRun.contains("Address already in use")) {
                    return Launch.PORT_TAKEN;
                }
                throw new IllegalStateException("mosquitto exited with " + process.exitValue()
                        + " before it was ready\n" + logTail(20));
            }
            // mosquitto logs "mosquitto version X running" once its listeners are open; the connect confirms
            // it is this process that listens and not another that took the port.
            if (thisRun.contains(" running") && accepts()) {
                return Launch.READY;
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException("mosquitto not ready within " + READY_WITHIN.toSeconds() + " s\n"
                        + logTail(20));
            }
            Thread.sleep(20);
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 200);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private String config() {
        StringBuilder conf = new StringBuilder();
        conf.append("# Written by ").append(Mosquitto.class.getName())
                .append(" for one test; deploy/mosquitto/mosquitto.conf is the one for real brokers.\n");
        // Run as whoever runs the test: as root, mosquitto would otherwise switch to the user "mosquitto",
        // which cannot read this private folder.
        conf.append("user ").append(System.getProperty("user.name")).append('\n');
        conf.append("listener ").append(port).append(' ').append(HOST).append('\n');
        conf.append("allow_anonymous ").append(options.allowAnonymous).append('\n');
        if (passwordFile != null) {
            conf.append("password_file ").append(passwordFile).append('\n');
        }
        if (options.aclFile != null) {
            conf.append("acl_file ").append(options.aclFile).append('\n');
        }
        if (serverCertificate != null) {
            conf.append("cafile ").append(serverCertificate.issuer()).append('\n');
            conf.append("certfile ").append(serverCertificate.certificate()).append('\n');
            conf.append("keyfile ").append(serverCertificate.privateKey()).append('\n');
        }
        conf.append("persistence ").append(options.persistence).append('\n');
        if (options.persistence) {
            conf.append("persistence_location ").append(dir).append("/\n");
        }
        // As deploy/mosquitto/mosquitto.conf: a robot's backlog after an outage comes faster than a bridge
        // forwards it, and mosquitto's default of 1000 queued messages per client drops the rest silently.
        conf.append("max_queued_messages 100000\n");
        // Forward every message as it comes instead of 20 in flight per client (mosquitto's default) with the
        // rest queued in memory: the outage tests SIGKILL a broker and count what the *robot* loses, and a
        // broker killed with messages it acknowledged but still held back would lose them itself.
        conf.append("max_inflight_messages 0\n");
        conf.append("log_dest stderr\n");
        // Everything, including the debug lines that name a publish the ACL denied: test failures quote them.
        conf.append("log_type all\n");
        conf.append("log_timestamp_format %H:%M:%S\n");
        if (options.bridgeRemote != null) {
            conf.append("connection sparrow-bridge\n");
            conf.append("address ").append(HOST).append(':').append(options.bridgeRemote.port()).append('\n');
            conf.append("topic ").append(options.bridgeTopic).append('\n');
            conf.append("cleansession true\n");
            conf.append("remote_clientid sparrow-bridge-").append(port).append('\n');
            // Retry every second rather than mosquitto's growing back-off: a test waits seconds, not minutes.
            conf.append("restart_timeout 1\n");
        }
        return conf.toString();
    }

    private String readLog(long offset) {
        try {
            if (!Files.exists(logFile)) {
                return "";
            }
            byte[] bytes = Files.readAllBytes(logFile);
            int from = (int) Math.min(offset, bytes.length);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the broker folder " + dir, e);
        }
    }
}
