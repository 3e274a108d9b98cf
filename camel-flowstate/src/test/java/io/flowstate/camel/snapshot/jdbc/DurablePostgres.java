package io.flowstate.camel.snapshot.jdbc;

import java.io.IOException;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Starts an embedded PostgreSQL configured like a production server where it matters here: the embedded default turns
 * fsync and synchronous_commit off, which would make durability tests meaningless.
 */
final class DurablePostgres {

    private DurablePostgres() {
    }

    static EmbeddedPostgres start() throws IOException {
        return builder().start();
    }

    static EmbeddedPostgres start(Path dataDirectory) throws IOException {
        return builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).start();
    }

    private static EmbeddedPostgres.Builder builder() {
        return EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on");
    }
}
