package io.flowstate.camel.state;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The state of one scope: JSON values by key. Values are copied on the way in (later changes to the caller's object do
 * not change the state) and on the way out (changing a returned map or list does not change the state either).
 * <p>
 * Every method is thread-safe; {@link #append} and {@link #increment} are atomic, in every scope.
 */
public interface StateStore {

    /**
     * The value as plain Java (String, Number, Boolean, {@code Map<String,Object>}, {@code List<Object>}), or null when
     * the key is absent.
     */
    Object get(String key);

    /**
     * The value converted to {@code type} with Jackson (a record, a POJO, a {@code List}), or null when absent.
     */
    <T> T get(String key, Class<T> type);

    /**
     * Stores a JSON copy of the value.
     *
     * @throws UnsupportedValueException when the value (or a field inside it) cannot be represented as JSON
     * @throws StateTypeException        when typed state rejects the key or the value
     */
    void set(String key, Object value);

    /**
     * Stores a JSON copy of the value that reads as absent once {@code ttl} has passed ({@code null}: never). Only
     * the scopes kept in the repository ({@code persistent}, {@code global}) keep expiring values.
     *
     * @throws UnsupportedOperationException when {@code ttl} is given to a scope without expiry
     */
    default void set(String key, Object value, Duration ttl) {
        if (ttl != null) {
            throw new UnsupportedOperationException("State key '" + key + "' was not set: only the persistent and"
                                                    + " global scopes keep values with a time-to-live");
        }
        set(key, value);
    }

    /**
     * Appends a JSON copy of the value to the list at the key, creating the list when absent.
     *
     * @return                    the size of the list after the append
     * @throws StateTypeException when the key holds something other than a list
     */
    int append(String key, Object value);

    /**
     * Adds {@code by} to the number at the key (absent counts as 0). Whole numbers stay whole (Long, BigInteger past
     * Long.MAX_VALUE); with a decimal on either side (a Double counts as the decimal it prints as) the sum is the exact
     * BigDecimal, never a double.
     *
     * @return                    the new value
     * @throws StateTypeException when the key holds something other than a number
     */
    Number increment(String key, Number by);

    /**
     * Removes the key.
     *
     * @return true when the key was present
     */
    boolean delete(String key);

    /** A copy of the whole state, in insertion order. */
    Map<String, Object> getAll();

    /** Removes every key. */
    void clear();

    /** The keys present now. */
    List<String> keys();
}
