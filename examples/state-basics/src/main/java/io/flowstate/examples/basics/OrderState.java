package io.flowstate.examples.basics;

import java.util.List;

/**
 * The typed state of one order run: only these keys are allowed, with these types and defaults.
 */
public record OrderState(String customer, List<String> lines, int attempts, double total) {

    public OrderState {
        lines = lines == null ? List.of() : List.copyOf(lines);
        if (total < 0) {
            throw new IllegalArgumentException("an order total cannot be negative");
        }
    }
}
