package io.flowstate.camel.state;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;

/**
 * What {@code append} and {@code increment} accept, and how numbers add, in every scope: the in-memory stores and the
 * repository-backed ones give the same answers and the same messages.
 */
final class StateValueRules {

    private StateValueRules() {
    }

    /**
     * Fails unless {@code current} can take an appended item: absent, JSON null or a list.
     *
     * @param what the key as the message names it, e.g. "state key 'items'"
     */
    static void requireList(String what, String key, JsonNode current, JsonValues json) {
        if (current != null && !current.isArray() && !current.isNull()) {
            throw new StateTypeException("Cannot append to " + what + ": it holds "
                                         + current.getNodeType().name().toLowerCase() + " " + json.shown(key, current)
                                         + ", not a list. Delete the key or append under another key.");
        }
    }

    /** Digits a sum may have: Jackson reads no longer number back (its default maxNumberLength). */
    static final int MAX_SUM_DIGITS = 1000;

    /**
     * {@code current} (absent or null counts as 0) plus {@code step}; fails unless {@code current} is a number. Whole
     * numbers stay whole and exact (long, growing to a big integer); when either is a decimal, the sum is the exact
     * decimal sum with the larger scale (10.50 + 1 = 11.50, 0.1 + 0.2 = 0.3), never a double.
     */
    static JsonNode add(String what, String key, JsonNode current, JsonNode step, JsonValues json) {
        if (current != null && !current.isNull() && !current.isNumber()) {
            throw new StateTypeException("Cannot increment " + what + ": it holds "
                                         + current.getNodeType().name().toLowerCase() + " " + json.shown(key, current)
                                         + ", not a number. Delete the key or set a number first.");
        }
        JsonNode a = current == null || current.isNull() ? LongNode.valueOf(0) : current;
        if (a.isIntegralNumber() && step.isIntegralNumber()) {
            if (a.canConvertToLong() && step.canConvertToLong()) {
                try {
                    return LongNode.valueOf(Math.addExact(a.longValue(), step.longValue()));
                } catch (ArithmeticException overflow) {
                    // past Long.MAX_VALUE: a big integer
                }
            }
            return BigIntegerNode.valueOf(a.bigIntegerValue().add(step.bigIntegerValue()));
        }
        BigDecimal x = a.decimalValue();
        BigDecimal y = step.decimalValue();
        // 1E+999999999 + 0.01 is exact only as a billion digits: refuse before building them
        long highest = Math.max((long) x.precision() - x.scale(), (long) y.precision() - y.scale());
        long lowest = Math.min(-(long) x.scale(), -(long) y.scale());
        if (highest - lowest > MAX_SUM_DIGITS) {
            throw new StateTypeException("Cannot increment " + what + ": the exact sum would have more than "
                                         + MAX_SUM_DIGITS + " digits. Nothing was changed.");
        }
        return DecimalNode.valueOf(x.add(y));
    }
}
