package io.flowstate.camel.repository;

import java.nio.file.Path;

import io.flowstate.camel.snapshot.CompactingRepository;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import io.flowstate.camel.snapshot.jdbc.JdbcTestStores;

/**
 * The stores every contract suite of the SPI beans runs against: file, H2 and PostgreSQL. A store gives a repository
 * (not started) and releases what it made.
 */
interface RepositoryStores {

    /** A repository on a fresh store; more on the same store where the store can be shared (JDBC). */
    CompactingRepository newRepository();

    /** Whether {@link #newRepository()} gives other nodes on one store (JDBC) rather than a store each. */
    default boolean shared() {
        return false;
    }

    default void close() {
    }

    static RepositoryStores file(Path directory) {
        return () -> new FileFlowSnapshotRepository(directory.resolve("flowstate-data").toString());
    }

    static RepositoryStores jdbc(JdbcTestStores.Store store) {
        return new RepositoryStores() {
            @Override
            public CompactingRepository newRepository() {
                return store.newRepository();
            }

            @Override
            public boolean shared() {
                return true;
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }
}
