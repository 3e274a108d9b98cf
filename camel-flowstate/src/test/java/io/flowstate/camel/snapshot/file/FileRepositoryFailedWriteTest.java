package io.flowstate.camel.snapshot.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.VersionedValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A write that fails because the disk is full leaves no temp file behind (before: one per failed write until the next
 * start, 455 after one disk-full episode) and the stored run or value as it was. The failures are real
 * "No space left on device" errors: a small tmpfs filled up (needs root; skipped where mounting is refused), and,
 * everywhere on Linux, a temp file that is a link to {@code /dev/full}, the device every write to fails so.
 */
class FileRepositoryFailedWriteTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Path DEV_FULL = Path.of("/dev/full");

    @TempDir
    Path tempDir;

    private FileFlowSnapshotRepository repository;
    private Path mounted;

    @AfterEach
    void stopAndUnmount() throws Exception {
        if (repository != null) {
            repository.stop();
        }
        if (mounted != null) {
            command("umount", mounted.toString());
        }
    }

    @Test
    void writesOnAFullDiskLeaveNoTempFileAndTheStoredRunsAndValueAsTheyWere() throws Exception {
        Path disk = mountSmallDisk();
        start(disk);
        List<FlowSnapshot> before = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            FlowSnapshot run = run("run-" + i, JSON.objectNode().put("n", i));
            repository.save(run, 0);
            before.add(run.withVersion(1));
        }
        long valueVersion = repository.putValue("orders", "watermark", JSON.numberNode(1), 0);
        Path filler = fill(disk);

        ObjectNode larger = JSON.objectNode().put("blob", "x".repeat(20_000));
        for (FlowSnapshot run : before) {
            assertThatThrownBy(() -> repository.save(run(run.executionId(), larger), 1))
                    .isInstanceOf(FlowStateException.class).hasMessageContaining(run.executionId());
        }
        assertThatThrownBy(() -> repository.putValue("orders", "watermark", larger, valueVersion))
                .isInstanceOf(FlowStateException.class).hasMessageContaining("orders/watermark");

        assertThat(tempFiles(disk)).isEmpty();
        for (FlowSnapshot run : before) {
            assertThat(repository.load(run.executionId())).contains(run);
        }
        assertThat(repository.getValue("orders", "watermark"))
                .contains(new VersionedValue(JSON.numberNode(1), valueVersion));

        Files.delete(filler);
        assertThat(repository.save(run("run-0", larger), 1)).as("the next write, with space again").isEqualTo(2);
    }

    @Test
    void aRunAndAValueWhoseTempFileCannotBeWrittenLeaveNoTempFile() throws Exception {
        assumeTrue(Files.isWritable(DEV_FULL), "needs /dev/full (Linux)");
        start(tempDir.resolve("data"));
        FlowSnapshot run = run("run-1", JSON.objectNode().put("n", 1));
        repository.save(run, 0);
        long valueVersion = repository.putValue("orders", "watermark", JSON.numberNode(1), 0);
        Path runTemp = DurableFiles.tempFileOf(repository.runDirectory("run-1").resolve("run-1.json"));
        Path valueTemp = DurableFiles.tempFileOf(valueFile(tempDir.resolve("data")));
        Files.createSymbolicLink(runTemp, DEV_FULL);
        Files.createSymbolicLink(valueTemp, DEV_FULL);

        assertThatThrownBy(() -> repository.save(run("run-1", JSON.objectNode().put("n", 2)), 1))
                .isInstanceOf(FlowStateException.class).hasMessageContaining("run-1");
        assertThatThrownBy(() -> repository.putValue("orders", "watermark", JSON.numberNode(2), valueVersion))
                .isInstanceOf(FlowStateException.class).hasMessageContaining("orders/watermark");

        assertThat(Files.exists(runTemp, LinkOption.NOFOLLOW_LINKS)).as("run temp file").isFalse();
        assertThat(Files.exists(valueTemp, LinkOption.NOFOLLOW_LINKS)).as("value temp file").isFalse();
        assertThat(repository.load("run-1")).contains(run.withVersion(1));
        assertThat(repository.getValue("orders", "watermark"))
                .contains(new VersionedValue(JSON.numberNode(1), valueVersion));
    }

    private void start(Path dataDirectory) {
        repository = new FileFlowSnapshotRepository(dataDirectory.toString());
        repository.start();
    }

    private static FlowSnapshot run(String id, ObjectNode state) {
        return FlowSnapshot.builder().executionId(id).flowId("orders").createdAt(T0).state(state).build();
    }

    /** A 1 MiB tmpfs under the test's folder, or the test is skipped where mounting is not allowed. */
    private Path mountSmallDisk() throws Exception {
        Path disk = Files.createDirectory(tempDir.resolve("disk"));
        String failure = command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString());
        assumeTrue(failure == null, () -> "mounting a small tmpfs was refused: " + failure);
        mounted = disk;
        return disk;
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String command(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = process.waitFor(30, TimeUnit.SECONDS);
        return done && process.exitValue() == 0 ? null : String.join(" ", command) + ": " + output;
    }

    /** Writes a file until the disk is full. */
    private static Path fill(Path disk) throws IOException {
        Path filler = disk.resolve("filler");
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(4096);
            while (true) {
                chunk.clear();
                ch.write(chunk);
            }
        } catch (IOException full) {
            assertThat(full).hasMessageContaining("No space left on device");
        }
        return filler;
    }

    private static List<Path> tempFiles(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(f -> DurableFiles.targetOfTemp(f) != null).toList();
        }
    }

    private static Path valueFile(Path dataDirectory) throws IOException {
        try (Stream<Path> all = Files.walk(dataDirectory)) {
            return all.filter(f -> f.getFileName().toString().equals("watermark.json")).findFirst().orElseThrow();
        }
    }
}
