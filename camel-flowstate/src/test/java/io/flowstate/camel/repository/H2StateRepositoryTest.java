package io.flowstate.camel.repository;

import java.nio.file.Path;

import io.flowstate.camel.snapshot.jdbc.JdbcTestStores;

/** The state repository's contract on H2. */
class H2StateRepositoryTest extends AbstractStateRepositoryTest {

    @Override
    protected RepositoryStores stores(Path dir) {
        return RepositoryStores.jdbc(JdbcTestStores.h2(dir));
    }
}
