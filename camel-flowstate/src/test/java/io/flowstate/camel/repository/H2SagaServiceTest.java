package io.flowstate.camel.repository;

import java.nio.file.Path;

import io.flowstate.camel.snapshot.jdbc.JdbcTestStores;

/** The saga service's contract on H2. */
class H2SagaServiceTest extends AbstractSagaServiceTest {

    @Override
    protected RepositoryStores stores(Path dir) {
        return RepositoryStores.jdbc(JdbcTestStores.h2(dir));
    }
}
