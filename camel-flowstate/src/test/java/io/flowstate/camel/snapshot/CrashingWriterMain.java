package io.flowstate.camel.snapshot;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;

/**
 * The child JVM of the kill tests: writes one run for ever (deltas, a full save every 10th version, compactions) and
 * prints {@code committed N} after each write returned, until it is killed. The run also changes status: the delta of
 * every version ending in 5 makes it COMPLETED and the full save of the next tenth RUNNING again, so kills also hit a
 * run finishing, written while finished and made active again (the file repository moves it between folders).
 * <p>
 * Every version V holds state {@code counter = V} and {@code payload = payload(V)}, so a loaded run shows at once
 * whether it is one consistent version.
 *
 * @see KillTestSupport
 */
public final class CrashingWriterMain {

    public static final String RUN = "crash-run";

    private CrashingWriterMain() {
    }

    public static String payload(long version) {
        return ("v" + version + "-").repeat(40);
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        String location = args[1];
        FlowSnapshotRepository repo;
        if (kind.equals("file")) {
            FileFlowSnapshotRepository file = new FileFlowSnapshotRepository(location);
            file.setCompactAfterDeltas(4);
            repo = file;
        } else {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(location);
            config.setUsername("sa");
            JdbcFlowSnapshotRepository jdbc = new JdbcFlowSnapshotRepository(new HikariDataSource(config));
            jdbc.setCompactAfterDeltas(4);
            repo = jdbc;
        }
        repo.start();
        JsonNodeFactory json = JsonNodeFactory.instance;
        Optional<FlowSnapshot> existing = repo.load(RUN);
        long version = existing.map(FlowSnapshot::version).orElse(0L);
        FlowSnapshot base = FlowSnapshot.builder().executionId(RUN).flowId("crash").status(FlowStatus.RUNNING)
                .createdAt(java.time.Instant.parse("2026-01-01T00:00:00Z")).build();
        System.out.println("started at " + version);
        while (true) {
            long next = version + 1;
            if (version == 0 || next % 10 == 0) {
                ObjectNode state = json.objectNode().put("counter", next).put("payload", payload(next));
                version = repo.save(base.toBuilder().state(state).build(), version);
            } else {
                FlowSnapshotDelta.Builder delta = FlowSnapshotDelta.builder().updatedAt(java.time.Instant.now())
                        .setState("counter", json.numberNode(next))
                        .setState("payload", json.textNode(payload(next)))
                        .result("step" + next, json.numberNode(next))
                        .completedStep("step" + next);
                if (next % 10 == 5) {
                    delta.status(FlowStatus.COMPLETED);
                }
                version = repo.saveDelta(RUN, delta.build(), version);
            }
            System.out.println("committed " + version);
            System.out.flush();
        }
    }
}
