package io.flowstate.camel.execution;

import java.util.Map;

/**
 * What a suspend or sleep step gives its exchange: the body the run goes on with, or the reply of a run that now waits
 * (its exchange then stops).
 */
public sealed interface WaitOutcome {

    /**
     * The run passed the step.
     *
     * @param timedOut for a suspend the run was resumed into: whether its timeout ended it; null otherwise
     */
    record Passed(Object body, Boolean timedOut) implements WaitOutcome {
    }

    /**
     * The run was saved SUSPENDED in the step.
     *
     * @param reply       the map the caller gets as body
     * @param waitingFor  what the run waits in: the suspend's NAME, or {@code sleep:NAME}
     * @param resumeToken the token a resume must give (null for a sleep, which only time ends)
     */
    record Waiting(Map<String, Object> reply, String executionId, String waitingFor, String resumeToken)
            implements WaitOutcome {
    }
}
