package io.flowstate.camel.state;

/**
 * Where a state value lives; option {@code scope} of every state operation.
 */
public enum StateScope {
    /** One run: travels with the exchange, saved in the run's snapshots. The default. */
    EXECUTION,
    /**
     * All runs of one flow in this CamelContext, in memory only. Concurrent runs clobber each other's values, so every
     * use logs a WARN unless {@code noWarning=true}.
     */
    FLOW,
    /** All runs of one flow, kept in the repository across runs, restarts and nodes (compare-and-set on a version). */
    PERSISTENT,
    /**
     * All flows: values in the repository shared by every flow, keys are paths ({@code team/crm/config}); atomic
     * across nodes like the persistent scope.
     */
    GLOBAL
}
