package io.flowstate.camel.repository;

import java.nio.file.Path;

/** The saga service's contract on the file repository. */
class FileSagaServiceTest extends AbstractSagaServiceTest {

    @Override
    protected RepositoryStores stores(Path dir) {
        return RepositoryStores.file(dir);
    }
}
