package io.flowstate.camel.resource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two applications on one host, each on its own data directory, both with the default work directory: neither's sweep
 * removes the other's scratch directories, not even those of suspended runs it cannot find in its own repository.
 */
class SharedTempWorkDirectoryTest {

    @TempDir
    Path dataA;

    @TempDir
    Path dataB;

    @Test
    void anotherApplicationsSweepKeepsTheScratchDirectoryOfASuspendedRun() throws Exception {
        try (CamelContext appA = application(dataA); CamelContext appB = application(dataB)) {
            Exchange suspended = appA.createProducerTemplate().request("direct:draft", e -> e.getMessage().setBody("x"));
            Path dir = Path.of(suspended.getMessage().getHeader(FlowStateConstants.WORK_DIR, String.class));
            try {
                assertThat(dir.resolve("draft.txt")).exists();
                // waiting for its approval since yesterday: old enough for any sweep
                Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minusSeconds(86_400)));

                appB.getComponent("flowstate", FlowStateComponent.class).getMaintenance().runOnce();

                assertThat(dir.resolve("draft.txt")).exists();
            } finally {
                appA.getComponent("flowstate", FlowStateComponent.class).getWorkDirectories()
                        .remove(dir.getFileName().toString());
            }
        }
    }

    private static CamelContext application(Path dataDirectory) throws Exception {
        CamelContext context = new DefaultCamelContext();
        FlowStateComponent flowstate = new FlowStateComponent();
        flowstate.setRepository(new FileFlowSnapshotRepository(dataDirectory.toString()));
        context.addComponent("flowstate", flowstate);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:draft").routeId("draft")
                        .to("flowstate:workdir")
                        .process(e -> Files.writeString(
                                Path.of(e.getMessage().getHeader(FlowStateConstants.WORK_DIR, String.class))
                                        .resolve("draft.txt"),
                                "draft"))
                        .to("flowstate:suspend:approval");
            }
        });
        context.start();
        return context;
    }
}
