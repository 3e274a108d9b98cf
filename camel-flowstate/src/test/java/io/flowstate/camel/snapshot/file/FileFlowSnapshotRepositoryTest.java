package io.flowstate.camel.snapshot.file;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.AbstractFlowSnapshotRepositoryTest;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotFormatException;
import io.flowstate.camel.snapshot.FlowSnapshotPage;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.FlowSnapshotTooLargeException;
import io.flowstate.camel.snapshot.ValueVersions;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.FlowStateException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The repository contract on the file repository, plus what only files can get wrong: corrupt, truncated and torn
 * files, newer formats, size limits, layout and compaction; and which runs it keeps in memory, the move of finished
 * runs to finished/, the earlier layout and the crash states of a move.
 */
class FileFlowSnapshotRepositoryTest extends AbstractFlowSnapshotRepositoryTest {

    @TempDir
    static Path tempDir;

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private Path dataDir;

    @Override
    protected FlowSnapshotRepository createRepository() {
        dataDir = tempDir.resolve("data-" + COUNTER.incrementAndGet());
        FileFlowSnapshotRepository repo = new FileFlowSnapshotRepository(dataDir.toString());
        repo.setCompactAfterDeltas(7); // so the contract's delta tests cross several compactions
        return repo;
    }

    private FileFlowSnapshotRepository fileRepository() {
        return (FileFlowSnapshotRepository) repository;
    }

    private Path jsonOf(String id) {
        return fileRepository().runDirectory(id).resolve(id + ".json");
    }

    private Path logOf(String id) {
        return fileRepository().runDirectory(id).resolve(id + ".log");
    }

    @Override
    protected long lastDeltaBytes(String executionId) throws Exception {
        Path log = logOf(executionId);
        if (!Files.exists(log)) {
            return -1;
        }
        byte[] data = Files.readAllBytes(log);
        if (data.length == 0) {
            return -1;
        }
        int start = data.length - 1; // the last line's newline
        while (start > 0 && data[start - 1] != '\n') {
            start--;
        }
        return data.length - start;
    }

    @Override
    protected long storedBytes(String executionId) throws Exception {
        Path log = logOf(executionId);
        return Files.size(jsonOf(executionId)) + (Files.exists(log) ? Files.size(log) : 0);
    }

    private void restart() throws Exception {
        repository.stop();
        repository.start();
    }

    /** Where a run's snapshot file is in the given folder tree ("runs" or "finished"). */
    private Path fileIn(String tree, String id) {
        return dataDir.resolve(tree).resolve(RunFiles.shardOf(id)).resolve(id + ".json");
    }

    /** The files of run {@code id} in either folder tree. */
    private List<Path> filesOf(String id) throws Exception {
        try (Stream<Path> all = Files.walk(dataDir)) {
            return all.filter(p -> p.getFileName().toString().startsWith(id + ".")).sorted().toList();
        }
    }

    @Nested
    class ActiveAndFinishedRuns {

        @Test
        void aRunThatFinishesMovesToFinishedAsOneFileTimedByItsUpdatedAt() throws Exception {
            repository.save(run("done").build(), 0);
            repository.saveDelta("done", delta().completedStep("a").build(), 1);
            repository.saveDelta("done", delta().updatedAt(T0.plusMillis(5_500)).status(FlowStatus.COMPLETED).build(), 2);

            assertThat(filesOf("done")).containsExactly(fileIn("finished", "done"));
            // updatedAt rounded down to an even second: T0 is on a whole minute
            assertThat(Files.getLastModifiedTime(fileIn("finished", "done")).toInstant()).isEqualTo(T0.plusSeconds(4));
            restart();

            FlowSnapshot s = loaded("done");
            assertThat(s.version()).isEqualTo(3);
            assertThat(s.status()).isEqualTo(FlowStatus.COMPLETED);
            assertThat(s.completedSteps()).containsExactly("a");
        }

        @Test
        void aFinishedRunIsWrittenWholeAndMovesBackWhenSavedActive() throws Exception {
            repository.save(run("back").status(FlowStatus.FAILED).build(), 0);
            repository.saveDelta("back", delta().updatedAt(T0.plusSeconds(9)).result("r", JSON.numberNode(1)).build(), 1);

            assertThat(filesOf("back")).containsExactly(fileIn("finished", "back"));
            assertThat(Files.getLastModifiedTime(fileIn("finished", "back")).toInstant()).isEqualTo(T0.plusSeconds(8));

            repository.save(run("back").status(FlowStatus.RUNNING).build(), 2);

            assertThat(filesOf("back")).containsExactly(fileIn("runs", "back"));
            assertThat(loaded("back").version()).isEqualTo(3);
            assertThat(fileRepository().getIndexedRunCount()).isEqualTo(1);
        }

        @Test
        void aFinishedRunIsDeletedAndPurgedFromFinished() throws Exception {
            repository.save(run("del").status(FlowStatus.COMPLETED).build(), 0);
            repository.save(run("purge").status(FlowStatus.FAILED).build(), 0);

            repository.delete("del", 1);
            assertThat(repository.purgeFinished(T0.plusSeconds(1))).isEqualTo(1);

            assertThat(repository.load("del")).isEmpty();
            assertThat(repository.load("purge")).isEmpty();
            assertThat(filesOf("del")).isEmpty();
            assertThat(filesOf("purge")).isEmpty();
        }

        @Test
        void onlyRunningRunsAndSuspendedRunsWithAWakeUpTimeAreIndexed() throws Exception {
            repository.save(run("running").build(), 0);
            repository.save(run("sleeping").status(FlowStatus.SUSPENDED).wakeAt(T0.plusSeconds(60)).build(), 0);
            repository.save(run("waiting").status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 0);
            repository.save(run("completed").status(FlowStatus.COMPLETED).build(), 0);
            repository.save(run("failed").status(FlowStatus.FAILED).build(), 0);
            repository.saveDelta("running", delta().status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 1);
            repository.save(run("resumed").status(FlowStatus.SUSPENDED).build(), 0);
            repository.saveDelta("resumed", delta().status(FlowStatus.RUNNING).build(), 1);

            assertThat(fileRepository().getIndexedRunCount()).isEqualTo(2); // sleeping, resumed
            restart();
            assertThat(fileRepository().getIndexedRunCount()).isEqualTo(2);

            assertThat(loaded("waiting").version()).isEqualTo(1);
            assertThat(loaded("completed").version()).isEqualTo(1);
            assertThat(fileRepository().getIndexedRunCount()).isEqualTo(2);
            assertThat(repository.findDue(T0.plusSeconds(60), 10)).extracting(FlowSnapshotSummary::executionId)
                    .containsExactly("sleeping");
            // a run not indexed is still written with the right version
            assertThatThrownBy(() -> repository.saveDelta("waiting", delta().build(), 2))
                    .isInstanceOf(FlowSnapshotConflictException.class);
            assertThat(repository.saveDelta("waiting", delta().status(FlowStatus.RUNNING).build(), 1)).isEqualTo(2);
            assertThat(fileRepository().getIndexedRunCount()).isEqualTo(3);
        }

        @Test
        void findsOverSuspendedAndFinishedRunsReadTheirFilesAfterARestart() throws Exception {
            for (int i = 0; i < 7; i++) {
                repository.save(run("s" + i, i % 2 == 0 ? "orders" : "invoices").status(FlowStatus.SUSPENDED)
                        .createdAt(T0.plusSeconds(10 - i)).build(), 0);
            }
            repository.save(run("r", "orders").createdAt(T0).build(), 0);
            repository.save(run("c", "orders").status(FlowStatus.COMPLETED).createdAt(T0.minusSeconds(1)).build(), 0);
            restart();

            List<String> seen = new ArrayList<>();
            String token = null;
            do {
                FlowSnapshotPage page = repository.find(FlowSnapshotQuery.builder().status(FlowStatus.SUSPENDED)
                        .pageSize(3).pageToken(token).build());
                page.items().forEach(s -> seen.add(s.executionId()));
                token = page.nextPageToken();
            } while (token != null);

            assertThat(seen).containsExactly("s6", "s5", "s4", "s3", "s2", "s1", "s0");
            assertThat(repository.find(FlowSnapshotQuery.builder().flowId("orders").build()).items())
                    .extracting(FlowSnapshotSummary::executionId).containsExactly("c", "r", "s6", "s4", "s2", "s0");
        }

        @Test
        void purgesCompareTheExactUpdatedAtWithinTheFileTimesRounding() {
            repository.save(run("u1").status(FlowStatus.COMPLETED).updatedAt(T0.plusMillis(4_100)).build(), 0);
            repository.save(run("u2").status(FlowStatus.COMPLETED).updatedAt(T0.plusMillis(5_900)).build(), 0);
            repository.save(run("u3").status(FlowStatus.FAILED).updatedAt(T0.plusMillis(4_300)).build(), 0);
            repository.save(run("u4").status(FlowStatus.COMPLETED).updatedAt(T0.plusMillis(6_000)).build(), 0);

            assertThat(repository.purgeFinished(T0.plusMillis(4_200))).isEqualTo(1);
            assertThat(repository.purgeFinishedBeyond(2)).isEqualTo(1);

            assertThat(allRunIds()).containsExactly("u2", "u4");
        }

        @Test
        void anUnreadableFinishedRunIsKeptAndDoesNotStopThePurgeOfOthers() throws Exception {
            repository.save(run("corrupt").status(FlowStatus.COMPLETED).build(), 0);
            repository.save(run("old").status(FlowStatus.COMPLETED).build(), 0);
            FileTime time = Files.getLastModifiedTime(fileIn("finished", "corrupt"));
            Files.writeString(fileIn("finished", "corrupt"), "garbage");
            Files.setLastModifiedTime(fileIn("finished", "corrupt"), time);

            assertThat(repository.purgeFinished(T0.plusSeconds(1))).isEqualTo(1);
            assertThat(repository.purgeFinishedBeyond(0)).isZero();

            assertThat(Files.readString(fileIn("finished", "corrupt"))).isEqualTo("garbage");
            assertThat(repository.load("old")).isEmpty();
        }

        @Test
        void aFinishedRunLeftUnderRunsByTheEarlierLayoutIsMovedAtStartAndPurged() throws Exception {
            // the earlier layout kept finished runs under runs/, with their log
            repository.save(run("legacy").build(), 0);
            repository.saveDelta("legacy", delta().completedStep("a").build(), 1);
            repository.stop();
            FlowSnapshotDelta finish = delta().updatedAt(T0.plusSeconds(5)).status(FlowStatus.COMPLETED).build();
            Files.write(logOf("legacy"), DeltaLog.line(new FlowSnapshotCodec().encodeDelta("legacy", finish, 3)),
                    java.nio.file.StandardOpenOption.APPEND);
            assertThat(filesOf("legacy")).hasSize(2).allMatch(p -> p.startsWith(dataDir.resolve("runs")));
            repository.start();

            assertThat(filesOf("legacy")).containsExactly(fileIn("finished", "legacy"));
            FlowSnapshot s = loaded("legacy");
            assertThat(s.version()).isEqualTo(3);
            assertThat(s.status()).isEqualTo(FlowStatus.COMPLETED);
            assertThat(s.completedSteps()).containsExactly("a");
            assertThat(repository.purgeFinished(T0.plusSeconds(6))).isEqualTo(1);
            assertThat(filesOf("legacy")).isEmpty();
        }

        @Test
        void aMoveToFinishedCutShortIsResolvedAtStartToTheFinishedCopy() throws Exception {
            repository.save(run("cut").build(), 0);
            repository.saveDelta("cut", delta().completedStep("a").build(), 1);
            byte[] json = Files.readAllBytes(fileIn("runs", "cut"));
            byte[] log = Files.readAllBytes(logOf("cut"));
            repository.saveDelta("cut", delta().status(FlowStatus.COMPLETED).build(), 2);
            repository.stop();
            // as if the process died before the files under runs/ were removed
            Files.write(fileIn("runs", "cut"), json);
            Files.write(logOf("cut"), log);
            repository.start();

            assertThat(filesOf("cut")).containsExactly(fileIn("finished", "cut"));
            assertThat(loaded("cut").version()).isEqualTo(3);
            assertThat(fileRepository().getIndexedRunCount()).isZero();
        }

        @Test
        void aMoveBackToRunsCutShortIsResolvedAtStartToTheActiveCopy() throws Exception {
            repository.save(run("again").status(FlowStatus.COMPLETED).build(), 0);
            byte[] finished = Files.readAllBytes(fileIn("finished", "again"));
            repository.save(run("again").status(FlowStatus.RUNNING).build(), 1);
            repository.stop();
            Files.createDirectories(fileIn("finished", "again").getParent());
            Files.write(fileIn("finished", "again"), finished);
            repository.start();

            assertThat(filesOf("again")).containsExactly(fileIn("runs", "again"));
            FlowSnapshot s = loaded("again");
            assertThat(s.version()).isEqualTo(2);
            assertThat(s.status()).isEqualTo(FlowStatus.RUNNING);
            assertThat(fileRepository().getIndexedRunCount()).isEqualTo(1);
        }

        @Test
        void aStartUpMoveCutShortLeavesEqualCopiesThatTheNextStartMovesAgain() throws Exception {
            repository.save(run("twice").status(FlowStatus.COMPLETED).build(), 0);
            repository.stop();
            Files.createDirectories(fileIn("runs", "twice").getParent());
            Files.copy(fileIn("finished", "twice"), fileIn("runs", "twice"));
            repository.start();

            assertThat(filesOf("twice")).containsExactly(fileIn("finished", "twice"));
            assertThat(loaded("twice").version()).isEqualTo(1);
        }
    }

    @Nested
    class Lifecycle {

        @Test
        void everyCallOfAStoppedRepositoryFailsNamingItsDirectoryAndTouchesNoFile() throws Exception {
            repository.save(run("kept").leaseOwner("n1").leaseExpiresAt(T0).build(), 0);
            repository.save(run("done").status(FlowStatus.COMPLETED).build(), 0);
            repository.putValue("orders", "watermark", JSON.numberNode(1), 0);
            repository.stop();
            Map<Path, String> before = tree(dataDir);

            assertEveryCallFailsAsNotStarted(repository, dataDir);

            assertThat(tree(dataDir)).isEqualTo(before);
            repository.start();
            assertThat(allRunIds()).containsExactly("done", "kept");
        }

        @Test
        void everyCallOfARepositoryNeverStartedFailsAndCreatesNoFile() {
            Path unused = dataDir.resolveSibling(dataDir.getFileName() + "-never-started");
            FileFlowSnapshotRepository neverStarted = new FileFlowSnapshotRepository(unused.toString());

            assertEveryCallFailsAsNotStarted(neverStarted, unused);

            assertThat(unused).doesNotExist();
        }

        private void assertEveryCallFailsAsNotStarted(FlowSnapshotRepository repo, Path directory) {
            List<ThrowingCallable> calls = List.of(
                    () -> repo.save(run("new").build(), 0),
                    () -> repo.save(run("kept").build(), 1),
                    () -> repo.saveDelta("kept", delta().completedStep("a").build(), 1),
                    () -> repo.load("kept"),
                    () -> repo.delete("done", 1),
                    () -> repo.find(FlowSnapshotQuery.builder().status(FlowStatus.RUNNING).build()),
                    () -> repo.find(FlowSnapshotQuery.builder().build()),
                    () -> repo.findExpiredLeases(T0.plusSeconds(60), 10),
                    () -> repo.findDue(T0.plusSeconds(60), 10),
                    () -> repo.purgeFinished(T0.plusSeconds(60)),
                    () -> repo.purgeFinishedBeyond(0),
                    () -> repo.getValue("orders", "watermark"),
                    () -> repo.putValue("orders", "watermark", JSON.numberNode(2), 1),
                    () -> repo.putValue("orders", "other", JSON.numberNode(2), 0),
                    () -> repo.deleteValue("orders", "watermark", 1),
                    () -> repo.getValues("orders"),
                    () -> repo.deleteValues("orders"));
            for (ThrowingCallable call : calls) {
                assertThatThrownBy(call)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("file flow snapshot repository on " + directory)
                        .hasMessageContaining("is not started");
            }
        }

        /** Every path under {@code dir} with its size and modification time. */
        private Map<Path, String> tree(Path dir) throws Exception {
            try (Stream<Path> all = Files.walk(dir)) {
                Map<Path, String> tree = new TreeMap<>();
                for (Path p : all.toList()) {
                    tree.put(p, Files.size(p) + " " + Files.getLastModifiedTime(p));
                }
                return tree;
            }
        }
    }

    @Nested
    class Files_ {

        @Test
        void aRunLivesInFilesNamedAfterItUnderRuns() {
            repository.save(run("order-42").build(), 0);
            repository.saveDelta("order-42", delta().completedStep("a").build(), 1);

            assertThat(jsonOf("order-42")).exists().startsWith(dataDir.resolve("runs"));
            assertThat(logOf("order-42")).exists();
            assertThat(fileRepository().runDirectory("order-42").toFile().list())
                    .allMatch(name -> name.startsWith("order-42."));
        }

        @Test
        void persistentValuesLiveApartFromRuns() throws Exception {
            repository.putValue("orders", "watermark", JSON.numberNode(1), 0);

            assertThat(dataDir.resolve("values/orders/watermark.json")).exists();
            try (Stream<Path> runs = Files.walk(dataDir.resolve("runs"))) {
                assertThat(runs.filter(Files::isRegularFile)).isEmpty();
            }
        }

        @Test
        void aStaleValueVersionFromBeforeARestartAndADeleteIsRefused() throws Exception {
            long v = repository.putValue("orders", "items", JSON.arrayNode().add("a"), 0);
            long stale = repository.putValue("orders", "items", JSON.arrayNode().add("a").add("b"), v);
            restart();
            repository.deleteValue("orders", "items", stale);
            long w = repository.putValue("orders", "items", JSON.arrayNode().add("x"), 0);
            w = repository.putValue("orders", "items", JSON.arrayNode().add("x").add("y"), w);
            restart();

            assertThatThrownBy(() -> repository.putValue("orders", "items", JSON.arrayNode().add("a").add("b").add("c"), stale))
                    .isInstanceOf(FlowSnapshotConflictException.class);
            assertThat(repository.getValue("orders", "items"))
                    .contains(new VersionedValue(JSON.arrayNode().add("x").add("y"), w));
        }

        @Test
        void aValueFileWrittenFromVersionOneKeepsCountingAndIsCreatedAgainAboveItsVersions() throws Exception {
            Path file = dataDir.resolve("values/orders/total.json");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "{\"version\":3,\"value\":7}"); // as stored before first versions were random

            assertThat(repository.getValue("orders", "total")).contains(new VersionedValue(JSON.numberNode(7), 3));
            assertThat(repository.putValue("orders", "total", JSON.numberNode(8), 3)).isEqualTo(4);
            repository.deleteValue("orders", "total", 4);
            long again = repository.putValue("orders", "total", JSON.numberNode(1), 0);

            assertThat(again).isGreaterThanOrEqualTo(ValueVersions.FIRST_MIN);
            for (long stale = 1; stale <= 4; stale++) {
                long version = stale;
                assertThatThrownBy(() -> repository.putValue("orders", "total", JSON.numberNode(9), version))
                        .isInstanceOf(FlowSnapshotConflictException.class);
            }
            assertThat(repository.getValue("orders", "total")).contains(new VersionedValue(JSON.numberNode(1), again));
        }

        @Test
        void corruptSnapshotFileFailsNamingRunAndFileWhileOtherRunsLoad() throws Exception {
            repository.save(run("broken").build(), 0);
            repository.save(run("fine").build(), 0);
            Files.writeString(jsonOf("broken"), "{\"formatVersion\":1,\"executionId\":\"bro");
            restart();

            assertThatThrownBy(() -> repository.load("broken"))
                    .isInstanceOf(FlowSnapshotFormatException.class)
                    .hasMessageContaining("broken")
                    .hasMessageContaining(jsonOf("broken").toString());
            assertThat(loaded("fine").version()).isEqualTo(1);
            assertThat(allRunIds()).containsExactly("fine");
        }

        @Test
        void truncatedSnapshotFileFailsNamingRunAndFile() throws Exception {
            repository.save(run("cut").state(JSON.objectNode().put("text", "x".repeat(1000))).build(), 0);
            byte[] full = Files.readAllBytes(jsonOf("cut"));
            Files.write(jsonOf("cut"), java.util.Arrays.copyOf(full, full.length / 2));
            restart();

            assertThatThrownBy(() -> repository.load("cut"))
                    .isInstanceOf(FlowSnapshotFormatException.class)
                    .hasMessageContaining("cut")
                    .hasMessageContaining(jsonOf("cut").toString());
        }

        @Test
        void aCorruptRunIsNeverOverwritten() throws Exception {
            repository.save(run("broken").build(), 0);
            Files.writeString(jsonOf("broken"), "garbage");
            restart();

            assertThatThrownBy(() -> repository.save(run("broken").build(), 1)).isInstanceOf(FlowSnapshotFormatException.class);
            assertThatThrownBy(() -> repository.save(run("broken").build(), 0)).isInstanceOf(FlowSnapshotFormatException.class);
            assertThat(Files.readString(jsonOf("broken"))).isEqualTo("garbage");
        }

        @Test
        void aNewerFormatFailsClearlyAndIsNeverOverwritten() throws Exception {
            repository.save(run("future").build(), 0);
            String newer = Files.readString(jsonOf("future")).replace("\"formatVersion\":1", "\"formatVersion\":2");
            Files.writeString(jsonOf("future"), newer);
            restart();

            assertThatThrownBy(() -> repository.load("future"))
                    .isInstanceOf(FlowSnapshotFormatException.class)
                    .hasMessageContaining("future")
                    .hasMessageContaining("format 2");
            assertThatThrownBy(() -> repository.save(run("future").build(), 1)).isInstanceOf(FlowSnapshotFormatException.class);
            assertThatThrownBy(() -> repository.saveDelta("future", delta().completedStep("a").build(), 1))
                    .isInstanceOf(FlowSnapshotFormatException.class);
            assertThatThrownBy(() -> repository.delete("future", 1)).isInstanceOf(FlowSnapshotFormatException.class);
            assertThat(Files.readString(jsonOf("future"))).isEqualTo(newer);
            assertThat(logOf("future")).doesNotExist();
        }

        @Test
        void anOversizedSnapshotFailsClearlyAndStoresNothing() throws Exception {
            FileFlowSnapshotRepository small = new FileFlowSnapshotRepository(dataDir.resolveSibling(dataDir.getFileName() + "-small").toString());
            small.setMaxSnapshotSize(4096);
            small.start();
            try {
                small.save(run("big").build(), 0);
                ObjectNode state = JSON.objectNode().put("blob", "x".repeat(5000));

                assertThatThrownBy(() -> small.save(run("big").state(state).build(), 1))
                        .isInstanceOf(FlowSnapshotTooLargeException.class)
                        .hasMessageContaining("big")
                        .hasMessageContaining("maxSnapshotSize=4096");
                assertThatThrownBy(() -> small.saveDelta("big", delta().setState("blob", state.get("blob")).build(), 1))
                        .isInstanceOf(FlowSnapshotTooLargeException.class);
                assertThat(small.load("big").orElseThrow().version()).isEqualTo(1);
            } finally {
                small.stop();
            }
        }

        @Test
        void aTornLastLogLineIsIgnoredAndCutBeforeTheNextAppend() throws Exception {
            repository.save(run("torn").build(), 0);
            repository.saveDelta("torn", delta().completedStep("a").build(), 1);
            Files.write(logOf("torn"), "1234abcd {\"formatVersion\":1,\"version\":3,\"upda".getBytes(StandardCharsets.UTF_8),
                    java.nio.file.StandardOpenOption.APPEND);
            restart();

            assertThat(loaded("torn").version()).isEqualTo(2);
            repository.saveDelta("torn", delta().completedStep("b").build(), 2);
            restart();

            FlowSnapshot s = loaded("torn");
            assertThat(s.version()).isEqualTo(3);
            assertThat(s.completedSteps()).containsExactly("a", "b");
        }

        @Test
        void aCorruptCompleteLogLineFailsNamingTheFile() throws Exception {
            repository.save(run("bad-log").build(), 0);
            repository.saveDelta("bad-log", delta().completedStep("a").build(), 1);
            repository.saveDelta("bad-log", delta().completedStep("b").build(), 2);
            byte[] log = Files.readAllBytes(logOf("bad-log"));
            log[12] = (byte) (log[12] == 'x' ? 'y' : 'x');
            Files.write(logOf("bad-log"), log);
            restart();

            assertThatThrownBy(() -> repository.load("bad-log"))
                    .isInstanceOf(FlowSnapshotFormatException.class)
                    .hasMessageContaining("bad-log")
                    .hasMessageContaining(logOf("bad-log").toString())
                    .hasMessageContaining("line 1");
        }

        @Test
        void aDeltaAppendsOnlyWhatChangedWhateverTheStateSize() throws Exception {
            ObjectNode state = JSON.objectNode();
            for (int i = 0; i < 1000; i++) {
                state.put("key" + i, "value-" + i + "-".repeat(80));
            }
            repository.save(run("big-state").state(state).build(), 0);
            long jsonSize = Files.size(jsonOf("big-state"));

            repository.saveDelta("big-state", delta().setState("key7", JSON.textNode("changed")).build(), 1);

            assertThat(Files.size(jsonOf("big-state"))).isEqualTo(jsonSize);
            assertThat(Files.size(logOf("big-state"))).isLessThan(200);
        }

        @Test
        void compactionFoldsTheLogIntoTheSnapshotFile() throws Exception {
            repository.save(run("compact").build(), 0);
            for (int i = 1; i <= 7; i++) {
                repository.saveDelta("compact", delta().completedStep("s" + i).build(), i);
            }

            assertThat(Files.size(logOf("compact"))).isZero();
            assertThat(Files.readString(jsonOf("compact"))).contains("\"version\":8").contains("\"s7\"");
            assertThat(loaded("compact").completedSteps()).hasSize(7);
        }

        @Test
        void logLinesAlreadyFoldedIntoTheSnapshotAreSkipped() throws Exception {
            repository.save(run("stale").build(), 0);
            repository.saveDelta("stale", delta().completedStep("a").build(), 1);
            byte[] oldLog = Files.readAllBytes(logOf("stale"));
            repository.save(run("stale").build(), 2); // full save: version 3, log emptied
            Files.write(logOf("stale"), oldLog); // as if the crash came before the log was emptied
            restart();

            FlowSnapshot s = loaded("stale");
            assertThat(s.version()).isEqualTo(3);
            assertThat(s.completedSteps()).isEmpty();
        }

        @Test
        void aSecondRepositoryOnTheSameDirectoryIsRefused() {
            FileFlowSnapshotRepository second = new FileFlowSnapshotRepository(dataDir.toString());

            assertThatThrownBy(second::start)
                    .isInstanceOf(FlowStateException.class)
                    .hasMessageContaining("in use")
                    .hasMessageContaining("JDBC");
        }

        @Test
        void leftoverTempFilesAreRemovedAtStart() throws Exception {
            repository.save(run("tmp").build(), 0);
            Path temp = DurableFiles.tempFileOf(jsonOf("tmp"));
            Files.writeString(temp, "half a snap");
            restart();

            assertThat(temp).doesNotExist();
            assertThat(loaded("tmp").version()).isEqualTo(1);
        }

        @Test
        void aFailedAppendThatCannotBeCutBackLeavesTheRunFindableAndItsFilesDecideItsVersion() throws Exception {
            repository.save(run("unsure").leaseOwner("n1").leaseExpiresAt(T0.plusSeconds(10)).build(), 0);
            repository.saveDelta("unsure", delta().completedStep("a").build(), 1);
            Path log = logOf("unsure");
            byte[] lines = Files.readAllBytes(log);
            // a directory in the log's place fails both the append and the cut back (read-only files would not: the
            // tests may run as root)
            Files.delete(log);
            Files.createDirectory(log);

            assertThatThrownBy(() -> repository.saveDelta("unsure", delta().completedStep("b").build(), 2))
                    .isInstanceOf(FlowStateException.class)
                    .hasMessageContaining("unsure")
                    .hasMessageContaining("was not saved")
                    .satisfies(e -> assertThat(e.getSuppressed()).singleElement().asString().contains(log.toString()));
            assertThat(repository.findExpiredLeases(T0.plusSeconds(60), 10))
                    .extracting(FlowSnapshotSummary::executionId).containsExactly("unsure");
            assertThat(repository.find(FlowSnapshotQuery.builder().status(FlowStatus.RUNNING).build()).items())
                    .extracting(FlowSnapshotSummary::executionId).containsExactly("unsure");
            assertThatThrownBy(() -> repository.load("unsure")).hasMessageContaining(log.toString());

            // as if the failed line had reached the log after all: the files now say version 3
            FlowSnapshotDelta landed = delta().completedStep("b").build();
            Files.delete(log);
            Files.write(log, lines);
            Files.write(log, DeltaLog.line(new FlowSnapshotCodec().encodeDelta("unsure", landed, 3)),
                    java.nio.file.StandardOpenOption.APPEND);

            assertThatThrownBy(() -> repository.saveDelta("unsure", delta().completedStep("c").build(), 2))
                    .isInstanceOf(FlowSnapshotConflictException.class);
            assertThat(repository.saveDelta("unsure", delta().completedStep("c").build(), 3)).isEqualTo(4);
            assertThat(repository.findExpiredLeases(T0.plusSeconds(60), 10))
                    .extracting(FlowSnapshotSummary::version).containsExactly(4L);
            restart();
            assertThat(loaded("unsure").completedSteps()).containsExactly("a", "b", "c");
        }

        @Test
        void leftoverTempFilesOfPersistentValuesAreRemovedAtStartAndNoOtherFile() throws Exception {
            repository.putValue("orders", "team/limit", JSON.numberNode(5), 0);
            repository.stop();
            Path value = dataDir.resolve("values").resolve("orders").resolve("team").resolve("limit.json");
            Path temp = DurableFiles.tempFileOf(value);
            Files.writeString(temp, "half a val");
            Path notOurs = value.resolveSibling(".notes.tmp");
            Files.writeString(notOurs, "not ours");
            repository.start();

            assertThat(temp).doesNotExist();
            assertThat(notOurs).exists();
            assertThat(repository.getValue("orders", "team/limit")).get()
                    .satisfies(v -> assertThat(v.value().intValue()).isEqualTo(5));
        }

        @Test
        void leftoverTempFilesAreRemovedAtStartUnderFinishedTooAndNoOtherFile() throws Exception {
            repository.save(run("done").status(FlowStatus.COMPLETED).build(), 0);
            repository.save(run("active").build(), 0);
            repository.stop();
            Path finishedTemp = DurableFiles.tempFileOf(fileIn("finished", "done"));
            Path activeTemp = DurableFiles.tempFileOf(fileIn("runs", "active"));
            Files.writeString(finishedTemp, "half a snap");
            Files.writeString(activeTemp, "half a snap");
            // not temp files of this repository: a user's files, a name with a bad id, a run in the wrong shard
            String otherShard = RunFiles.shardOf("done").equals("00") ? "01" : "00";
            List<Path> others = new ArrayList<>();
            for (String tree : List.of("runs", "finished")) {
                Path shard = Files.createDirectories(fileIn(tree, "done").getParent());
                Path wrongShard = Files.createDirectories(dataDir.resolve(tree).resolve(otherShard));
                others.add(shard.resolve(".notes.tmp"));
                others.add(shard.resolve("notes.json.tmp"));
                others.add(shard.resolve("..json.tmp"));
                others.add(wrongShard.resolve(".done.json.tmp"));
            }
            for (Path other : others) {
                Files.writeString(other, "not ours");
            }
            repository.start();

            assertThat(finishedTemp).doesNotExist();
            assertThat(activeTemp).doesNotExist();
            assertThat(others).allMatch(Files::exists);
            assertThat(allRunIds()).containsExactly("active", "done");
            assertThat(repository.purgeFinishedBeyond(0)).isEqualTo(1);
            assertThat(repository.load("done")).isEmpty();
            assertThat(others).allMatch(Files::exists);
        }

        @Test
        void theDefaultDataDirectoryIsFlowstateDataInTheWorkingDirectory() {
            assertThat(new FileFlowSnapshotRepository().getDataDirectory()).isEqualTo("flowstate-data");
        }

        @Test
        void idsNeverEscapeTheDataDirectory() throws Exception {
            for (String bad : List.of("../escape", "..", "a/../../b")) {
                assertThatThrownBy(() -> repository.load(bad)).isInstanceOf(io.flowstate.camel.support.InvalidIdentifierException.class);
                assertThatThrownBy(() -> repository.putValue("orders", bad, JSON.numberNode(1), 0))
                        .isInstanceOf(io.flowstate.camel.support.InvalidIdentifierException.class);
            }
            try (Stream<Path> all = Files.list(tempDir)) {
                assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("escape"));
            }
        }
    }
}
