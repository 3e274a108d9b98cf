package io.flowstate.camel.repository;

import java.nio.file.Path;

/** The state repository's contract on the file repository. */
class FileStateRepositoryTest extends AbstractStateRepositoryTest {

    @Override
    protected RepositoryStores stores(Path dir) {
        return RepositoryStores.file(dir);
    }
}
