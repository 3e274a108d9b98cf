package io.flowstate.camel.step;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When finishing an inner run fails as its route returns to the caller (the repository refuses the write), the calling
 * route fails: it must not carry on as if the inner run had completed.
 */
class InnerRunEndFailureTest extends CamelTestSupport {

    private final FailsOnceToCompleteAnInnerRun repository = new FailsOnceToCompleteAnInnerRun();
    private final AtomicInteger afterInner = new AtomicInteger();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void aFailedFinishOfTheInnerRunFailsTheCallingRoute() {
        Exchange out = template.request("direct:order", e -> e.getMessage().setBody("order-1"));

        assertThat(repository.refused.get()).isTrue();
        assertThat(out.getException()).isInstanceOf(FlowStateException.class).hasMessageContaining("refused");
        assertThat(afterInner.get()).isZero();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:order").routeId("order")
                        .to("flowstate:start:order")
                        .step("pay").to("direct:payment").end()
                        .process(e -> afterInner.incrementAndGet());
                from("direct:payment").routeId("payment")
                        .to("flowstate:start:payment")
                        .step("charge").setBody(simple("charged ${body}")).end();
            }
        };
    }

    /** A real memory repository that refuses, once, the write completing a run of flow "payment". */
    private static final class FailsOnceToCompleteAnInnerRun extends MemoryFlowSnapshotRepository {

        final AtomicBoolean refused = new AtomicBoolean();

        @Override
        public long saveDelta(String executionId, FlowSnapshotDelta delta, long expectedVersion) {
            if (delta.changes(FlowSnapshotDelta.Field.STATUS) && delta.status() == FlowStatus.COMPLETED
                && load(executionId).orElseThrow().flowId().equals("payment") && refused.compareAndSet(false, true)) {
                throw new FlowStateException("The repository refused the write (test)");
            }
            return super.saveDelta(executionId, delta, expectedVersion);
        }
    }
}
