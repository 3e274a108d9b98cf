package io.flowstate.camel.snapshot.file;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.flowstate.camel.snapshot.CrashingWriterMain;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.KillTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process killed (SIGKILL) while it writes a run never leaves a torn run in a file repository, and never loses a
 * version it reported as saved: ten kills at different points, each followed by a writer that continues the run. The
 * run finishes and becomes active again every ten versions, so kills also hit its moves between runs/ and finished/.
 */
class FileFlowSnapshotRepositoryKillTest {

    @TempDir
    Path dataDir;

    @Test
    void aKilledWriterLeavesTheLastCommittedVersionOrLater() throws Exception {
        long previous = 0;
        for (int round = 0; round < 10; round++) {
            long lastCommitted = KillTestSupport.runAndKill("file", dataDir.toString(), 5 + round * 7);

            FileFlowSnapshotRepository repo = new FileFlowSnapshotRepository(dataDir.toString());
            repo.start();
            try {
                FlowSnapshot s = repo.load(CrashingWriterMain.RUN).orElseThrow();
                KillTestSupport.assertWholeVersion(s, lastCommitted);
                // a kill while the run moved between runs/ and finished/ leaves no second copy once it is read
                String file = CrashingWriterMain.RUN + ".json";
                String shard = RunFiles.shardOf(CrashingWriterMain.RUN);
                assertThat(Stream.of("runs", "finished").map(tree -> dataDir.resolve(tree).resolve(shard).resolve(file)))
                        .filteredOn(Files::exists)
                        .containsExactly(repo.runDirectory(CrashingWriterMain.RUN).resolve(file));
                assertThat(lastCommitted).isGreaterThan(previous);
                previous = s.version();
            } finally {
                repo.stop();
            }
        }
    }
}
