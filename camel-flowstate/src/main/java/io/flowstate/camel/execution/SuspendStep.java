package io.flowstate.camel.execution;

import java.time.Duration;
import java.util.Map;

import io.flowstate.camel.FlowStateException;
import org.apache.camel.Exchange;

/**
 * flowstate:suspend:NAME, an approval step: a run resumed into it goes on with the resume's payload (null on timeout),
 * a run re-entered after a later suspend passes it with the payload it got then, and any other run is saved SUSPENDED
 * until a resume or the timeout.
 */
public final class SuspendStep {

    private final FlowExecutions executions;

    public SuspendStep(FlowExecutions executions) {
        this.executions = executions;
    }

    /** @param timeout how long to wait for a resume; null for no timeout */
    public WaitOutcome enter(Exchange exchange, FlowExecution run, String name, Duration timeout) {
        ResumeSignal signal = run.takeResumeSignal(name);
        if (signal != null) {
            // the run was resumed into this step: it yields the payload (null on timeout) and completes
            run.results().complete(name, signal.payload());
            WaitOutcome passed = new WaitOutcome.Passed(executions.json().toJava(signal.payload()), signal.timedOut());
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
        Map<String, Object> reply = executions.suspend(run, name, timeout);
        return new WaitOutcome.Waiting(reply, run.getExecutionId(), name, (String) reply.get("resumeToken"));
    }
}
