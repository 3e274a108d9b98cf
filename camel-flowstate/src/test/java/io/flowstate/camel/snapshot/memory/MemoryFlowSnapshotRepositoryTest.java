package io.flowstate.camel.snapshot.memory;

import io.flowstate.camel.snapshot.AbstractFlowSnapshotRepositoryTest;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;

/**
 * The repository contract on the memory repository.
 */
class MemoryFlowSnapshotRepositoryTest extends AbstractFlowSnapshotRepositoryTest {

    @Override
    protected FlowSnapshotRepository createRepository() {
        return new MemoryFlowSnapshotRepository();
    }
}
