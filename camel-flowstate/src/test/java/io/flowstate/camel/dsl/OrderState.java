package io.flowstate.camel.dsl;

/**
 * Typed state of the DSL test routes ({@code flowstate:start?stateClass=io.flowstate.camel.dsl.OrderState}): a new
 * run starts with status NEW and no attempts.
 */
public record OrderState(String status, int attempts) {

    public OrderState {
        if (status == null) {
            status = "NEW";
        }
    }
}
