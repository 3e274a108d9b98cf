package io.flowstate.camel.repository;

import java.nio.file.Path;

import io.flowstate.camel.snapshot.jdbc.JdbcTestStores;

/** The aggregation repository's contract on PostgreSQL. */
class PostgresAggregationRepositoryTest extends AbstractAggregationRepositoryTest {

    @Override
    protected RepositoryStores stores(Path dir) {
        return RepositoryStores.jdbc(JdbcTestStores.postgres());
    }
}
