package io.flowstate.camel.snapshot.file;

import java.nio.file.Path;

import io.flowstate.camel.snapshot.CrashingWriterMain;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.KillTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process killed (SIGKILL) while it writes a run never leaves a torn run in a file repository, and never loses a
 * version it reported as saved: ten kills at different points, each followed by a writer that continues the run.
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
                assertThat(lastCommitted).isGreaterThan(previous);
                previous = s.version();
            } finally {
                repo.stop();
            }
        }
    }
}
