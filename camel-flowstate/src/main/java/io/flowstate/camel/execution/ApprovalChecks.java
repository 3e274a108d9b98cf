package io.flowstate.camel.execution;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;

/**
 * What a resume of an approval step must meet beyond the token, as the suspended run stored it (see
 * {@link ApprovalOptions#rules()}): someone other than the run's starter answers ({@code selfApproval=false}), with a
 * payload that matches the step's JSON Schema ({@code payloadSchema}). Checked before the run is claimed, so a refusal
 * leaves it SUSPENDED with its token valid.
 */
final class ApprovalChecks {

    private final ApprovalSchemas schemas;

    ApprovalChecks(ApprovalSchemas schemas) {
        this.schemas = schemas;
    }

    /**
     * @param  actor                          header CamelFlowStateActor of the resume, or null
     * @throws ResumeException.SelfApproval   when the step forbids self approval and the actor is missing or started
     *                                        the run
     * @throws ResumeException.InvalidPayload when the payload does not match the step's schema
     * @throws ResumeException                when the step's schema cannot be loaded on this node
     */
    void check(FlowSnapshot stored, String actor, JsonNode payload) {
        ObjectNode rules = stored.approvalRules();
        if (rules == null) {
            return;
        }
        String step = "approval step '" + stored.waitingFor() + "' of run " + stored.executionId();
        if (!rules.path("selfApproval").asBoolean(true)) {
            if (actor == null) {
                throw new ResumeException.SelfApproval("The " + step + " must be answered by someone other than who"
                                                       + " started the run (selfApproval=false): give the answering"
                                                       + " actor in header " + FlowStateConstants.ACTOR + ". The run"
                                                       + " stays SUSPENDED.");
            }
            if (actor.equals(stored.startedBy())) {
                throw new ResumeException.SelfApproval("The " + step + " cannot be answered by '" + actor + "', who"
                                                       + " started the run (selfApproval=false): someone else must"
                                                       + " resume it. The run stays SUSPENDED, its resume token still"
                                                       + " valid.");
            }
        }
        String schema = rules.path("payloadSchema").textValue();
        if (schema != null) {
            List<String> failures;
            try {
                failures = schemas.failures(schema, payload);
            } catch (IllegalArgumentException e) {
                throw new ResumeException("The JSON Schema '" + schema + "' of the " + step + " " + e.getMessage()
                                          + " on this node; the run stays SUSPENDED.", e);
            }
            if (!failures.isEmpty()) {
                throw new ResumeException.InvalidPayload("The resume payload does not match the JSON Schema '" + schema
                                                         + "' of the " + step + ": " + String.join("; ", failures)
                                                         + ". The run stays SUSPENDED, its resume token still valid.");
            }
        }
    }
}
