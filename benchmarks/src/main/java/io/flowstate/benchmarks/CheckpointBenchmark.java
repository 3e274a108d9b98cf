package io.flowstate.benchmarks;

import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 3's checkpoint targets, measured through the repository SPI with each repository's default options, one
 * thread, against the raw durable write of the whole run document on the same medium (see {@link CheckpointStore}):
 * <ul>
 * <li>{@link #checkpoint}, {@link #fullSave}, {@link #rawWrite} (param {@code stateBytes}): a run of about 1 KB (and
 * 16 KB, 256 KB) of state, each step changing one key and replacing one step result. The run does not grow (its
 * results cycle through 16 step names), so this is the steady per-step cost, compactions included. The raw write
 * writes the same bytes as {@link #fullSave}: the whole encoded run.</li>
 * <li>{@link #checkpointAfterSteps} (param {@code completedSteps}): a run that already completed N steps (each with its
 * result), then 1,000 more steps, each changing one key, adding a result and completing a step. Per checkpoint,
 * averaged over the 1,000 (so compactions are included at their real rate); a new run per invocation.</li>
 * <li>{@link #appendToList} (param {@code listItems}): a run with a list of N items of 100 characters, then 1,000 steps
 * each appending one item (and replacing one step result); per checkpoint, a new run per invocation.</li>
 * </ul>
 * Run (about 15 minutes on 2 cores; on a shared machine also run {@link CheckpointPairs}):
 * {@code java -jar benchmarks/target/benchmarks.jar CheckpointBenchmark -f 1 -wi 3 -i 5 -w 1 -r 2}; one repository:
 * add {@code -p repository=postgres}. Each trial prints the byte sizes it writes ({@code [checkpoint-bytes]} lines).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CheckpointBenchmark {

    /** Checkpoints per invocation of the series that start from a fresh run. */
    public static final int WINDOW = 1000;

    /** The medium: a started repository and its raw write, one per trial (one PostgreSQL server per trial). */
    @State(Scope.Benchmark)
    public static class Store {
        @Param({ "file", "h2", "postgres" })
        public String repository;

        CheckpointStore store;

        @Setup(Level.Trial)
        public void open() throws Exception {
            store = CheckpointStore.open(repository);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            store.close();
        }

        FlowSnapshotRepository repo() {
            return store.repository;
        }
    }

    /** A run that loops over its steps without growing. */
    @State(Scope.Benchmark)
    public static class SteadyRun {
        @Param({ "1024", "16384", "262144" })
        public int stateBytes;

        final String id = "steady-1";
        FlowSnapshot snapshot;
        byte[] document;
        int keys;
        long version;
        long step;

        @Setup(Level.Trial)
        public void save(Store store) {
            keys = CheckpointRuns.keysFor(stateBytes);
            ObjectNode state = CheckpointRuns.state(keys);
            snapshot = CheckpointRuns.steadyRun(id, state);
            version = store.repo().save(snapshot, 0);
            FlowSnapshotCodec codec = new FlowSnapshotCodec();
            document = codec.encode(snapshot, version);
            int stateJson = codec.encodeValue("state", state).length;
            int delta = codec.encodeDelta(id, CheckpointRuns.steadyStep(keys, keys), 1000).length;
            System.out.printf("[checkpoint-bytes] steady stateBytes=%d: state %d B, run document (full save, raw"
                              + " write) %d B, step delta %d B%n", stateBytes, stateJson, document.length, delta);
        }
    }

    /** A new run per invocation that already completed {@code completedSteps} steps. */
    @State(Scope.Benchmark)
    public static class AgedRun {
        @Param({ "0", "100", "1000", "10000" })
        public int completedSteps;

        final int keys = CheckpointRuns.keysFor(1024);
        String id;
        long version;
        int runs;

        @Setup(Level.Invocation)
        public void newRun(Store store) {
            if (id != null) {
                store.repo().delete(id, version);
            }
            id = "aged-" + (++runs);
            FlowSnapshot run = CheckpointRuns.runAfter(id, CheckpointRuns.state(keys), completedSteps);
            version = store.repo().save(run, 0);
            if (runs == 1) {
                FlowSnapshotCodec codec = new FlowSnapshotCodec();
                System.out.printf("[checkpoint-bytes] completedSteps=%d: run document %d B at the start, step delta"
                                  + " %d B%n", completedSteps, codec.encode(run, 1).length,
                        codec.encodeDelta(id, CheckpointRuns.newStep(completedSteps, keys), 2).length);
            }
        }
    }

    /** A new run per invocation with a list of {@code listItems} items. */
    @State(Scope.Benchmark)
    public static class ListRun {
        @Param({ "0", "1000", "10000" })
        public int listItems;

        String id;
        long version;
        int runs;

        @Setup(Level.Invocation)
        public void newRun(Store store) {
            if (id != null) {
                store.repo().delete(id, version);
            }
            id = "list-" + (++runs);
            ObjectNode state = CheckpointRuns.state(CheckpointRuns.keysFor(1024));
            state.set("items", CheckpointRuns.list(listItems));
            FlowSnapshot run = CheckpointRuns.steadyRun(id, state);
            version = store.repo().save(run, 0);
            if (runs == 1) {
                FlowSnapshotCodec codec = new FlowSnapshotCodec();
                System.out.printf("[checkpoint-bytes] listItems=%d: run document %d B at the start, append delta"
                                  + " %d B%n", listItems, codec.encode(run, 1).length,
                        codec.encodeDelta(id, CheckpointRuns.appendStep(listItems), 2).length);
            }
        }
    }

    /** One step checkpoint: a delta with one state key and one step result. */
    @Benchmark
    public long checkpoint(Store store, SteadyRun run) {
        long n = run.keys + run.step++;
        run.version = store.repo().saveDelta(run.id, CheckpointRuns.steadyStep(n, run.keys), run.version);
        return run.version;
    }

    /** The whole run saved again: what a checkpoint would cost without deltas (and what a first save costs). */
    @Benchmark
    public long fullSave(Store store, SteadyRun run) {
        run.version = store.repo().save(run.snapshot, run.version);
        return run.version;
    }

    /** The baseline: the whole run document written durably by hand on the same medium, no repository. */
    @Benchmark
    public byte[] rawWrite(Store store, SteadyRun run) throws Exception {
        store.store.raw.write(run.document);
        return run.document;
    }

    /** Per checkpoint, over steps N+1 to N+1000 of a run that already completed N steps. */
    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public long checkpointAfterSteps(Store store, AgedRun run) {
        FlowSnapshotRepository repo = store.repo();
        for (int i = 0; i < WINDOW; i++) {
            long n = run.completedSteps + i;
            run.version = repo.saveDelta(run.id, CheckpointRuns.newStep(n, run.keys), run.version);
        }
        return run.version;
    }

    /** Per checkpoint, over 1,000 steps each appending one item to a list that starts with N items. */
    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public long appendToList(Store store, ListRun run) {
        FlowSnapshotRepository repo = store.repo();
        for (int i = 0; i < WINDOW; i++) {
            run.version = repo.saveDelta(run.id, CheckpointRuns.appendStep(run.listItems + i), run.version);
        }
        return run.version;
    }
}
