package io.flowstate.camel.durable;

import java.nio.file.Path;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usual way a failed run is restarted: it fails on one application, the fix is deployed (a new CamelContext on the
 * same file repository, the default one), and the restart there completes it from the failed step.
 */
class RestartAfterRedeployTest {

    @TempDir
    Path dir;

    @Test
    void aRunThatFailedBeforeARedeployCompletesWhenRestartedAfterIt() throws Exception {
        RestartProbe broken = new RestartProbe();
        broken.breakStep("pay");
        String id;
        CamelContext before = node(broken);
        try {
            Exchange failed = before.createProducerTemplate().request("direct:order",
                    e -> e.getMessage().setBody("o-9"));
            assertThat(failed.getException()).hasMessageContaining("step pay is broken");
            id = failed.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        } finally {
            before.stop();
        }

        RestartProbe fixed = new RestartProbe();
        CamelContext after = node(fixed);
        try {
            Exchange restarted = after.createProducerTemplate().request("direct:restart",
                    e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id));

            assertThat(restarted.getException()).isNull();
            assertThat(restarted.getMessage().getBody()).isEqualTo("reserved o-9, priced, paid, shipped, notified");
            assertThat(fixed.count("reserve")).isZero();
            assertThat(fixed.count("price")).isZero();
            assertThat(fixed.attempts("pay")).containsExactly(2);
            FlowSnapshot stored = after.getComponent("flowstate", FlowStateComponent.class).getRepository().load(id)
                    .orElseThrow();
            assertThat(stored.status()).isEqualTo(FlowStatus.COMPLETED);
            assertThat(stored.attempt()).isEqualTo(2);
            assertThat(stored.state().get("payTries").intValue()).isEqualTo(2);
        } finally {
            after.stop();
        }
    }

    private CamelContext node(RestartProbe probe) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("probe", probe);
        FlowStateComponent component = new FlowStateComponent();
        component.setRepository(new FileFlowSnapshotRepository(dir.resolve("data").toString()));
        context.addComponent("flowstate", component);
        context.addRoutes(new RestartJavaRoutes());
        context.start();
        return context;
    }
}
