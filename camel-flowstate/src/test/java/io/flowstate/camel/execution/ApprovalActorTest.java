package io.flowstate.camel.execution;

import java.nio.file.Path;
import java.util.Map;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Header CamelFlowStateActor on the file repository: a malformed actor is refused where it is read (start, resume)
 * before anything is stored; a run's starter is kept with the run, and an inner flow's approval step compares the
 * resume's actor with the starter of the run that called it.
 */
class ApprovalActorTest extends CamelTestSupport {

    @TempDir
    Path dataDirectory;

    private FileFlowSnapshotRepository repository;

    @Override
    protected void bindToRegistry(Registry registry) {
        repository = new FileFlowSnapshotRepository(dataDirectory.toString());
        registry.bind("flowRepository", repository);
    }

    @Test
    void anActorWithALineBreakRefusesTheStartAndStoresNothing() {
        Exchange start = start("direct:approve", "eve\nINFO forged log line");

        assertThat(start.getException()).isExactlyInstanceOf(FlowStateException.class)
                .hasMessageContaining("Header " + FlowStateConstants.ACTOR + " at the start of a run must be a name of 1"
                                      + " to 200 printable characters")
                .hasMessageContaining("'eve?INFO forged log line'");
        assertThat(repository.find(FlowSnapshotQuery.builder().build()).items()).isEmpty();
    }

    @Test
    void anActorTooLongAtResumeIsRefusedAndTheRunStaysAsStored() {
        Map<?, ?> suspend = start("direct:approve", "alice").getMessage().getBody(Map.class);
        String id = (String) suspend.get("executionId");
        FlowSnapshot before = repository.load(id).orElseThrow();
        assertThat(before.startedBy()).isEqualTo("alice");

        Exchange refused = resume(suspend, "x".repeat(201));

        assertThat(refused.getException()).isExactlyInstanceOf(FlowStateException.class)
                .hasMessageContaining("was 201 characters long");
        assertThat(repository.load(id).orElseThrow()).isEqualTo(before);

        Exchange answered = resume(suspend, "alice");

        assertThat(answered.getException()).isNull();
        FlowSnapshot done = repository.load(id).orElseThrow();
        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(done.startedBy()).isEqualTo("alice");
        assertThat(done.approvals().get("approval").get("actor").asText()).as("self approval allowed by default")
                .isEqualTo("alice");
    }

    @Test
    void anInnerFlowsApprovalComparesWithTheStarterOfTheCallingRun() {
        Map<?, ?> suspend = start("direct:parent", "alice").getMessage().getBody(Map.class);
        String innerId = (String) suspend.get("executionId");
        FlowSnapshot before = repository.load(innerId).orElseThrow();
        assertThat(before.parentExecutionId()).isNotNull();

        Exchange self = resume(suspend, "alice");

        assertThat(self.getException()).isExactlyInstanceOf(ResumeException.SelfApproval.class);
        assertThat(repository.load(innerId).orElseThrow()).isEqualTo(before);

        Exchange other = resume(suspend, "bob");

        assertThat(other.getException()).isNull();
        assertThat(other.getMessage().getBody()).isEqualTo("signed by bob");
        assertThat(repository.load(innerId).orElseThrow().approvals().get("signature").get("actor").asText())
                .isEqualTo("bob");
    }

    private Exchange start(String uri, String actor) {
        return template.request(uri, e -> {
            e.getMessage().setBody("order");
            e.getMessage().setHeader(FlowStateConstants.ACTOR, actor);
        });
    }

    private Exchange resume(Map<?, ?> suspend, String actor) {
        return template.request("direct:resume", e -> {
            e.getMessage().setBody("yes");
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, suspend.get("executionId"));
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, suspend.get("resumeToken"));
            e.getMessage().setHeader(FlowStateConstants.ACTOR, actor);
        });
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:resume").to("flowstate:resume");
                from("direct:approve").routeId("approve")
                        .to("flowstate:start")
                        .to("flowstate:snapshot")
                        .to("flowstate:suspend:approval");
                from("direct:parent").routeId("parent")
                        .to("flowstate:start:parent")
                        .to("direct:child");
                from("direct:child").routeId("child")
                        .to("flowstate:start:child")
                        .to("flowstate:suspend:signature?selfApproval=false")
                        .setBody().language("flowstate", "\"signed by \" + .approvals.signature.actor");
            }
        };
    }
}
