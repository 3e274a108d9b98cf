package io.flowstate.camel.execution;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.FlowStateException;
import org.apache.camel.Exchange;

/**
 * flowstate:suspend:NAME, an approval step: a run resumed into it goes on with the resume's payload (on timeout, as
 * option onTimeout says: null, a failure, or timeoutPayload), a run re-entered after a later suspend passes it with the
 * payload it got then, and any other run is saved SUSPENDED until a resume or the timeout.
 */
public final class SuspendStep {

    private final FlowExecutions executions;

    public SuspendStep(FlowExecutions executions) {
        this.executions = executions;
    }

    /** @param options the step's timeout and approval options */
    public WaitOutcome enter(Exchange exchange, FlowExecution run, String name, ApprovalOptions options) {
        ResumeSignal signal = run.takeResumeSignal(name);
        if (signal != null) {
            // the run was resumed into this step (or its timeout passed): it yields the payload and completes
            if (signal.approval() != null) {
                run.approvals().put(name, signal.approval());
            }
            JsonNode payload = signal.payload();
            if (signal.timedOut() && options.onTimeout() == OnTimeout.FAIL) {
                throw new ApprovalTimeoutException("approval " + name + " timed out after " + options.timeout()
                                                   + " (onTimeout=fail of flowstate:suspend:" + name + ")");
            }
            if (signal.timedOut() && options.onTimeout() == OnTimeout.RESUME) {
                payload = options.timeoutPayload();
            }
            WaitOutcome passed = new WaitOutcome.Passed(executions.json().toJava(payload), signal.timedOut());
            if (signal.recorded()) {
                return passed; // the claim that continued the run stored the result: nothing to write
            }
            run.results().complete(name, payload);
            if (run.getCheckpointPolicy() == CheckpointPolicy.AFTER_EACH_STEP) {
                executions.snapshot(run);
            }
            return passed;
        }
        if (run.results().isCompleted(name)) {
            // re-entered after a later suspend: this one was passed already
            return new WaitOutcome.Passed(executions.json().toJava(run.results().result(name)), null);
        }
        if (!run.isCarriedWithItsParentsBy(exchange)) {
            throw new FlowStateException("flowstate:suspend:" + name + " is inside a split, multicast or similar EIP:"
                                         + " a suspend there would stop only that copy. Suspend before or after it.");
        }
        Map<String, Object> reply = executions.suspend(run, name, options.timeout(), options.rules());
        return new WaitOutcome.Waiting(reply, run.getExecutionId(), name, (String) reply.get("resumeToken"));
    }
}
