package io.flowstate.camel.nodes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.flowstate.camel.snapshot.FlowStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.flowstate.camel.nodes.ClusterNodeMain.APPROVAL;
import static io.flowstate.camel.nodes.ClusterNodeMain.COUNTS;
import static io.flowstate.camel.nodes.ClusterNodeMain.SLEEPER;
import static io.flowstate.camel.nodes.ClusterNodeMain.effectKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Camel Main nodes in their own JVMs on one PostgreSQL: a run started on one node is continued by another, and of
 * concurrent continuations on different nodes exactly one goes through.
 */
@Timeout(180)
class AnyNodeContinuesAnyRunTest {

    private final Cluster cluster = new Cluster();

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void aRunSuspendedOnOneNodeIsResumedThroughAnother() throws Exception {
        List<ClusterNode> nodes = cluster.start(4, 0, "A", "B");
        String[] suspended = nodes.get(0).call("approve").split(" ");

        assertThat(nodes.get(1).call("resume " + suspended[0] + " " + suspended[1]))
                .isEqualTo("ok approved shipped by B");
        assertThat(cluster.run(suspended[0]).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(cluster.counter(APPROVAL, effectKey(suspended[0], "prepare"))).isEqualTo(1);
        assertThat(cluster.counter(APPROVAL, effectKey(suspended[0], "ship"))).isEqualTo(1);
    }

    @Test
    void ofSixteenConcurrentResumesOnTwoNodesExactlyOneContinuesTheRun() throws Exception {
        List<ClusterNode> nodes = cluster.start(4, 0, "A", "B", "C");
        String[] suspended = nodes.get(0).call("approve").split(" ");

        List<CompletableFuture<String>> resumes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            for (ClusterNode node : nodes.subList(1, 3)) {
                resumes.add(node.send("resume " + suspended[0] + " " + suspended[1]));
            }
        }
        List<String> replies = new ArrayList<>();
        for (CompletableFuture<String> resume : resumes) {
            replies.add(resume.get(120, java.util.concurrent.TimeUnit.SECONDS));
        }

        assertThat(replies).filteredOn(r -> r.startsWith("ok approved shipped by ")).hasSize(1);
        assertThat(replies).filteredOn(r -> !r.startsWith("ok ")).hasSize(15)
                .allSatisfy(r -> assertThat(r).isEqualTo("error NotSuspended"));
        assertThat(cluster.run(suspended[0]).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(cluster.counter(APPROVAL, effectKey(suspended[0], "ship"))).isEqualTo(1);
    }

    @Test
    void aSleepStartedOnAKilledNodeWakesExactlyOnceOnAnother() throws Exception {
        List<ClusterNode> nodes = cluster.start(4, 0, "A", "B", "C");
        String id = nodes.get(0).call("sleep");
        nodes.get(0).kill();

        await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> cluster.run(id).status() == FlowStatus.COMPLETED);
        assertThat(cluster.counter(SLEEPER, effectKey(id, "woke"))).isEqualTo(1);
        long wakes = nodes.subList(1, 3).stream().flatMap(n -> n.lines().stream())
                .filter(l -> l.text().startsWith("@@ woke " + id + " ")).count();
        assertThat(wakes).as("wake-ups of run %s on B and C", id).isEqualTo(1);
    }

    @Test
    void persistentIncrementsFromTwoNodesOfEightThreadsAddUpExactly() throws Exception {
        List<ClusterNode> nodes = cluster.start(4, 0, "A", "B");
        List<CompletableFuture<String>> counting = new ArrayList<>();
        long began = System.nanoTime();
        for (ClusterNode node : nodes) {
            counting.add(node.send("count 8 1000"));
        }
        long applied = 0;
        long failed = 0;
        for (CompletableFuture<String> done : counting) {
            String[] reply = done.get(170, java.util.concurrent.TimeUnit.SECONDS).split(" ");
            applied += Long.parseLong(reply[0]);
            failed += Long.parseLong(reply[1]);
        }
        // an increment is one atomic update holding the key's row: 16 writers on one key queue, none fails
        assertThat(failed).as("increments that failed (see the nodes' '@@ increment failed' lines)").isZero();
        assertThat(applied).isEqualTo(2 * 8 * 1000);
        assertThat(cluster.counter(COUNTS, "hits")).isEqualTo(2 * 8 * 1000);
        System.out.printf("persistent increments, 2 nodes x 8 threads x 1000 on one key: all %d applied in %d ms%n",
                applied, (System.nanoTime() - began) / 1_000_000);
    }
}
