package io.flowstate.camel.seed;

/**
 * Typed state of a context's runs ({@code flowstate:start?stateClass=io.flowstate.camel.seed.VisitState}): a new
 * context starts with no visits.
 */
public record VisitState(int visits, String last) {
}
