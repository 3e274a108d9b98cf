package io.flowstate.benchmarks;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** Runs of the W1 flow ({@link TenStepRoutes}) in a started context; safe to call from many threads. */
final class TenStepFlow {

    private final ProducerTemplate template;
    private final Endpoint endpoint;
    private final FlowSnapshotRepository repository;

    TenStepFlow(CamelContext context, FlowSnapshotRepository repository) {
        this.template = context.createProducerTemplate();
        this.endpoint = context.getEndpoint(TenStepRoutes.FLOW);
        this.repository = repository;
    }

    /** One run through its ten steps; returns its execution id. */
    String run() {
        Exchange out = template.request(endpoint, e -> e.getMessage().setBody("order-42"));
        if (out.getException() != null) {
            throw new IllegalStateException("A W1 run failed", out.getException());
        }
        return out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
    }

    /** Runs once and checks the run finished with all its state values: the state's size in bytes of JSON. */
    int checkedStateBytes() {
        String id = run();
        FlowSnapshot stored = repository.load(id)
                .orElseThrow(() -> new IllegalStateException("Run " + id + " is not stored"));
        if (!stored.status().isFinished() || stored.state().size() != TenStepRoutes.KEYS) {
            throw new IllegalStateException("Run " + id + " is " + stored.status() + " with " + stored.state().size()
                                            + " state keys, expected " + TenStepRoutes.KEYS);
        }
        return stored.state().toString().length();
    }
}
