package io.flowstate.camel.state;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;

/**
 * Runs a compare-and-set write of one stored key (read, compute, write with the version read) again when another
 * writer changed the key in between, a bounded number of times, pausing a little longer after each conflict. The
 * pause is random within its bound (jitter), so writers that met once do not meet again on the next attempt.
 */
public final class ConflictRetries {

    /**
     * Attempts of one write. A key written by a few dozen writers at once still gets every write through well within
     * this; a key that conflicts this often is contended, and waiting longer would only hold up the caller's thread.
     */
    public static final int MAX_ATTEMPTS = 10;
    /** The bound of the pause after the first conflict; it doubles after each further one. */
    static final long FIRST_PAUSE_MICROS = 1_000;
    /** The bound no pause exceeds: all pauses of one write add up to about a third of a second at most. */
    static final long MAX_PAUSE_MICROS = 100_000;

    /** One attempt: reads the key, writes it with the version read, and gives the result. */
    @FunctionalInterface
    public interface Attempt<T> {
        /**
         * @param  number                        0 for the first attempt, then 1, 2, …
         * @throws FlowSnapshotConflictException when the key changed since it was read: the attempt is made again
         */
        T run(int number);
    }

    private ConflictRetries() {
    }

    /**
     * Runs {@code attempt} until it does not conflict.
     *
     * @param  key                   what is written, for the error: e.g. "persistent state key 'k' of flow 'f'"
     * @param  onConflict            told of each attempt that conflicted (metrics count them); must be quick
     * @throws ContendedKeyException when all {@link #MAX_ATTEMPTS} attempts conflicted
     */
    public static <T> T run(String key, Runnable onConflict, Attempt<T> attempt) {
        for (int number = 0; number < MAX_ATTEMPTS; number++) {
            if (number > 0) {
                pause(number, key);
            }
            try {
                return attempt.run(number);
            } catch (FlowSnapshotConflictException e) {
                // another writer changed the key since this attempt read it: read again
                onConflict.run();
            }
        }
        throw new ContendedKeyException("Gave up writing " + key + " after " + MAX_ATTEMPTS + " attempts: each"
                                        + " conflicted with a concurrent write of the same key, which is contended."
                                        + " Nothing was changed by this call. Spread the writes over more keys (e.g."
                                        + " one per customer), or retry the exchange later (e.g. onException("
                                        + "ContendedKeyException.class).maximumRedeliveries(3).redeliveryDelay(1000)).");
    }

    /** Before attempt {@code number} (1 or more): a random pause of at least half the attempt's bound. */
    private static void pause(int number, String key) {
        long bound = Math.min(MAX_PAUSE_MICROS, FIRST_PAUSE_MICROS << Math.min(number - 1, 20));
        long micros = ThreadLocalRandom.current().nextLong(bound / 2, bound + 1);
        try {
            TimeUnit.MICROSECONDS.sleep(micros);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowStateException("Interrupted while waiting to write " + key + " again after a conflicting"
                                         + " concurrent write; nothing was changed by this call.");
        }
    }
}
