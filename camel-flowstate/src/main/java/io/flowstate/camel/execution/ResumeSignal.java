package io.flowstate.camel.execution;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a resumed run brings to the suspend step it waits in: the approval payload, or a timeout.
 *
 * @param waitingFor the suspend step's NAME
 * @param payload    the payload given to flowstate:resume (JSON), or a JSON null on timeout
 * @param timedOut   whether the suspend ended by its timeout instead of a resume
 * @param approval   who answered and when ({@code {"actor", "at", "timedOut"}}, as stored), null for a sleep
 * @param recorded   whether the claim that continued the run stored the payload as the suspend step's result already
 *                   (so the step, when reached, writes nothing)
 */
public record ResumeSignal(String waitingFor, JsonNode payload, boolean timedOut, JsonNode approval, boolean recorded) {

    ResumeSignal(String waitingFor, JsonNode payload, boolean timedOut, JsonNode approval) {
        this(waitingFor, payload, timedOut, approval, false);
    }

    /** This signal, its result stored by the claim. */
    ResumeSignal recordedByClaim() {
        return new ResumeSignal(waitingFor, payload, timedOut, approval, true);
    }
}
