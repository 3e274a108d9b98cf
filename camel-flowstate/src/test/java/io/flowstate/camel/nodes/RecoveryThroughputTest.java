package io.flowstate.camel.nodes;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.flowstate.camel.snapshot.FlowStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The thousand running runs of a killed node are taken over by another node within leaseDuration + recoveryInterval +
 * 10 s, its recoveryThreads continuing them side by side. Prints the time it took.
 */
@Timeout(300)
class RecoveryThroughputTest {

    /** -Dflowstate.recovery.runs and -Dflowstate.recovery.threads measure other cases (e.g. one thread). */
    private static final int RUNS = Integer.getInteger("flowstate.recovery.runs", 1000);
    private static final int THREADS = Integer.getInteger("flowstate.recovery.threads", 8);

    private Cluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aThousandRunsOfAKilledNodeAreAllTakenOverWithinLeasePlusIntervalPlusTenSeconds() throws Exception {
        long took = recover(RUNS, THREADS);
        System.out.printf("recovery of %d runs of a killed node with recoveryThreads=%d: %d ms after the kill%n", RUNS,
                THREADS, took);
        assertThat(took).isLessThan(Cluster.LEASE.plus(Cluster.RECOVERY_INTERVAL).toMillis() + 10_000);
    }

    /** Kills a node holding {@code runs} RUNNING runs; returns how long (ms) until another node completed them all. */
    private long recover(int runs, int threads) throws Exception {
        cluster = new Cluster();
        List<ClusterNode> nodes = cluster.start(threads, 0, "A", "B");
        ClusterNode a = nodes.get(0);
        assertThat(a.call("hold " + runs)).isEqualTo("started");
        int[] held = { 0 };
        a.awaitLine(runs + " runs held", l -> l.startsWith("@@ holding ") && ++held[0] == runs);
        a.kill();
        long killed = System.nanoTime();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.countRuns(ClusterNodeMain.HELD, FlowStatus.COMPLETED) == runs);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    }
}
