package io.flowstate.camel.snapshot;

import io.flowstate.camel.FlowStateException;

/**
 * A run was not stored (or not made unfinished again) because another unfinished run of its flow has its business
 * key: at most one unfinished run per flow and business key, enforced by the repository itself. Nothing was changed.
 */
public class DuplicateBusinessKeyException extends FlowStateException {

    private final String flowId;
    private final String businessKey;
    private final String existingExecutionId;

    public DuplicateBusinessKeyException(String flowId, String businessKey, String existingExecutionId, String message) {
        super(message);
        this.flowId = flowId;
        this.businessKey = businessKey;
        this.existingExecutionId = existingExecutionId;
    }

    /**
     * The repository's message: which run was refused and which run holds the key ({@code existingExecutionId} null:
     * the holder finished while the refusal was looked into, so the key is free to try again).
     */
    public static DuplicateBusinessKeyException of(
            String refusedExecutionId, String flowId, String businessKey, String existingExecutionId) {
        if (existingExecutionId == null) {
            return new DuplicateBusinessKeyException(flowId, businessKey, null, "Run " + refusedExecutionId
                                                                                + " was not stored: business key '"
                                                                                + businessKey + "' of flow '" + flowId
                                                                                + "' was held by a run that has"
                                                                                + " finished since: try again");
        }
        return new DuplicateBusinessKeyException(flowId, businessKey, existingExecutionId,
                "Run " + refusedExecutionId + " was not stored: flow '" + flowId + "' already has an unfinished run"
                                                                                  + " with business key '"
                                                                                  + businessKey + "', run "
                                                                                  + existingExecutionId
                                                                                  + " (one unfinished run per flow and"
                                                                                  + " business key)");
    }

    public String getFlowId() {
        return flowId;
    }

    public String getBusinessKey() {
        return businessKey;
    }

    /** The unfinished run that holds the key; null when it finished meanwhile (try again). */
    public String getExistingExecutionId() {
        return existingExecutionId;
    }
}
