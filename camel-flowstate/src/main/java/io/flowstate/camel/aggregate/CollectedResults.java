package io.flowstate.camel.aggregate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import io.flowstate.camel.FlowStateException;
import org.apache.camel.Exchange;

/**
 * The results collected so far by {@link OrderedResultsAggregationStrategy} for one split or multicast, with the
 * indexes Camel gave them. Thread-safe (Camel may aggregate on several threads, one at a time).
 * <p>
 * Which index orders them is found at the end: a split's items carry {@code CamelSplitIndex}, a multicast's branches
 * {@code CamelMulticastIndex}, but each also inherits the other property, unchanged, from an enclosing (or earlier)
 * EIP. The index of the EIP being aggregated is the one that differs from result to result.
 */
final class CollectedResults {

    private record Result(Integer splitIndex, Integer multicastIndex, boolean splitComplete, boolean multicastComplete,
                          Object body, Exception failure) {
    }

    private static final ToIntFunction<Result> SPLIT = Result::splitIndex;
    private static final ToIntFunction<Result> MULTICAST = Result::multicastIndex;

    private final List<Result> results = new ArrayList<>();
    private final Set<Integer> timedOut = new HashSet<>();
    private int timeoutTotal = -1;

    synchronized void add(Exchange exchange) {
        results.add(new Result(
                exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class),
                exchange.getProperty(Exchange.MULTICAST_INDEX, Integer.class),
                exchange.getProperty(Exchange.SPLIT_COMPLETE, false, Boolean.class),
                exchange.getProperty(Exchange.MULTICAST_COMPLETE, false, Boolean.class),
                exchange.getMessage().getBody(),
                exchange.getException()));
    }

    synchronized void timedOut(int index, int total) {
        timedOut.add(index);
        timeoutTotal = total;
    }

    /** The exception of the failed result with the lowest index, or null. */
    synchronized Exception firstFailure() {
        ToIntFunction<Result> index = distinct(Result::splitIndex) ? SPLIT
                : distinct(Result::multicastIndex) ? MULTICAST : r -> 0;
        return results.stream()
                .filter(r -> r.failure() != null)
                .min(Comparator.comparingInt(index))
                .map(Result::failure)
                .orElse(null);
    }

    /**
     * The bodies by index, null where a branch timed out.
     *
     * @throws FlowStateException when results are missing (lost before they reached the strategy)
     */
    synchronized List<Object> inOrder() {
        ToIntFunction<Result> index = orderingIndex();
        boolean split = index == SPLIT;
        int size = results.size() + timedOut.size();
        Object[] slots = new Object[size];
        boolean[] filled = new boolean[size];
        boolean lastSeen = timeoutTotal == size;
        for (Result result : results) {
            int i = index.applyAsInt(result);
            if (i < 0 || i >= size || filled[i] || timedOut.contains(i)) {
                throw missing(size, split);
            }
            slots[i] = result.body();
            filled[i] = true;
            lastSeen |= i == size - 1 && (split ? result.splitComplete() : result.multicastComplete());
        }
        if (!lastSeen && !results.isEmpty()) {
            throw missing(size, split);
        }
        List<Object> ordered = new ArrayList<>(size);
        for (Object slot : slots) {
            ordered.add(slot);
        }
        return ordered;
    }

    /** The split index if it tells the results apart, else the multicast index; one of them must. */
    private ToIntFunction<Result> orderingIndex() {
        if (distinct(Result::splitIndex)) {
            return SPLIT;
        }
        if (distinct(Result::multicastIndex)) {
            return MULTICAST;
        }
        throw new FlowStateException(
                "OrderedResultsAggregationStrategy collects the results of split, multicast and recipientList, but the"
                                     + " exchanges it was given carry no index telling them apart (property "
                                     + Exchange.SPLIT_INDEX + " or " + Exchange.MULTICAST_INDEX
                                     + "): use it only as the aggregationStrategy of those EIPs");
    }

    private boolean distinct(Function<Result, Integer> index) {
        Set<Integer> seen = new HashSet<>();
        for (Result result : results) {
            Integer i = index.apply(result);
            if (i == null || !seen.add(i)) {
                return false;
            }
        }
        return true;
    }

    private FlowStateException missing(int received, boolean split) {
        return new FlowStateException(
                "OrderedResultsAggregationStrategy received " + received + " results of the " + (split ? "split" : "multicast")
                                      + " with some missing (" + describe() + "): results were lost before they reached"
                                      + " the strategy, which happens when parallelAggregate is enabled. Disable"
                                      + " parallelAggregate: the results are still collected in order.");
    }

    private String describe() {
        StringBuilder text = new StringBuilder("indexes");
        for (Result result : results) {
            text.append(' ').append(result.splitIndex() != null ? result.splitIndex() : "-").append('/')
                    .append(result.multicastIndex() != null ? result.multicastIndex() : "-");
        }
        return text.append(" as split/multicast").toString();
    }
}
