package io.flowstate.camel.snapshot.jdbc;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.io.TempDir;

/**
 * The repository contract on H2 in file mode with {@code WRITE_DELAY=0}, a fresh database per test.
 */
class H2FlowSnapshotRepositoryTest extends AbstractJdbcFlowSnapshotRepositoryTest {

    @TempDir
    static Path tempDir;

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private String url;

    @Override
    protected String freshTablePrefix() {
        url = "jdbc:h2:file:" + tempDir.resolve("db-" + COUNTER.incrementAndGet()).resolve("flowstate") + ";WRITE_DELAY=0";
        return "flowstate_";
    }

    @Override
    protected String jdbcUrl() {
        return url;
    }

    @Override
    protected String user() {
        return "sa";
    }
}
