package io.flowstate.camel.repository;

import java.nio.file.Path;

/** The aggregation repository's contract on the file repository. */
class FileAggregationRepositoryTest extends AbstractAggregationRepositoryTest {

    @Override
    protected RepositoryStores stores(Path dir) {
        return RepositoryStores.file(dir);
    }
}
