package io.flowstate.camel.execution;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.state.UnsupportedValueException;
import org.apache.camel.Exchange;

/**
 * flowstate:sleep[:NAME], a durable sleep: the run is saved SUSPENDED with the body it has, and when it is woken up (or
 * re-entered after a later suspend) the step gives that body back.
 */
public final class SleepStep {

    private final FlowExecutions executions;

    public SleepStep(FlowExecutions executions) {
        this.executions = executions;
    }

    /**
     * @param givenName the step's name in the URI; null to let the run name it (sleep-1, sleep-2 …)
     * @param body      the exchange's body, kept to be given back
     */
    public WaitOutcome enter(Exchange exchange, FlowExecution run, String givenName, Object body, Duration duration) {
        String name = givenName != null ? givenName : run.nextSleepName();
        ResumeSignal wakeUp = run.takeResumeSignal(FlowExecutions.SLEEP_PREFIX + name);
        if (wakeUp != null || run.results().isCompleted(name)) {
            // woken up (or re-entered after a later suspend): the step gives the body it had when it went to sleep
            return new WaitOutcome.Passed(executions.json().toJava(run.results().result(name)), null);
        }
        if (!run.isCarriedWithItsParentsBy(exchange)) {
            throw new FlowStateException("flowstate:sleep" + (givenName == null ? "" : ":" + name)
                                         + " is inside a split, multicast or similar EIP: a sleep there would stop only"
                                         + " that copy. Sleep before or after it.");
        }
        JsonNode kept;
        try {
            kept = executions.json().toJson("body", body);
        } catch (UnsupportedValueException e) {
            throw new FlowStateException("flowstate:sleep (step '" + name + "') keeps the body to give it back when"
                                         + " run " + run.getExecutionId() + " wakes up, but it is not a JSON value: "
                                         + e.getMessage() + ". Set a JSON body (or null) before the sleep. The run was"
                                         + " not saved.", e);
        }
        Map<String, Object> reply = executions.sleep(run, name, kept, duration);
        return new WaitOutcome.Waiting(reply, run.getExecutionId(), (String) reply.get("waitingFor"), null);
    }
}
