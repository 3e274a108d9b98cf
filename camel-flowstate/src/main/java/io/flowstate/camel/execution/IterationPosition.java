package io.flowstate.camel.execution;

import java.util.Arrays;
import java.util.List;

import io.flowstate.camel.FlowStateConstants;
import org.apache.camel.Exchange;

/**
 * Where an exchange is inside split, loop and multicast nodes: for each node it is in, outermost first, the node's
 * token and the index of its iteration (or branch). The one encoding of such a place, used by step keys
 * ({@code check[2]}), the records of {@code flowstate:changes} ({@code changes:KEY[2]}) and the places inner runs start
 * at (part of their ids).
 * <p>
 * Carried in exchange property {@link FlowStateConstants#ITERATIONS}. Immutable: a change replaces it, because the copies
 * a split makes share their parent's property values.
 */
public final class IterationPosition {

    private static final IterationPosition OUTSIDE = new IterationPosition(new String[0], new int[0]);

    private final String[] tokens;
    private final int[] indexes;

    private IterationPosition(String[] tokens, int[] indexes) {
        this.tokens = tokens;
        this.indexes = indexes;
    }

    /** The position of {@code exchange}; outside any iteration when none was noted. */
    public static IterationPosition of(Exchange exchange) {
        IterationPosition position = exchange.getProperty(FlowStateConstants.ITERATIONS, IterationPosition.class);
        return position == null ? OUTSIDE : position;
    }

    /** Notes on {@code exchange} that it is in iteration {@code index} of the node {@code token}. */
    public static void enter(Exchange exchange, String token, int index) {
        IterationPosition current = of(exchange);
        IterationPosition next = current.entered(token, index);
        if (next != current) {
            exchange.setProperty(FlowStateConstants.ITERATIONS, next);
        }
    }

    /**
     * This position in iteration {@code index} of {@code token}: the node's index replaced when the exchange is in it
     * already (a new iteration, or another output of the same one), which also leaves every node nested in it (noted by
     * an earlier iteration); else the node is added as the innermost.
     */
    IterationPosition entered(String token, int index) {
        int at = find(token);
        if (at >= 0 && at == tokens.length - 1 && indexes[at] == index) {
            return this;
        }
        int length = at >= 0 ? at + 1 : tokens.length + 1;
        String[] nextTokens = Arrays.copyOf(tokens, length);
        int[] nextIndexes = Arrays.copyOf(indexes, length);
        nextTokens[length - 1] = token;
        nextIndexes[length - 1] = index;
        return new IterationPosition(nextTokens, nextIndexes);
    }

    /** The indexes of every node the exchange is in, outermost first ({@code [1][0]}); empty outside any. */
    public String indexes() {
        StringBuilder text = new StringBuilder();
        for (int index : indexes) {
            text.append('[').append(index).append(']');
        }
        return text.toString();
    }

    /**
     * The indexes of {@code nodes} (tokens, outermost first), {@code [?]} for one the exchange is not in: what a step
     * inside those nodes appends to its id.
     */
    public String indexesOf(List<String> nodes) {
        StringBuilder text = new StringBuilder();
        for (String token : nodes) {
            int at = find(token);
            text.append('[').append(at >= 0 ? Integer.toString(indexes[at]) : "?").append(']');
        }
        return text.toString();
    }

    /** The nodes and indexes ({@code token=1,token=0}), empty outside any: where in its parent an inner run starts. */
    public String place() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < tokens.length; i++) {
            text.append(i == 0 ? "" : ",").append(tokens[i]).append('=').append(indexes[i]);
        }
        return text.toString();
    }

    private int find(String token) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals(token)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return place();
    }
}
