package io.flowstate.camel;

import java.nio.file.Path;

import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The component stops what it started, as Camel does with the services it is handed: a repository it started is
 * stopped with it, one its owner started already is left running; what it holds only while started is released.
 */
class FlowStateComponentLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void aSuppliedRepositoryTheComponentStartedIsStoppedWithItAndStartedAgainOnRestart() {
        MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
        CamelContext context = context(repository);
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);

        context.start();
        assertThat(repository.isStarted()).isTrue();
        component.stop();
        assertThat(repository.isStopped()).isTrue();

        component.start();
        assertThat(repository.isStarted()).isTrue();
        context.stop();
        assertThat(repository.isStopped()).isTrue();
    }

    @Test
    void aSuppliedRepositoryStartedByItsOwnerIsLeftRunning() {
        MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
        repository.start();
        CamelContext context = context(repository);

        context.start();
        context.stop();

        assertThat(repository.isStarted()).isTrue();
        repository.stop();
    }

    @Test
    void theWorkDirectoriesAreReleasedWhenTheComponentStops() {
        CamelContext context = context(new MemoryFlowSnapshotRepository());
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);

        context.start();
        assertThat(component.getWorkDirectories()).isNotNull();
        assertThat(component.getExecutions().workDirectories()).isNotNull();
        context.stop();

        assertThat(component.getWorkDirectories()).isNull();
        assertThat(component.getExecutions().workDirectories()).isNull();
    }

    private CamelContext context(MemoryFlowSnapshotRepository repository) {
        CamelContext context = new DefaultCamelContext();
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setRepository(repository);
        component.setWorkDirectory(dir.resolve("work").toString());
        return context;
    }
}
