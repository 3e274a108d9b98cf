package io.flowstate.camel.snapshot.jdbc;

import java.nio.file.Path;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.snapshot.CrashingWriterMain;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.KillTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code ;WRITE_DELAY=0}, a process killed (SIGKILL) while it writes a run to H2 loses no checkpoint it
 * reported as saved, and the run loads as one whole version: ten kills at different points.
 */
class H2FlowSnapshotRepositoryKillTest {

    @TempDir
    Path dir;

    @Test
    void aKilledWriterLeavesTheLastCommittedVersionOrLater() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("flowstate") + ";WRITE_DELAY=0";
        long previous = 0;
        for (int round = 0; round < 10; round++) {
            long lastCommitted = KillTestSupport.runAndKill("h2", url, 5 + round * 7);

            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setUsername("sa");
            try (HikariDataSource ds = new HikariDataSource(config)) {
                JdbcFlowSnapshotRepository repo = new JdbcFlowSnapshotRepository(ds);
                repo.start();
                FlowSnapshot s = repo.load(CrashingWriterMain.RUN).orElseThrow();
                KillTestSupport.assertWholeVersion(s, lastCommitted);
                assertThat(lastCommitted).isGreaterThan(previous);
                previous = s.version();
                repo.stop();
            }
        }
    }
}
