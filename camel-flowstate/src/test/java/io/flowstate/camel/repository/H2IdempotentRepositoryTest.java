package io.flowstate.camel.repository;

import java.nio.file.Path;

import io.flowstate.camel.snapshot.jdbc.JdbcTestStores;

/** The idempotent repository's contract on H2. */
class H2IdempotentRepositoryTest extends AbstractIdempotentRepositoryTest {

    @Override
    protected RepositoryStores stores(Path dir) {
        return RepositoryStores.jdbc(JdbcTestStores.h2(dir));
    }
}
