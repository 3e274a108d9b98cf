package io.flowstate.camel.snapshot.jdbc;

import java.io.IOException;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Starts an embedded PostgreSQL configured like a production server where it matters here: the embedded default turns
 * fsync and synchronous_commit off, which would make durability tests meaningless.
 */
public final class DurablePostgres {

    private DurablePostgres() {
    }

    static EmbeddedPostgres start() throws IOException {
        return builder().start();
    }

    /**
     * A server on {@code dataDirectory} that keeps its data when closed, so that a test can stop it and start it again
     * on the same data and {@code port} (0: any free port) as an outage its clients live through.
     */
    public static EmbeddedPostgres start(Path dataDirectory, int port) throws IOException {
        return builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(port).start();
    }

    private static EmbeddedPostgres.Builder builder() {
        return EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on");
    }
}
