package io.flowstate.camel.resource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who removes a run's scratch directory: only the run's end on the node that holds it. A copy attached by
 * flowstate:restore leaves it alone; a run that suspended keeps it until the continued run ends here, or, when it
 * ended on another node, until the sweep finds the stored run finished.
 */
class FlowWorkDirEndsTest extends CamelTestSupport {

    @TempDir
    Path base;

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        bind(registry, base.resolve("work"));
    }

    private void bind(Registry registry, Path workDirectory) {
        FlowStateComponent flowstate = new FlowStateComponent();
        flowstate.setWorkDirectory(workDirectory.toString());
        registry.bind("flowstate", flowstate);
        registry.bind("flowRepository", repository);
        registry.bind("listWorkDir", (Processor) e -> e.getMessage().setBody(
                FlowWorkDirDslTest.list(Path.of(e.getMessage().getHeader(FlowStateConstants.WORK_DIR, String.class)))));
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new Routes();
    }

    static class Routes extends RouteBuilder {
        @Override
        public void configure() {
            // the run hands its id to a worker (as over a queue: only the id travels), which reads its files
            from("direct:owner").routeId("owner")
                    .to("flowstate:start")
                    .to("flowstate:workdir")
                    .toD("file:${header.CamelFlowStateWorkDir}?fileName=extract.csv")
                    .to("flowstate:snapshot")
                    .process(e -> {
                        Exchange worker = e.getContext().createProducerTemplate().request("direct:worker",
                                w -> w.getMessage().setHeader(FlowStateConstants.EXECUTION_ID,
                                        e.getMessage().getHeader(FlowStateConstants.EXECUTION_ID)));
                        e.setProperty("workerSaw", worker.getMessage().getBody());
                        e.setProperty("workerStatus", worker.getMessage().getHeader(FlowStateConstants.STATUS));
                    })
                    .to("flowstate:workdir")
                    .process("listWorkDir");

            from("direct:worker").routeId("worker")
                    .to("flowstate:restore")
                    .to("flowstate:workdir")
                    .process("listWorkDir");

            from("direct:waitWithFiles").routeId("waitWithFiles")
                    .to("flowstate:start")
                    .to("flowstate:workdir")
                    .toD("file:${header.CamelFlowStateWorkDir}?fileName=draft.txt")
                    .to("flowstate:suspend:approval")
                    .to("flowstate:workdir")
                    .process("listWorkDir");

            // the directory is used only in a step completed before the suspend: the resumed run skips that step
            from("direct:filesBeforeWait").routeId("filesBeforeWait")
                    .to("flowstate:start")
                    .step("draft")
                        .to("flowstate:workdir")
                        .toD("file:${header.CamelFlowStateWorkDir}?fileName=draft.txt")
                    .end()
                    .to("flowstate:suspend:approval")
                    .setBody(constant("approved"));

            from("direct:resume").routeId("resume")
                    .to("flowstate:resume");
        }
    }

    @Test
    void aWorkerThatRestoresARunningRunLeavesItsDirectoryToTheRun() {
        Exchange out = template.request("direct:owner", e -> e.getMessage().setBody("go"));

        assertThat(out.getException()).isNull();
        assertThat(out.getProperty("workerStatus")).hasToString("RUNNING");
        assertThat(out.getProperty("workerSaw")).isEqualTo(List.of("extract.csv"));
        // the worker's exchange ended before the run went on: the run still finds its files
        assertThat(out.getMessage().getBody()).isEqualTo(List.of("extract.csv"));
        String id = out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        assertThat(repository.load(id).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(base.resolve("work").resolve(id)).doesNotExist();
    }

    @Test
    void aRunThatUsedItsDirectoryOnlyBeforeItSuspendedRemovesItWhenItEndsAfterTheResume() {
        Exchange suspended = template.request("direct:filesBeforeWait", e -> e.getMessage().setBody("draft"));
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        Path dir = base.resolve("work").resolve(id);
        assertThat(dir.resolve("draft.txt")).exists();

        Exchange resumed = resume(template, suspended);

        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo("approved");
        assertThat(repository.load(id).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(dir).doesNotExist();
    }

    @Test
    void theDirectoryOfARunThatSuspendedHereAndEndedOnAnotherNodeIsSwept() throws Exception {
        Exchange suspended = template.request("direct:waitWithFiles", e -> e.getMessage().setBody("draft"));
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        Path dir = base.resolve("work").resolve(id);
        assertThat(dir.resolve("draft.txt")).exists();
        WorkDirectories dirs = context.getComponent("flowstate", FlowStateComponent.class).getWorkDirectories();

        // suspended: the sweep keeps it
        assertThat(dirs.sweep(repository::hasEnded, Instant.now().plusSeconds(60))).isZero();
        assertThat(dir).exists();

        try (CamelContext nodeB = new DefaultCamelContext()) {
            bind(nodeB.getRegistry(), base.resolve("workB"));
            nodeB.addRoutes(new Routes());
            nodeB.start();
            ProducerTemplate templateB = nodeB.createProducerTemplate();

            Exchange resumed = resume(templateB, suspended);

            assertThat(resumed.getException()).isNull();
            // node B has its own directory
            assertThat(resumed.getMessage().getHeader(FlowStateConstants.WORK_DIR, String.class))
                    .isEqualTo(base.resolve("workB").resolve(id).toAbsolutePath().toString());
        }
        assertThat(repository.load(id).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(base.resolve("workB").resolve(id)).doesNotExist();
        assertThat(dir).exists();

        assertThat(dirs.sweep(repository::hasEnded, Instant.now().plusSeconds(60))).isEqualTo(1);
        assertThat(dir).doesNotExist();
        assertThat(Files.list(base.resolve("work")).count()).isZero();
    }

    private static Exchange resume(ProducerTemplate template, Exchange suspended) {
        return template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID,
                    suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID));
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN,
                    suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN));
        });
    }
}
