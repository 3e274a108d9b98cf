package io.flowstate.camel;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Durations counted since start in a fixed set of logarithmic buckets (eight per doubling, so a percentile is within
 * 9% of the true value), from a microsecond up to about 19 hours: constant memory and lock-free recording however many
 * durations are recorded. Longer durations count in the last bucket.
 */
final class LatencyRecorder {

    private static final int BUCKETS_PER_DOUBLING = 8;
    private static final int DOUBLINGS = 36;
    private static final int BUCKETS = BUCKETS_PER_DOUBLING * DOUBLINGS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void record(Duration took) {
        long micros = Math.max(1, took.toNanos() / 1000);
        int bucket = (int) (Math.log(micros) / Math.log(2) * BUCKETS_PER_DOUBLING);
        counts.incrementAndGet(Math.min(BUCKETS - 1, bucket));
    }

    long count() {
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    /**
     * The duration below which {@code fraction} (0 to 1) of the recorded ones fall: the upper bound of the bucket that
     * holds it. Null when nothing was recorded.
     */
    Duration percentile(double fraction) {
        long total = count();
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        int bucket = 0;
        for (; bucket < BUCKETS - 1; bucket++) {
            seen += counts.get(bucket);
            if (seen >= rank) {
                break;
            }
        }
        double upperMicros = Math.pow(2, (bucket + 1) / (double) BUCKETS_PER_DOUBLING);
        return Duration.ofNanos((long) (upperMicros * 1000));
    }
}
