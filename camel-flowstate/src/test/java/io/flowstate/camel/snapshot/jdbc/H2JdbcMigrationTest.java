package io.flowstate.camel.snapshot.jdbc;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/**
 * The migrations on H2 in file mode, a fresh database per test. H2 gives up waiting for a lock after its lock timeout:
 * a node waiting for another's migration retries.
 */
class H2JdbcMigrationTest extends AbstractJdbcMigrationTest {

    @TempDir
    static Path tempDir;

    @Override
    protected JdbcTestDatabase database() {
        return JdbcTestDatabase.h2(tempDir);
    }
}
