package io.flowstate.camel;

import java.util.List;

/**
 * A typed state used by tests: defaults come from the compact constructor, and it rejects negative totals itself.
 */
public record OrderState(String customer, int attempts, double total, List<String> lines) {

    public OrderState {
        if (lines == null) {
            lines = List.of();
        }
        if (total < 0) {
            throw new IllegalArgumentException("total must not be negative, was " + total);
        }
    }
}
