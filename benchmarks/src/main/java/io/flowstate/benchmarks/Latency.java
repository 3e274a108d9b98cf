package io.flowstate.benchmarks;

import java.util.Arrays;

/** Median, 90th percentile and mean of timed samples (µs), printed as one line of a table when made. */
record Latency(double p50, double p90, double mean) {

    static void printHeader() {
        System.out.printf("%-34s %8s %9s %9s %9s%n", "", "samples", "p50 µs", "p90 µs", "mean µs");
    }

    static Latency of(String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        Latency l = new Latency(sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.9)] / 1e3,
                Arrays.stream(sorted).average().orElse(0) / 1e3);
        System.out.printf("%-34s %8d %9.0f %9.0f %9.0f%n", label, nanos.length, l.p50(), l.p90(), l.mean());
        return l;
    }
}
