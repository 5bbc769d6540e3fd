package careweb;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

import picocli.CommandLine;

/**
 * Starts an in-process Neo4j Community DBMS with a Bolt connector on 127.0.0.1, for careweb's
 * integration tests on machines without Docker.
 *
 * <p>Contract:
 * <ul>
 *   <li>stdout carries exactly one line, {@code BOLT_URI=bolt://127.0.0.1:PORT}, printed once Bolt
 *       accepts connections (and the password is set). Everything else goes to stderr.</li>
 *   <li>Runs until stdin reaches EOF (unless {@code --no-stdin-watch}) or SIGTERM/SIGINT; then the
 *       DBMS is shut down and its temporary home directory (and the --uri-file) deleted.</li>
 * </ul>
 *
 * <p>Options / environment:
 * <pre>
 *   --port N            | NEO4J_TEST_PORT       Bolt port (default 0 = pick a free one)
 *   --uri-file PATH     | NEO4J_TEST_URI_FILE   also write the bolt URI (one line) to PATH, atomically
 *   --no-stdin-watch                            do not exit when stdin closes (for nohup/background)
 *   NEO4J_TEST_PASSWORD    password of user "neo4j" (default careweb-test-password)
 *   NEO4J_TEST_AUTH        false/0/no/off disables authentication (default: enabled)
 *   NEO4J_TEST_PAGECACHE   page cache size, e.g. 64m (default 64m)
 * </pre>
 * The DBMS home is created under java.io.tmpdir.
 */
public final class TestServer {
    private static final String DEFAULT_PASSWORD = "careweb-test-password";

    private static final PrintStream OUT = System.out;
    private static final PrintStream ERR = System.err;

    private static final Object LOCK = new Object();
    private static DatabaseManagementService dbms;
    private static Path home;
    private static Path uriFile;
    private static boolean stopped;

    private TestServer() {}

    public static void main(String[] args) {
        // Keep stdout reserved for the BOLT_URI line: anything else that prints via System.out
        // (libraries, stray logging) goes to stderr instead.
        System.setOut(ERR);

        int port = parsePort(env("NEO4J_TEST_PORT", "0"));
        String uriFileArg = env("NEO4J_TEST_URI_FILE", null);
        boolean watchStdin = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = parsePort(next(args, ++i));
                case "--uri-file" -> uriFileArg = next(args, ++i);
                case "--no-stdin-watch" -> watchStdin = false;
                case "-h", "--help" -> {
                    ERR.println("usage: TestServer [--port N] [--uri-file PATH] [--no-stdin-watch]");
                    System.exit(0);
                }
                default -> die(2, "unknown argument: " + args[i]);
            }
        }
        boolean auth = !Set.of("false", "0", "no", "off")
                .contains(env("NEO4J_TEST_AUTH", "true").trim().toLowerCase(Locale.ROOT));
        String password = env("NEO4J_TEST_PASSWORD", DEFAULT_PASSWORD);
        long pageCache = parseSize(env("NEO4J_TEST_PAGECACHE", "64m"));

        Runtime.getRuntime().addShutdownHook(new Thread(TestServer::stop, "careweb-neo4j-shutdown"));

        String uri;
        String timing;
        long t0 = System.nanoTime();
        try {
            synchronized (LOCK) {
                home = Files.createTempDirectory("careweb-neo4j-");
                if (uriFileArg != null) {
                    uriFile = Paths.get(uriFileArg).toAbsolutePath();
                    Files.deleteIfExists(uriFile);
                }
                if (auth) {
                    setInitialPassword(home, password);
                }
                ERR.println("careweb-neo4j: starting Neo4j in " + home + " (auth " + (auth ? "enabled" : "disabled") + ")");
                DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
                if (port != 0) {
                    builder.setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port));
                }
                dbms = builder
                        .setConfig(BoltConnector.enabled, true)
                        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                        .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                        .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                        .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                        // no outbound network: usage data collection off
                        .setConfig(GraphDatabaseSettings.udc_enabled, false)
                        .setConfig(GraphDatabaseInternalSettings.udc_network_enabled, false)
                        // small footprint
                        .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                        .setConfig(GraphDatabaseSettings.pagecache_warmup_enabled, false)
                        .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                        .setConfig(GraphDatabaseSettings.preallocate_store_files, false)
                        .setConfig(GraphDatabaseSettings.tx_state_memory_allocation,
                                GraphDatabaseSettings.TransactionStateMemoryAllocation.ON_HEAP)
                        .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                        // fast shutdown: Bolt otherwise waits ~2x5s for idle pools on stop
                        .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                        .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                        .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
                        .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                        .build();
            }
            long tDbms = System.nanoTime();
            GraphDatabaseAPI system = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            // Make sure the default database is up before advertising readiness.
            dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");

            HostnamePort bound = system.getDependencyResolver()
                    .resolveDependency(ConnectorPortRegister.class)
                    .getLocalAddress(ConnectorType.BOLT);
            if (bound == null) {
                throw new IllegalStateException("Bolt connector did not register a local address");
            }
            int boltPort = bound.getPort();
            awaitListening(boltPort, Duration.ofSeconds(30));
            uri = "bolt://127.0.0.1:" + boltPort;
            timing = String.format(Locale.ROOT, "dbms start %d ms, first query %d ms",
                    (tDbms - t0) / 1_000_000, (System.nanoTime() - tDbms) / 1_000_000);

            synchronized (LOCK) {
                if (stopped) {
                    return; // signalled during start-up; the shutdown hook has cleaned up
                }
                if (uriFile != null) {
                    // write + rename so pollers never see a partial line
                    Path parent = uriFile.getParent();
                    Files.createDirectories(parent);
                    Path tmp = Files.createTempFile(parent, ".bolt-uri", ".tmp");
                    Files.writeString(tmp, uri + "\n", StandardCharsets.UTF_8);
                    Files.move(tmp, uriFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (Throwable t) {
            ERR.println("careweb-neo4j: startup failed: " + t);
            t.printStackTrace(ERR);
            System.exit(1); // shutdown hook cleans up
            return;
        }

        long sinceJvmStart = ProcessHandle.current().info().startInstant()
                .map(st -> Duration.between(st, java.time.Instant.now()).toMillis()).orElse(-1L);
        ERR.printf(Locale.ROOT, "careweb-neo4j: ready on %s, %d ms after JVM start (%s)%n", uri, sinceJvmStart, timing);
        OUT.println("BOLT_URI=" + uri);
        OUT.flush();

        if (watchStdin) {
            Thread w = new Thread(TestServer::waitForStdinEof, "careweb-neo4j-stdin-watch");
            w.setDaemon(true);
            w.start();
        }
        // Block until the JVM is told to exit (SIGTERM/SIGINT, or stdin EOF above).
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Same as {@code neo4j-admin dbms set-initial-password PW}: writes data/dbms/auth.ini under
     * {@code home}, which the DBMS turns into user "neo4j" (no password change required) when it
     * initialises its system database. Much cheaper than an ALTER USER after start-up.
     */
    private static void setInitialPassword(Path home, String password) throws IOException {
        Path conf = Files.createDirectories(home.resolve("conf"));
        // The command validates the password against this setting (default minimum: 8).
        Files.writeString(conf.resolve("neo4j.conf"),
                GraphDatabaseSettings.auth_minimum_password_length.name() + "=1\n", StandardCharsets.UTF_8);
        int rc = new CommandLine(new SetInitialPasswordCommand(new ExecutionContext(home, conf, ERR, ERR,
                        new DefaultFileSystemAbstraction())))
                .setOut(new PrintWriter(ERR, true))
                .setErr(new PrintWriter(ERR, true))
                .execute(password);
        if (rc != 0) {
            throw new IllegalStateException("set-initial-password failed with exit code " + rc);
        }
    }

    private static void waitForStdinEof() {
        byte[] buf = new byte[256];
        try (InputStream in = System.in) {
            while (in.read(buf) >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // treat as EOF
        }
        ERR.println("careweb-neo4j: stdin closed, shutting down");
        System.exit(0);
    }

    private static void stop() {
        synchronized (LOCK) {
            if (stopped) {
                return;
            }
            stopped = true;
            if (uriFile != null) {
                try {
                    Files.deleteIfExists(uriFile);
                } catch (IOException e) {
                    ERR.println("careweb-neo4j: could not delete " + uriFile + ": " + e);
                }
            }
            if (dbms != null) {
                ERR.println("careweb-neo4j: shutting down Neo4j");
                try {
                    dbms.shutdown();
                } catch (Throwable t) {
                    ERR.println("careweb-neo4j: shutdown error: " + t);
                }
            }
            if (home != null) {
                deleteTree(home);
            }
            ERR.println("careweb-neo4j: stopped");
            ERR.flush();
        }
    }

    private static void awaitListening(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Bolt port " + port + " not accepting connections", e);
                }
                Thread.sleep(50);
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            ERR.println("careweb-neo4j: could not delete " + root + ": " + e);
        }
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }

    private static String next(String[] args, int i) {
        if (i >= args.length) {
            die(2, "missing value for " + args[i - 1]);
        }
        return args[i];
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s.trim());
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            die(2, "invalid port: " + s);
            return -1;
        }
    }

    private static long parseSize(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        if (v.endsWith("k")) {
            mult = ByteUnit.kibiBytes(1);
        } else if (v.endsWith("m")) {
            mult = ByteUnit.mebiBytes(1);
        } else if (v.endsWith("g")) {
            mult = ByteUnit.gibiBytes(1);
        }
        if (mult != 1) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            return Long.parseLong(v) * mult;
        } catch (NumberFormatException e) {
            die(2, "invalid size: " + s);
            return -1;
        }
    }

    private static void die(int code, String msg) {
        ERR.println("careweb-neo4j: " + msg);
        System.exit(code);
    }
}
