package io.flowstate.camel.snapshot.file;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.snapshot.AbstractFlowSnapshotRepositoryTest;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotFormatException;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowSnapshotTooLargeException;
import io.flowstate.camel.FlowStateException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The repository contract on the file repository, plus what only files can get wrong: corrupt, truncated and torn
 * files, newer formats, size limits, layout and compaction.
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
