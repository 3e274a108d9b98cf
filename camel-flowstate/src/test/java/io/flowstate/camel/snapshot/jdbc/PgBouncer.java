package io.flowstate.camel.snapshot.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PgBouncer (Debian's package) in transaction pooling mode in front of a PostgreSQL server, on a free port of the
 * loopback interface: each transaction may run on another server connection, so nothing may rely on session state or
 * server-side prepared statements (the driver is told {@code prepareThreshold=0}). Started once per test JVM, stopped
 * when it exits.
 */
final class PgBouncer {

    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/pgbouncer"), Path.of("/usr/bin/pgbouncer"));

    private final int port;

    private PgBouncer(int port) {
        this.port = port;
    }

    /** A JDBC URL through the pooler to database {@code postgres}. */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?prepareThreshold=0";
    }

    static PgBouncer start(int serverPort) {
        Path binary = CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "pgbouncer is not installed (looked for " + CANDIDATES + "): the PgBouncer tests need Debian's package;"
                + " install it with 'sudo apt-get install -y pgbouncer' (.ci/run does so when it is missing)"));
        try {
            int port = freePort();
            // readable by the user pgbouncer switches to when started as root
            Path dir = Files.createTempDirectory("pgbouncer", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
            Path users = Files.writeString(dir.resolve("users.txt"), "\"postgres\" \"\"\n");
            Path ini = Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                    "[databases]",
                    "postgres = host=127.0.0.1 port=" + serverPort + " dbname=postgres user=postgres",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + port,
                    "unix_socket_dir =",
                    "auth_type = trust",
                    "auth_file = " + users,
                    "pool_mode = transaction",
                    "max_client_conn = 500",
                    "default_pool_size = 40",
                    "ignore_startup_parameters = extra_float_digits,options",
                    ""), StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(binary.toString()));
            if ("root".equals(System.getProperty("user.name"))) {
                command.addAll(List.of("-u", "nobody")); // it refuses to run as root
            }
            command.add(ini.toString());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("pgbouncer.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            awaitListening(port, process, dir.resolve("pgbouncer.log"));
            return new PgBouncer(port);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start pgbouncer", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitListening(int port, Process process, Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgbouncer ended at start: " + Files.readString(log));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50); // polling a port that is not open yet: nothing to wait on but time
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for pgbouncer", e);
                }
            }
        }
        process.destroy();
        throw new IllegalStateException("pgbouncer did not listen on port " + port + " within 30 s: "
                                        + Files.readString(log));
    }
}
