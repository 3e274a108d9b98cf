package io.flowstate.camel.repository;

import java.nio.file.Path;

/** The idempotent repository's contract on the file repository. */
class FileIdempotentRepositoryTest extends AbstractIdempotentRepositoryTest {

    @Override
    protected RepositoryStores stores(Path dir) {
        return RepositoryStores.file(dir);
    }
}
