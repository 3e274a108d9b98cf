package io.flowstate.camel.repository;

/** Where a stored saga is. */
enum SagaStatus {
    ACTIVE,
    COMPENSATING,
    COMPENSATED,
    COMPLETING,
    COMPLETED;

    /** Compensating or completing: a node owns it under a lease. */
    boolean isUnderWay() {
        return this == COMPENSATING || this == COMPLETING;
    }

    /** The status a saga under way ends with. */
    SagaStatus end() {
        return this == COMPENSATING ? COMPENSATED : COMPLETED;
    }
}
