package io.flowstate.benchmarks;

import java.util.Map;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A CamelContext running {@link ApprovalRoutes} on a given repository (the peer workload W3, {@code a → suspend →
 * b}): suspends runs and times their resumes until they completed.
 */
final class ApprovalFlow implements AutoCloseable {

    private final FlowSnapshotRepository repository;
    private final CamelContext context;
    private final ProducerTemplate template;
    private final Endpoint approval;
    private final Endpoint resume;

    ApprovalFlow(FlowSnapshotRepository repository) throws Exception {
        this.repository = repository;
        context = new DefaultCamelContext();
        context.getComponent("flowstate", FlowStateComponent.class).setRepository(repository);
        context.addRoutes(new ApprovalRoutes());
        context.start();
        template = context.createProducerTemplate();
        approval = context.getEndpoint(ApprovalRoutes.APPROVAL);
        resume = context.getEndpoint(ApprovalRoutes.RESUME);
    }

    /** A run suspended through the route, as stored. */
    FlowSnapshot suspended() {
        return repository.load(suspend()[0]).orElseThrow();
    }

    /** Suspends a run, times its resume until it completed (ns), removes it. */
    long sample() {
        String[] run = suspend();
        long started = System.nanoTime();
        Exchange out = template.request(resume, e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, run[0]);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, run[1]);
            e.getMessage().setBody("ann");
        });
        long took = System.nanoTime() - started;
        if (out.getException() != null) {
            throw new IllegalStateException(out.getException());
        }
        repository.delete(run[0], repository.load(run[0]).orElseThrow().version());
        return took;
    }

    /** Execution id and resume token of a newly suspended run. */
    private String[] suspend() {
        Map<?, ?> reply = template.requestBody(approval, "order-7", Map.class);
        return new String[] { (String) reply.get("executionId"), (String) reply.get("resumeToken") };
    }

    @Override
    public void close() {
        context.stop();
    }
}
