package io.flowstate.camel.snapshot;

import java.security.SecureRandom;

/**
 * Versions of persistent values, as the built-in repositories give them: a key created (again) starts at a random
 * version in [2<sup>32</sup>, 2<sup>62</sup>), then every write adds one.
 * <p>
 * Why not 1: a deleted key that restarted at 1 came back through the same versions, so a compare-and-set read before
 * the delete could succeed after the key was created again (ABA: a stale append stored deleted items and lost newer
 * ones). A random start needs no tombstone, nothing shared between nodes and nothing kept across restarts. A stale
 * version below 2<sup>32</sup> (written from 1 before this rule) can never match again; one from an earlier random
 * start matches only if the new key's versions pass exactly through it, with probability (n + 1) / (2<sup>62</sup> -
 * 2<sup>32</sup>), about 2&middot;10<sup>-19</sup> per stale write after n = 1 write, 2&middot;10<sup>-10</sup> after a
 * billion. 2<sup>62</sup> leaves 2<sup>62</sup> writes before a {@code long} overflows.
 */
public final class ValueVersions {

    /** The lowest first version: above every version a key written from 1 reaches in practice. */
    public static final long FIRST_MIN = 1L << 32;

    /** Above the highest first version (exclusive). */
    public static final long FIRST_BOUND = 1L << 62;

    // not a time-seeded generator: two nodes must not draw the same sequence
    private static final SecureRandom RANDOM = new SecureRandom();

    private ValueVersions() {
    }

    /** The version of a key's first write. */
    public static long first() {
        return RANDOM.nextLong(FIRST_MIN, FIRST_BOUND);
    }

    /** The version a write presenting {@code expectedVersion} stores: {@link #first()} for a new key ({@code 0}). */
    public static long next(long expectedVersion) {
        return expectedVersion == 0 ? first() : expectedVersion + 1;
    }
}
