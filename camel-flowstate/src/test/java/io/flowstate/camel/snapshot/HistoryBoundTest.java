package io.flowstate.camel.snapshot;

import java.time.Instant;
import java.util.List;

import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run of 100,000 steps, each checkpoint a delta with one STEP_COMPLETED event, stores a bounded history: its last
 * maxHistory (1000) events and the count of all of them, so the stored run is as large after 100,000 steps as after
 * 2,000 (about 90 KB, the size of 1000 events).
 */
class HistoryBoundTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void aHundredThousandStepRunKeepsItsLastThousandEventsAndCountsAll() {
        FlowSnapshotCodec codec = new FlowSnapshotCodec();
        MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
        repository.start();
        String id = "01a20736-0000-7000-8000-00000000a100";
        repository.save(FlowSnapshot.builder().executionId(id).flowId("long").status(FlowStatus.RUNNING).createdAt(T0)
                .history(List.of(HistoryEvent.of(HistoryEvent.Type.STARTED, T0).build()), 1000).build(), 0);
        int sizeAfter2000 = 0;
        for (int step = 1; step <= 100_000; step++) {
            Instant at = T0.plusMillis(step);
            repository.saveDelta(id, FlowSnapshotDelta.builder().updatedAt(at)
                    .event(HistoryEvent.of(HistoryEvent.Type.STEP_COMPLETED, at).step("s" + (100_000 + step))
                            .durationMs(1).build())
                    .maxHistory(1000).build(), step);
            if (step == 2000) {
                sizeAfter2000 = codec.encode(repository.load(id).orElseThrow(), step + 1).length;
            }
        }

        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.historyEvents()).hasSize(1000);
        assertThat(stored.historyEvents().get(0).json().get("step").asText()).isEqualTo("s199001");
        assertThat(stored.historyEvents().get(999).json().get("step").asText()).isEqualTo("s200000");
        assertThat(stored.historyCounts()).containsEntry(HistoryEvent.Type.STEP_COMPLETED, 100_000L)
                .containsEntry(HistoryEvent.Type.STARTED, 1L);
        // only the digits of the version and of the STEP_COMPLETED count grow (2001 -> 100001, 2000 -> 100000)
        assertThat(codec.encode(stored, stored.version()).length).isBetween(sizeAfter2000, sizeAfter2000 + 4);
        repository.stop();
    }
}
