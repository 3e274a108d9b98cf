package io.flowstate.camel.resource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the run's scratch directory in Java, YAML and XML routes: one directory per run under workDirectory, the same
 * for every step and parallel branch, written by the file component, kept while the run is suspended, removed when
 * the run completes or fails.
 */
class FlowWorkDirDslTest extends CamelTestSupport {

    @TempDir
    Path base;

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        FlowStateComponent flowstate = new FlowStateComponent();
        flowstate.setWorkDirectory(base.resolve("work").toString());
        registry.bind("flowstate", flowstate);
        registry.bind("flowRepository", repository);
        registry.bind("listWorkDir", (Processor) e -> e.getMessage().setBody(
                list(Path.of(e.getMessage().getHeader(FlowStateConstants.WORK_DIR, String.class)))));
    }

    private void load(RouteDsl dsl) throws Exception {
        dsl.load(context, "resource/workdir", new WorkDirJavaDslRoutes());
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void everyStepAndBranchOfARunSharesOneDirectoryWhichIsRemovedWhenTheRunCompletes(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange out = template.request("direct:files", e -> e.getMessage().setBody("hello"));

        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo(List.of("first.txt", "second.txt", "third.txt"));
        String dir = out.getMessage().getHeader(FlowStateConstants.WORK_DIR, String.class);
        String id = out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        assertThat(Path.of(dir)).isAbsolute().isEqualTo(base.resolve("work").resolve(id).toAbsolutePath());
        assertThat(FlowExecution.find(out).orElseThrow().state().get("dirs")).isEqualTo(List.of(dir, dir));
        assertThat(Path.of(dir)).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aSuspendedRunKeepsItsDirectoryAndTheResumedRunFindsItThenRemovesIt(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange suspended = template.request("direct:waitWithFiles", e -> e.getMessage().setBody("draft"));

        assertThat(suspended.getException()).isNull();
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        Path dir = base.resolve("work").resolve(id);
        assertThat(list(dir)).containsExactly("draft.txt");

        Exchange resumed = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN,
                    suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN));
        });

        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo(List.of("draft.txt"));
        assertThat(repository.load(id).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(dir).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aFailedRunsDirectoryIsRemoved(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange out = template.request("direct:failing", e -> e.getMessage().setBody("partial"));

        assertThat(out.getException()).hasMessage("step failed");
        String id = out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        assertThat(base.resolve("work").resolve(id)).doesNotExist();
        assertThat(base.resolve("work")).isEmptyDirectory();
    }

    static List<String> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
