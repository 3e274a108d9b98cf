package io.flowstate.camel.execution;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a resumed run brings to the suspend step it waits in: the approval payload, or a timeout.
 *
 * @param waitingFor the suspend step's NAME
 * @param payload    the payload given to flowstate:resume (JSON), or a JSON null on timeout
 * @param timedOut   whether the suspend ended by its timeout instead of a resume
 * @param approval   who answered and when ({@code {"actor", "at", "timedOut"}}, as stored), null for a sleep
 */
public record ResumeSignal(String waitingFor, JsonNode payload, boolean timedOut, JsonNode approval) {
}
