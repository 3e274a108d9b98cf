package io.flowstate.camel.snapshot.jdbc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The group commit's queue: writes up to the threshold are written at once, each alone; writes beyond it share the next
 * group, each with its own outcome; a group that fails fails its own writes only.
 */
class GroupCommitTest {

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    /** Writes "ok:x" as "X"; "conflict:x" fails alone; a group containing "broken" fails as a whole. */
    private static final class RecordingWriter implements GroupCommit.Writer<String, String> {
        final List<List<String>> groups = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch holdAlone = new CountDownLatch(0);

        @Override
        public String writeAlone(String write) {
            groups.add(List.of(write));
            try {
                holdAlone.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return outcome(write).get();
        }

        @Override
        public List<GroupCommit.Outcome<String>> writeTogether(List<String> writes) {
            groups.add(List.copyOf(writes));
            if (writes.contains("broken")) {
                throw new IllegalStateException("the group's transaction failed");
            }
            return writes.stream().map(RecordingWriter::outcome).toList();
        }

        private static GroupCommit.Outcome<String> outcome(String write) {
            return write.startsWith("conflict")
                    ? GroupCommit.Outcome.failed(new IllegalArgumentException(write + " conflicted"))
                    : GroupCommit.Outcome.of(write.toUpperCase());
        }
    }

    @Test
    void writesUpToTheThresholdAreWrittenAtOnceEachAlone() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        GroupCommit<String, String> commits = new GroupCommit<>(writer, 2, 64);
        writer.holdAlone = new CountDownLatch(1);
        CompletableFuture<String> a = CompletableFuture.supplyAsync(() -> commits.write("a"), callers);
        CompletableFuture<String> b = CompletableFuture.supplyAsync(() -> commits.write("b"), callers);
        await().until(() -> writer.groups.size() == 2); // both under way at once, neither waited for the other
        writer.holdAlone.countDown();

        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("A");
        assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo("B");
        assertThat(writer.groups).containsExactlyInAnyOrder(List.of("a"), List.of("b"));
        assertThat(commits.write("c")).isEqualTo("C");
    }

    @Test
    void writesBeyondTheThresholdShareTheNextGroupEachWithItsOwnOutcome() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        GroupCommit<String, String> commits = new GroupCommit<>(writer, 1, 64);
        writer.holdAlone = new CountDownLatch(1);
        CompletableFuture<String> alone = CompletableFuture.supplyAsync(() -> commits.write("alone"), callers);
        await().until(() -> writer.groups.size() == 1);
        // beyond the threshold, no group under way: it leads a group of its own (written alone, held too)
        CompletableFuture<String> lead = CompletableFuture.supplyAsync(() -> commits.write("lead"), callers);
        await().until(() -> writer.groups.size() == 2);
        List<CompletableFuture<String>> queued = new ArrayList<>();
        for (String write : List.of("a", "conflict-b", "c")) {
            queued.add(CompletableFuture.supplyAsync(() -> commits.write(write), callers));
        }
        awaitQueued(commits, 3);
        writer.holdAlone.countDown();

        assertThat(alone.get(10, TimeUnit.SECONDS)).isEqualTo("ALONE");
        assertThat(lead.get(10, TimeUnit.SECONDS)).isEqualTo("LEAD");
        assertThat(queued.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("A");
        assertThat(queued.get(2).get(10, TimeUnit.SECONDS)).isEqualTo("C");
        assertThatThrownBy(() -> queued.get(1).join()).hasRootCauseMessage("conflict-b conflicted");
        assertThat(writer.groups).hasSize(3);
        assertThat(writer.groups.get(2)).containsExactlyInAnyOrder("a", "conflict-b", "c");
    }

    @Test
    void aFailedGroupFailsItsOwnWritesAndTheNextGroupIsWritten() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        GroupCommit<String, String> commits = new GroupCommit<>(writer, 0, 2);
        writer.holdAlone = new CountDownLatch(1);
        CompletableFuture<String> lead = CompletableFuture.supplyAsync(() -> commits.write("lead"), callers);
        await().until(() -> writer.groups.size() == 1);
        List<CompletableFuture<String>> queued = new ArrayList<>();
        for (String write : List.of("broken", "x", "y", "z")) {
            queued.add(CompletableFuture.supplyAsync(() -> commits.write(write), callers));
            awaitQueued(commits, queued.size()); // queued in this order: groups of two
        }
        writer.holdAlone.countDown();

        assertThat(lead.get(10, TimeUnit.SECONDS)).isEqualTo("LEAD");
        assertThatThrownBy(() -> queued.get(0).join()).hasRootCauseMessage("the group's transaction failed");
        assertThatThrownBy(() -> queued.get(1).join()).hasRootCauseMessage("the group's transaction failed");
        assertThat(queued.get(2).get(10, TimeUnit.SECONDS)).isEqualTo("Y");
        assertThat(queued.get(3).get(10, TimeUnit.SECONDS)).isEqualTo("Z");
        assertThat(writer.groups).containsExactly(List.of("lead"), List.of("broken", "x"), List.of("y", "z"));
    }

    private static void awaitQueued(GroupCommit<?, ?> commits, int n) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> commits.queued() == n);
    }
}
