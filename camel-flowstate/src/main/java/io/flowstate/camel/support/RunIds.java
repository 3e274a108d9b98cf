package io.flowstate.camel.support;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids of runs: time-ordered UUIDs (version 7, RFC 9562), so new runs land at the end of a repository's index instead of
 * at random places. Ids are not secrets (resume tokens are, and come from a SecureRandom), so the random bits come
 * from the fast ThreadLocalRandom rather than the blocking-prone SecureRandom of {@link UUID#randomUUID()}.
 */
public final class RunIds {

    private RunIds() {
    }

    /** A new id whose time part is {@code now} (the run's start). */
    public static String next(Instant now) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = now.toEpochMilli();
        long msb = millis << 16 | 0x7000L | random.nextInt(0x1000);
        long lsb = random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
