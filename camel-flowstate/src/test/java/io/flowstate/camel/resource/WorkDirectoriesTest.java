package io.flowstate.camel.resource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Scratch directories without routes: a base that cannot be written fails clearly, each store gets its own default
 * base, and the sweep removes only the directories it created of runs that are finished or gone, never those of
 * suspended runs, live runs, other owners or other files.
 */
class WorkDirectoriesTest {

    @TempDir
    Path base;

    @Test
    void aBaseThatCannotBeWrittenFailsNamingItAndTheOption() throws Exception {
        Path notADirectory = Files.writeString(base.resolve("plain-file"), "x");
        WorkDirectories dirs = new WorkDirectories(notADirectory, "owner");

        assertThatThrownBy(() -> dirs.open("01a20736-0000-7000-8000-000000000001"))
                .isInstanceOf(FlowStateException.class)
                .hasMessageContaining("Cannot create the scratch directory of run 01a20736-0000-7000-8000-000000000001")
                .hasMessageContaining("'" + notADirectory + "'")
                .hasMessageContaining("(option workDirectory)")
                .hasMessageContaining("not a directory")
                .hasMessageContaining("Set workDirectory (camel.component.flowstate.workDirectory) to a directory");
    }

    @Test
    void aRouteUsingAnUnwritableBaseFailsTheExchangeAndLeavesNothing() throws Exception {
        Path notADirectory = Files.writeString(base.resolve("plain-file"), "x");
        MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
        try (CamelContext context = new DefaultCamelContext()) {
            FlowStateComponent flowstate = new FlowStateComponent();
            flowstate.setWorkDirectory(notADirectory.toString());
            flowstate.setRepository(repository);
            context.addComponent("flowstate", flowstate);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:work").to("flowstate:workdir");
                }
            });
            context.start();

            Exchange out = context.createProducerTemplate().request("direct:work", e -> e.getMessage().setBody("x"));

            assertThat(out.getException()).isInstanceOf(FlowStateException.class)
                    .hasMessageContaining("workDirectory");
            assertThat(Files.readString(notADirectory)).isEqualTo("x");
        }
    }

    @Test
    void theDefaultBaseIsUnderTheSystemTempDirectoryOnePerStore() {
        Path a = WorkDirectories.of(null, "file:/srv/app-a/flowstate-data").base();
        Path b = WorkDirectories.of(" ", "file:/srv/app-b/flowstate-data").base();

        assertThat(a.getParent())
                .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "flowstate-work").toAbsolutePath().normalize());
        assertThat(b.getParent()).isEqualTo(a.getParent());
        assertThat(a).isNotEqualTo(b);
        assertThat(WorkDirectories.of(null, "file:/srv/app-a/flowstate-data").base()).isEqualTo(a);
        assertThat(WorkDirectories.of(base.toString(), "file:/srv/app-a/flowstate-data").base()).isEqualTo(base);
    }

    @Test
    void theSweepLeavesDirectoriesItDidNotCreate() throws Exception {
        MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
        String unmarked = "01a20736-0000-7000-8000-0000000000e1";
        String others = "01a20736-0000-7000-8000-0000000000e2";
        Files.createDirectories(base.resolve(unmarked));
        WorkDirectories otherApplication = new WorkDirectories(base, "other");
        otherApplication.open(others);
        otherApplication.release(others);

        assertThat(new WorkDirectories(base, "mine").sweep(repository::hasEnded, Instant.now().plusSeconds(60)))
                .isZero();
        assertThat(base.resolve(unmarked)).exists();
        assertThat(base.resolve(others)).exists();
        assertThat(otherApplication.sweep(repository::hasEnded, Instant.now().plusSeconds(60))).isEqualTo(1);
        assertThat(base.resolve(others)).doesNotExist();
        assertThat(base.resolve(others + ".owner")).doesNotExist();
    }

    @Test
    void theSweepRemovesDirectoriesOfFinishedAndVanishedRunsOnly() throws Exception {
        MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
        String finished = run(repository, "01a20736-0000-7000-8000-0000000000f1", FlowStatus.COMPLETED);
        String suspended = run(repository, "01a20736-0000-7000-8000-0000000000f2", FlowStatus.SUSPENDED);
        String gone = "01a20736-0000-7000-8000-0000000000f3";
        WorkDirectories dirs = new WorkDirectories(base, "owner");
        for (String id : new String[] { finished, suspended, gone }) {
            Files.writeString(dirs.open(id).resolve("data.txt"), "x");
            dirs.release(id);
        }
        Files.createDirectories(base.resolve("notes"));
        String live = "01a20736-0000-7000-8000-0000000000f4";
        dirs.open(live);

        int removed = dirs.sweep(repository::hasEnded, Instant.now().plusSeconds(60));

        assertThat(removed).isEqualTo(2);
        assertThat(base.resolve(finished)).doesNotExist();
        assertThat(base.resolve(gone)).doesNotExist();
        assertThat(base.resolve(suspended).resolve("data.txt")).exists();
        assertThat(base.resolve("notes")).exists();
        assertThat(base.resolve(live)).exists();

        dirs.remove(live);
        assertThat(base.resolve(live)).doesNotExist();
    }

    @Test
    void theSweepLeavesDirectoriesTouchedRecently() throws Exception {
        MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
        WorkDirectories dirs = new WorkDirectories(base, "owner");
        dirs.open("01a20736-0000-7000-8000-0000000000f5");
        dirs.release("01a20736-0000-7000-8000-0000000000f5");

        assertThat(dirs.sweep(repository::hasEnded, Instant.now().minusSeconds(60))).isZero();
        assertThat(base.resolve("01a20736-0000-7000-8000-0000000000f5")).exists();
    }

    private static String run(MemoryFlowSnapshotRepository repository, String id, FlowStatus status) {
        repository.save(FlowSnapshot.builder().executionId(id).flowId("f").routeId("r").status(status)
                .createdAt(Instant.now()).build(), 0);
        return id;
    }
}
