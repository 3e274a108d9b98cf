package io.flowstate.camel.snapshot;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.support.InvalidIdentifierException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract every {@link FlowSnapshotRepository} keeps. A subclass gives a fresh, isolated store per test; each
 * nested class is one capability, each test one behaviour named as the rule it guards.
 */
public abstract class AbstractFlowSnapshotRepositoryTest {

    protected static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    protected FlowSnapshotRepository repository;

    /** A new, empty, not yet started repository, isolated from every other test's. */
    protected abstract FlowSnapshotRepository createRepository() throws Exception;

    /** Releases what {@link #createRepository()} made (the repository is already stopped). */
    protected void destroyRepository(FlowSnapshotRepository repository) throws Exception {
    }

    /**
     * A second repository instance on the same store as {@link #repository} (another node), not started; null when
     * the implementation cannot share a store (memory, file). Tests that need two nodes on one store live in the JDBC
     * contract test, so repositories that cannot share one do not report them as skipped.
     */
    protected FlowSnapshotRepository createSecondRepositoryOnSameStore() throws Exception {
        return null;
    }

    /**
     * The bytes the store holds for the last delta of a run (a file's last log line, a delta row), or -1 when it holds
     * none or the implementation keeps no encoded deltas (memory).
     */
    protected long lastDeltaBytes(String executionId) throws Exception {
        return -1;
    }

    /** All bytes the store holds for a run (snapshot and deltas), or -1 when the implementation cannot tell (memory). */
    protected long storedBytes(String executionId) throws Exception {
        return -1;
    }

    @BeforeEach
    void startRepository() throws Exception {
        repository = createRepository();
        repository.start();
    }

    @AfterEach
    void stopRepository() throws Exception {
        if (repository != null) {
            repository.stop();
            destroyRepository(repository);
        }
    }

    // ---------------------------------------------------------------- fixtures

    protected static FlowSnapshot.Builder run(String executionId, String flowId) {
        ObjectNode input = JSON.objectNode();
        input.put("body", "order-1");
        input.putObject("headers").put("source", "test");
        ObjectNode state = JSON.objectNode();
        state.put("count", 1);
        return FlowSnapshot.builder()
                .executionId(executionId)
                .flowId(flowId)
                .routeId("route-" + flowId)
                .status(FlowStatus.RUNNING)
                .createdAt(T0)
                .updatedAt(T0)
                .input(input)
                .state(state);
    }

    protected static FlowSnapshot.Builder run(String executionId) {
        return run(executionId, "orders");
    }

    protected FlowSnapshot loaded(String executionId) {
        Optional<FlowSnapshot> s = repository.load(executionId);
        assertThat(s).as("run %s is stored", executionId).isPresent();
        return s.get();
    }

    protected static FlowSnapshotDelta.Builder delta() {
        return FlowSnapshotDelta.builder().updatedAt(T0.plusSeconds(1));
    }

    /** Runs {@code task} on {@code threads} threads released together; returns their results. */
    protected static <T> List<T> race(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.call();
                }));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Adds one to a persistent counter with compare-and-set, retrying on conflict. */
    protected static int casIncrement(FlowSnapshotRepository repo, String namespace, String key) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            Optional<VersionedValue> current = repo.getValue(namespace, key);
            long version = current.map(VersionedValue::version).orElse(0L);
            int value = current.map(v -> v.value().intValue()).orElse(0);
            try {
                repo.putValue(namespace, key, JSON.numberNode(value + 1), version);
                return attempt;
            } catch (FlowSnapshotConflictException e) {
                // someone else won this round: read again
            }
        }
        throw new AssertionError("no increment succeeded in 10000 attempts");
    }

    /** The list stored under {@code namespace/key} with {@code item} added: what an append writes. */
    protected static JsonNode appended(FlowSnapshotRepository repo, String namespace, String key, String item) {
        ArrayNode list = repo.getValue(namespace, key).map(v -> ((ArrayNode) v.value()).deepCopy())
                .orElseGet(JSON::arrayNode);
        return list.add(item);
    }

    // ---------------------------------------------------------------- capabilities

    @Nested
    class RoundTrip {

        @Test
        void savedSnapshotLoadsEqualAtVersionOne() {
            FlowSnapshot s = run("r1").build();

            assertThat(repository.save(s, 0)).isEqualTo(1);

            assertThat(loaded("r1")).isEqualTo(s.withVersion(1));
        }

        @Test
        void everyFieldRoundTrips() {
            ObjectNode results = JSON.objectNode();
            results.put("check", 42);
            results.putObject("enrich").put("name", "Ann");
            FlowSnapshot s = run("r-all").status(FlowStatus.SUSPENDED)
                    .updatedAt(T0.plusSeconds(5))
                    .results(results)
                    .completedSteps(List.of("check", "enrich", "split[0]"))
                    .waitingFor("approval")
                    .wakeAt(T0.plusSeconds(3600))
                    .resumeTokenHash("c2hhMjU2LWhhc2g")
                    .resourceNames(List.of("crmClient", "dataSource"))
                    .leaseOwner("node-1")
                    .leaseExpiresAt(T0.plusSeconds(30))
                    .parentExecutionId("parent-1")
                    .contextId("customer-7")
                    .failure("Boom: \"quoted\" and\nnew line")
                    .startedBy("alice@example.com")
                    .approvals(approvals("review", "bob"))
                    .approvalRules(rules())
                    .attempt(3)
                    .build();

            repository.save(s, 0);

            assertThat(loaded("r-all")).isEqualTo(s.withVersion(1));
            assertThat(loaded("r-all").attempt()).isEqualTo(3);
        }

        @Test
        void aRunIsOnItsFirstAttemptUntilARestartSavesItWithTheNext() {
            repository.save(run("r-attempt").status(FlowStatus.FAILED).completedSteps(List.of("a", "b")).build(), 0);
            assertThat(loaded("r-attempt").attempt()).isEqualTo(1);

            // what flowstate:restart saves: the whole run, steps to run again taken out, on the version it read
            repository.save(loaded("r-attempt").toBuilder().status(FlowStatus.RUNNING).attempt(2)
                    .completedSteps(List.of("a")).build(), 1);

            assertThat(loaded("r-attempt").attempt()).isEqualTo(2);
            assertThat(loaded("r-attempt").completedSteps()).containsExactly("a");
            assertThat(loaded("r-attempt").status()).isEqualTo(FlowStatus.RUNNING);
            assertThat(repository.find(FlowSnapshotQuery.builder().status(FlowStatus.RUNNING).build()).items())
                    .extracting(FlowSnapshotSummary::executionId).containsExactly("r-attempt");
            assertThat(repository.find(FlowSnapshotQuery.builder().status(FlowStatus.FAILED).build()).items())
                    .isEmpty();
        }

        @Test
        void aClaimDeltaRecordsTheApprovalAndClearsTheRulesWhileTheStarterStays() throws Exception {
            repository.save(run("d-approval").status(FlowStatus.SUSPENDED).waitingFor("approval")
                    .startedBy("alice").approvals(approvals("review", "bob")).approvalRules(rules()).build(), 0);

            ObjectNode answered = approvals("review", "bob");
            answered.set("approval", approvals("approval", "carol").get("approval"));
            repository.saveDelta("d-approval", delta().status(FlowStatus.RUNNING).waitingFor(null).approvalRules(null)
                    .approvals(answered).build(), 1);

            FlowSnapshot s = loaded("d-approval");
            assertThat(s.approvals()).isEqualTo(answered);
            assertThat(s.approvalRules()).isNull();
            assertThat(s.startedBy()).isEqualTo("alice");
            repository.stop();
            repository.start();
            assertThat(loaded("d-approval")).isEqualTo(s);
        }

        @Test
        void aRunWithoutApproverFieldsStoresNone() {
            repository.save(run("d-plain").build(), 0);

            FlowSnapshot s = loaded("d-plain");
            assertThat(s.startedBy()).isNull();
            assertThat(s.approvals()).isNull();
            assertThat(s.approvalRules()).isNull();
        }

        private ObjectNode approvals(String name, String actor) {
            ObjectNode approvals = JSON.objectNode();
            approvals.putObject(name).put("actor", actor).put("at", T0.plusSeconds(9).toString()).put("timedOut", false);
            return approvals;
        }

        private ObjectNode rules() {
            ObjectNode rules = JSON.objectNode();
            rules.put("selfApproval", false).put("payloadSchema", "classpath:approval.json");
            return rules;
        }

        @Test
        void manyJsonValueTypesRoundTrip() {
            ObjectNode state = JSON.objectNode();
            state.put("string", "héllo ✓ \uD83D\uDE00 \"q\" \\ \t");
            state.put("nulChar", "a\u0000b");
            state.put("emptyString", "");
            state.put("int", Integer.MIN_VALUE);
            state.put("long", Long.MAX_VALUE);
            state.put("bigInteger", new BigInteger("123456789012345678901234567890"));
            state.put("decimal", new BigDecimal("3.141592653589793"));
            state.put("negativeDecimal", new BigDecimal("-0.000125"));
            state.put("true", true);
            state.put("false", false);
            state.putNull("null");
            state.putArray("emptyArray");
            state.putObject("emptyObject");
            ArrayNode mixed = state.putArray("mixed");
            mixed.add(1).add("two").add(new BigDecimal("3.5")).addNull().add(false).addObject().put("deep", JSON.arrayNode().size());
            ObjectNode nested = state.putObject("nested");
            ObjectNode level = nested;
            for (int i = 0; i < 50; i++) {
                level = level.putObject("l" + i);
            }
            level.put("bottom", true);
            state.put("large", "x".repeat(100_000));
            state.put("key with spaces and ünïcode", 1);

            repository.save(run("r-types").state(state).build(), 0);

            assertThat(loaded("r-types").state()).isEqualTo(state);
        }

        @Test
        void loadOfUnknownRunIsEmpty() {
            assertThat(repository.load("never-saved")).isEmpty();
        }

        @Test
        void changingALoadedSnapshotChangesNothingStored() {
            repository.save(run("r-iso").build(), 0);

            loaded("r-iso").state().put("count", 99);

            assertThat(loaded("r-iso").state().get("count").intValue()).isEqualTo(1);
        }

        @Test
        void changingTheSavedNodesAfterSaveChangesNothingStored() {
            ObjectNode state = JSON.objectNode().put("count", 1);
            FlowSnapshot s = run("r-iso2").state(state).build();
            repository.save(s, 0);

            state.put("count", 2);

            assertThat(loaded("r-iso2").state().get("count").intValue()).isEqualTo(1);
        }

        @Test
        void runsDoNotInterfere() {
            repository.save(run("a").state(JSON.objectNode().put("who", "a")).build(), 0);
            repository.save(run("b").state(JSON.objectNode().put("who", "b")).build(), 0);
            repository.saveDelta("a", delta().setState("who", JSON.textNode("a2")).build(), 1);

            assertThat(loaded("a").state().get("who").textValue()).isEqualTo("a2");
            assertThat(loaded("b").state().get("who").textValue()).isEqualTo("b");
            assertThat(loaded("b").version()).isEqualTo(1);
        }

        @Test
        void runsSurviveARestartOfTheRepository() throws Exception {
            repository.save(run("r-restart").build(), 0);
            repository.saveDelta("r-restart", delta().setState("k", JSON.textNode("v")).build(), 1);

            repository.stop();
            repository.start();

            FlowSnapshot s = loaded("r-restart");
            assertThat(s.version()).isEqualTo(2);
            assertThat(s.state().get("k").textValue()).isEqualTo("v");
        }
    }

    /** Decimals exact with their scale, in every place a repository stores JSON; doubles numerically equal. */
    @Nested
    class ExactNumbers {

        private final List<BigDecimal> decimals = List.of(new BigDecimal("1.123456789012345678"),
                new BigDecimal("10.50"), new BigDecimal("5"), new BigDecimal("1E+3"), new BigDecimal("0E-10"),
                new BigDecimal("-0.000125"), new BigDecimal("10000000000000000.01"),
                new BigDecimal("123456789012345678901234567890.123456789012345678901234567890"));

        private ObjectNode decimalsObject() {
            ObjectNode node = JSON.objectNode();
            for (int i = 0; i < decimals.size(); i++) {
                node.put("d" + i, decimals.get(i));
            }
            return node;
        }

        /** Each decimal back as a decimal equal to it, scale included (BigDecimal.equals compares the scale). */
        private void assertExact(JsonNode node, String where) {
            for (int i = 0; i < decimals.size(); i++) {
                JsonNode n = node.get("d" + i);
                assertThat(n.isBigDecimal()).as("%s d%d is a decimal: %s", where, i, n).isTrue();
                assertThat(n.decimalValue()).as("%s d%d", where, i).isEqualTo(decimals.get(i));
            }
        }

        @Test
        void decimalsInASnapshotReadBackExactWithTheirScale() {
            ObjectNode input = JSON.objectNode();
            input.set("body", decimalsObject());
            input.putObject("headers");
            ObjectNode results = JSON.objectNode();
            results.set("quote", decimalsObject());
            repository.save(run("r-dec").input(input).state(decimalsObject()).results(results).build(), 0);

            FlowSnapshot back = loaded("r-dec");

            assertExact(back.state(), "state");
            assertExact(back.input().get("body"), "input");
            assertExact(back.results().get("quote"), "results");
        }

        @Test
        void decimalsInDeltasReadBackExactWithTheirScale() {
            long v = repository.save(run("r-dec-delta").build(), 0);
            v = repository.saveDelta("r-dec-delta", delta().setState("set", decimalsObject())
                    .appendState("list", decimalsObject()).result("quote", decimalsObject()).build(), v);
            repository.saveDelta("r-dec-delta", delta().appendState("list", decimalsObject()).build(), v);

            FlowSnapshot back = loaded("r-dec-delta");

            assertExact(back.state().get("set"), "stateSet");
            assertExact(back.state().get("list").get(0), "stateAppended");
            assertExact(back.state().get("list").get(1), "stateAppended");
            assertExact(back.results().get("quote"), "results");
        }

        @Test
        void persistentDecimalsReadBackExactWithTheirScale() {
            repository.putValue("orders", "amounts", decimalsObject(), 0);
            for (int i = 0; i < decimals.size(); i++) {
                repository.putValue("orders", "d" + i, JSON.numberNode(decimals.get(i)), 0);
            }

            assertExact(repository.getValue("orders", "amounts").orElseThrow().value(), "value");
            assertExact(repository.getValues("orders").get("amounts").value(), "values");
            for (int i = 0; i < decimals.size(); i++) {
                JsonNode n = repository.getValue("orders", "d" + i).orElseThrow().value();
                assertThat(n.isBigDecimal()).as("top-level d%d is a decimal: %s", i, n).isTrue();
                assertThat(n.decimalValue()).isEqualTo(decimals.get(i));
            }
        }

        @Test
        void doublesReadBackNumericallyEqualAndWholeNumbersWhole() {
            double[] doubles = { 0.1, 3.141592653589793, 1.0E16, 1.0E-5, -2.5, 5.0, Double.MAX_VALUE, Double.MIN_VALUE };
            ObjectNode state = JSON.objectNode();
            for (int i = 0; i < doubles.length; i++) {
                state.put("x" + i, doubles[i]);
            }
            state.put("int", 5).put("long", Long.MAX_VALUE).put("big", new BigInteger("123456789012345678901234567890"));
            repository.save(run("r-dbl").state(state).build(), 0);
            repository.putValue("orders", "ratio", JSON.numberNode(0.1), 0);

            ObjectNode back = loaded("r-dbl").state();

            for (int i = 0; i < doubles.length; i++) {
                assertThat(back.get("x" + i).doubleValue()).as("x%d", i).isEqualTo(doubles[i]);
            }
            assertThat(repository.getValue("orders", "ratio").orElseThrow().value().doubleValue()).isEqualTo(0.1);
            assertThat(back.get("int").isInt()).isTrue();
            assertThat(back.get("long").isLong()).isTrue();
            assertThat(back.get("big").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
        }
    }

    @Nested
    class OptimisticVersion {

        @Test
        void saveReturnsExpectedVersionPlusOne() {
            FlowSnapshot s = run("v1").build();
            assertThat(repository.save(s, 0)).isEqualTo(1);
            assertThat(repository.save(s, 1)).isEqualTo(2);
            assertThat(repository.save(s, 2)).isEqualTo(3);
            assertThat(loaded("v1").version()).isEqualTo(3);
        }

        @Test
        void saveAsNewOfAnExistingRunConflictsAndChangesNothing() {
            repository.save(run("v2").build(), 0);

            assertThatThrownBy(() -> repository.save(run("v2").state(JSON.objectNode().put("count", 7)).build(), 0))
                    .isInstanceOf(FlowSnapshotConflictException.class)
                    .hasMessageContaining("v2");

            assertThat(loaded("v2").state().get("count").intValue()).isEqualTo(1);
            assertThat(loaded("v2").version()).isEqualTo(1);
        }

        @Test
        void staleSaveConflictsAndChangesNothing() {
            FlowSnapshot s = run("v3").build();
            repository.save(s, 0);
            repository.save(s.toBuilder().state(JSON.objectNode().put("count", 2)).build(), 1);

            assertThatThrownBy(() -> repository.save(s.toBuilder().state(JSON.objectNode().put("count", 3)).build(), 1))
                    .isInstanceOf(FlowSnapshotConflictException.class)
                    .hasMessageContaining("expected version 1")
                    .hasMessageContaining("2");

            assertThat(loaded("v3").state().get("count").intValue()).isEqualTo(2);
            assertThat(loaded("v3").version()).isEqualTo(2);
        }

        @Test
        void saveOfAnAbsentRunWithAVersionConflicts() {
            assertThatThrownBy(() -> repository.save(run("v4").build(), 3))
                    .isInstanceOf(FlowSnapshotConflictException.class);
            assertThat(repository.load("v4")).isEmpty();
        }

        @Test
        void deltaOnAnAbsentRunConflicts() {
            assertThatThrownBy(() -> repository.saveDelta("v5", delta().setState("a", JSON.numberNode(1)).build(), 1))
                    .isInstanceOf(FlowSnapshotConflictException.class);
            assertThat(repository.load("v5")).isEmpty();
        }

        @Test
        void staleDeltaConflictsAndChangesNothing() {
            repository.save(run("v6").build(), 0);
            repository.saveDelta("v6", delta().setState("count", JSON.numberNode(2)).build(), 1);

            assertThatThrownBy(
                    () -> repository.saveDelta("v6", delta().setState("count", JSON.numberNode(3)).completedStep("x").build(), 1))
                    .isInstanceOf(FlowSnapshotConflictException.class);

            FlowSnapshot s = loaded("v6");
            assertThat(s.version()).isEqualTo(2);
            assertThat(s.state().get("count").intValue()).isEqualTo(2);
            assertThat(s.completedSteps()).isEmpty();
        }

        @Test
        void negativeExpectedVersionIsRejected() {
            assertThatThrownBy(() -> repository.save(run("v7").build(), -1)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void concurrentSavesOfOneVersionHaveExactlyOneWinner() throws Exception {
            repository.save(run("v8").build(), 0);

            List<Boolean> won = race(8, () -> {
                try {
                    repository.saveDelta("v8", delta().setState("winner", JSON.textNode(Thread.currentThread().getName())).build(), 1);
                    return true;
                } catch (FlowSnapshotConflictException e) {
                    return false;
                }
            });

            assertThat(won).containsOnlyOnce(true);
            assertThat(loaded("v8").version()).isEqualTo(2);
        }

        @Test
        void concurrentDeltaIncrementsWithRetryGiveAnExactTotal() throws Exception {
            repository.save(run("v9").state(JSON.objectNode().put("count", 0)).build(), 0);
            int threads = 4;
            int increments = 25;

            race(threads, () -> {
                for (int i = 0; i < increments; i++) {
                    while (true) {
                        FlowSnapshot s = loaded("v9");
                        int next = s.state().get("count").intValue() + 1;
                        try {
                            repository.saveDelta("v9", delta().setState("count", JSON.numberNode(next)).build(), s.version());
                            break;
                        } catch (FlowSnapshotConflictException e) {
                            // lost the race: load again
                        }
                    }
                }
                return null;
            });

            FlowSnapshot s = loaded("v9");
            assertThat(s.state().get("count").intValue()).isEqualTo(threads * increments);
            assertThat(s.version()).isEqualTo(1 + threads * increments);
        }
    }

    @Nested
    class Deltas {

        @Test
        void deltaSetsAndRemovesStateKeys() {
            repository.save(run("d1").state(JSON.objectNode().put("keep", 1).put("drop", 2)).build(), 0);

            long v = repository.saveDelta("d1",
                    delta().setState("added", JSON.objectNode().put("x", true)).removeState("drop").build(), 1);

            FlowSnapshot s = loaded("d1");
            assertThat(v).isEqualTo(2);
            assertThat(s.version()).isEqualTo(2);
            assertThat(s.state()).isEqualTo(JSON.objectNode().put("keep", 1).set("added", JSON.objectNode().put("x", true)));
        }

        @Test
        void deltaAddsResultsAndCompletedStepsInOrder() {
            repository.save(run("d2").build(), 0);

            repository.saveDelta("d2", delta().result("a", JSON.textNode("A")).completedStep("a").build(), 1);
            repository.saveDelta("d2", delta().result("b", JSON.numberNode(2)).completedStep("b").build(), 2);

            FlowSnapshot s = loaded("d2");
            assertThat(s.completedSteps()).containsExactly("a", "b");
            assertThat(s.results()).isEqualTo(JSON.objectNode().put("a", "A").put("b", 2));
        }

        @Test
        void deltaReplacesOnlyTheFieldsItNames() {
            FlowSnapshot base = run("d3").leaseOwner("node-1").leaseExpiresAt(T0.plusSeconds(30)).resourceNames(List.of("db")).build();
            repository.save(base, 0);

            repository.saveDelta("d3", delta().status(FlowStatus.SUSPENDED).waitingFor("approval")
                    .wakeAt(T0.plusSeconds(600)).resumeTokenHash("hash").build(), 1);

            FlowSnapshot s = loaded("d3");
            assertThat(s.status()).isEqualTo(FlowStatus.SUSPENDED);
            assertThat(s.waitingFor()).isEqualTo("approval");
            assertThat(s.wakeAt()).isEqualTo(T0.plusSeconds(600));
            assertThat(s.resumeTokenHash()).isEqualTo("hash");
            assertThat(s.leaseOwner()).isEqualTo("node-1");
            assertThat(s.leaseExpiresAt()).isEqualTo(T0.plusSeconds(30));
            assertThat(s.resourceNames()).containsExactly("db");
            assertThat(s.input()).isEqualTo(base.input());
            assertThat(s.createdAt()).isEqualTo(T0);
            assertThat(s.updatedAt()).isEqualTo(T0.plusSeconds(1));
        }

        @Test
        void deltaSettingFieldsToNullClearsThem() {
            repository.save(run("d4").status(FlowStatus.SUSPENDED).waitingFor("approval").wakeAt(T0)
                    .resumeTokenHash("h").leaseOwner("n").leaseExpiresAt(T0).build(), 0);

            repository.saveDelta("d4", delta().status(FlowStatus.RUNNING).waitingFor(null).wakeAt(null)
                    .resumeTokenHash(null).lease(null, null).failure(null).build(), 1);

            FlowSnapshot s = loaded("d4");
            assertThat(s.status()).isEqualTo(FlowStatus.RUNNING);
            assertThat(s.waitingFor()).isNull();
            assertThat(s.wakeAt()).isNull();
            assertThat(s.resumeTokenHash()).isNull();
            assertThat(s.leaseOwner()).isNull();
            assertThat(s.leaseExpiresAt()).isNull();
        }

        @Test
        void clearStateEmptiesTheStateBeforeItsSets() {
            repository.save(run("d5").state(JSON.objectNode().put("a", 1).put("b", 2)).build(), 0);

            repository.saveDelta("d5", delta().clearState().setState("c", JSON.numberNode(3)).build(), 1);

            assertThat(loaded("d5").state()).isEqualTo(JSON.objectNode().put("c", 3));
        }

        @Test
        void manyDeltasLoadAsTheirMergeAcrossCompactions() {
            FlowSnapshot base = run("d6").build();
            repository.save(base, 0);
            List<FlowSnapshotDelta> deltas = new ArrayList<>();
            for (int i = 1; i <= 120; i++) {
                FlowSnapshotDelta.Builder d = delta().updatedAt(T0.plusSeconds(i))
                        .setState("count", JSON.numberNode(i))
                        .setState("k" + (i % 7), JSON.textNode("v" + i))
                        .result("step" + i, JSON.objectNode().put("n", i))
                        .completedStep("step" + i);
                if (i % 10 == 0) {
                    d.removeState("k3");
                }
                if (i % 25 == 0) {
                    d.lease("node-" + i, T0.plusSeconds(i + 30));
                }
                FlowSnapshotDelta delta = d.build();
                deltas.add(delta);
                assertThat(repository.saveDelta("d6", delta, i)).isEqualTo(i + 1);
            }

            FlowSnapshot expected = FlowSnapshotDelta.merge(base.withVersion(1), deltas, 121, true);
            assertThat(loaded("d6")).isEqualTo(expected);
        }

        @Test
        void fullSaveAfterDeltasReplacesEverything() {
            repository.save(run("d7").build(), 0);
            repository.saveDelta("d7", delta().setState("extra", JSON.numberNode(1)).completedStep("s1").build(), 1);
            FlowSnapshot replacement = run("d7").state(JSON.objectNode().put("only", true)).build();

            assertThat(repository.save(replacement, 2)).isEqualTo(3);
            repository.saveDelta("d7", delta().completedStep("s2").build(), 3);

            FlowSnapshot s = loaded("d7");
            assertThat(s.state()).isEqualTo(JSON.objectNode().put("only", true));
            assertThat(s.completedSteps()).containsExactly("s2");
            assertThat(s.version()).isEqualTo(4);
        }

        @Test
        void deltasSurviveARestartOfTheRepository() throws Exception {
            repository.save(run("d8").build(), 0);
            for (int i = 1; i <= 30; i++) {
                repository.saveDelta("d8", delta().completedStep("s" + i).build(), i);
            }

            repository.stop();
            repository.start();
            repository.saveDelta("d8", delta().completedStep("after").build(), 31);

            FlowSnapshot s = loaded("d8");
            assertThat(s.version()).isEqualTo(32);
            assertThat(s.completedSteps()).hasSize(31).endsWith("s30", "after");
        }
    }

    @Nested
    class Appends {

        private ObjectNode stateWith(String key, JsonNode value) {
            ObjectNode state = JSON.objectNode();
            state.set(key, value);
            return state;
        }

        @Test
        void aThousandSingleItemAppendsLoadAsTheFullListInOrderWithBoundedDeltas() throws Exception {
            repository.save(run("a1").build(), 0);
            String pad = "x".repeat(90);
            ArrayNode expected = JSON.arrayNode();
            long firstDelta = -1;
            int measured = 0;
            for (int i = 1; i <= 1000; i++) {
                JsonNode item = JSON.textNode(String.format("%04d", i) + pad);
                expected.add(item);
                repository.saveDelta("a1", delta().updatedAt(T0.plusSeconds(i)).appendState("items", item)
                        .result("step", JSON.numberNode(i)).build(), i);
                long bytes = lastDeltaBytes("a1");
                if (bytes >= 0) {
                    measured++;
                    if (firstDelta < 0) {
                        firstDelta = bytes;
                    }
                    // the list grows to 100 KB; a delta stays the size of one item (plus a few digits of version)
                    assertThat(bytes).as("delta %d", i).isLessThanOrEqualTo(firstDelta + 8);
                }
            }

            FlowSnapshot s = loaded("a1");
            assertThat(s.version()).isEqualTo(1001);
            assertThat(s.state().get("items")).isEqualTo(expected);
            assertThat(s.state().get("count").intValue()).isEqualTo(1);
            long stored = storedBytes("a1");
            if (stored >= 0) {
                assertThat(measured).as("deltas whose stored size was checked").isGreaterThan(500);
                long snapshotBytes = new FlowSnapshotCodec().encode(s, s.version()).length;
                // stored bytes grow with what changed: the list plus at most about one more snapshot's worth of deltas
                assertThat(stored).isLessThan(3 * snapshotBytes);
            }
        }

        @Test
        void appendingToAnAbsentOrNullKeyCreatesTheList() {
            repository.save(run("a2").state(stateWith("empty", JSON.nullNode())).build(), 0);

            repository.saveDelta("a2", delta().appendState("new", JSON.numberNode(1)).appendState("new", JSON.numberNode(2))
                    .appendState("empty", JSON.textNode("e")).build(), 1);

            FlowSnapshot s = loaded("a2");
            assertThat(s.state().get("new")).isEqualTo(JSON.arrayNode().add(1).add(2));
            assertThat(s.state().get("empty")).isEqualTo(JSON.arrayNode().add("e"));
        }

        @Test
        void appendsOfSeveralKeysAndDeltasKeepTheirOrder() {
            repository.save(run("a3").state(stateWith("a", JSON.arrayNode().add(0))).build(), 0);

            repository.saveDelta("a3", delta().appendState("a", JSON.numberNode(1)).appendState("b", JSON.numberNode(10))
                    .appendState("a", JSON.numberNode(2)).build(), 1);
            repository.saveDelta("a3", delta().appendState("b", JSON.numberNode(11)).appendState("a", JSON.numberNode(3))
                    .setState("other", JSON.textNode("x")).build(), 2);

            FlowSnapshot s = loaded("a3");
            assertThat(s.state().get("a")).isEqualTo(JSON.arrayNode().add(0).add(1).add(2).add(3));
            assertThat(s.state().get("b")).isEqualTo(JSON.arrayNode().add(10).add(11));
            assertThat(s.state().get("other").textValue()).isEqualTo("x");
        }

        @Test
        void clearThenAppendLeavesOnlyTheNewList() {
            repository.save(run("a4").state(JSON.objectNode().put("n", 1).set("a", JSON.arrayNode().add(1).add(2)))
                    .build(), 0);

            repository.saveDelta("a4", delta().clearState().appendState("a", JSON.numberNode(3)).build(), 1);

            assertThat(loaded("a4").state()).isEqualTo(stateWith("a", JSON.arrayNode().add(3)));
        }

        @Test
        void removeThenAppendStartsANewList() {
            repository.save(run("a5").state(stateWith("a", JSON.arrayNode().add(1))).build(), 0);

            repository.saveDelta("a5", delta().removeState("a").appendState("a", JSON.numberNode(2)).build(), 1);

            assertThat(loaded("a5").state().get("a")).isEqualTo(JSON.arrayNode().add(2));
        }

        @Test
        void aSetAfterAppendsInOneDeltaReplacesThem() {
            repository.save(run("a6").state(stateWith("a", JSON.arrayNode().add(1))).build(), 0);

            repository.saveDelta("a6", delta().appendState("a", JSON.numberNode(2))
                    .setState("a", JSON.arrayNode().add(9)).build(), 1);

            assertThat(loaded("a6").state().get("a")).isEqualTo(JSON.arrayNode().add(9));
        }

        @Test
        void appendsAfterASetInOneDeltaApplyToTheSetValue() {
            repository.save(run("a7").state(stateWith("a", JSON.arrayNode().add(1))).build(), 0);

            repository.saveDelta("a7", delta().setState("a", JSON.arrayNode().add(7))
                    .appendState("a", JSON.numberNode(8)).appendState("a", JSON.numberNode(9)).build(), 1);

            assertThat(loaded("a7").state().get("a")).isEqualTo(JSON.arrayNode().add(7).add(8).add(9));
        }

        @Test
        void appendedItemsAreCopied() {
            repository.save(run("a8").build(), 0);
            ObjectNode item = JSON.objectNode().put("v", 1);
            FlowSnapshotDelta d = delta().appendState("a", item).build();
            item.put("v", 2);

            repository.saveDelta("a8", d, 1);
            item.put("v", 3);

            assertThat(loaded("a8").state().get("a")).isEqualTo(JSON.arrayNode().add(JSON.objectNode().put("v", 1)));
        }

        @Test
        void aLoadedListIsNotChangedByLaterAppends() {
            repository.save(run("a9").state(stateWith("a", JSON.arrayNode().add(1))).build(), 0);
            repository.saveDelta("a9", delta().appendState("a", JSON.numberNode(2)).build(), 1);
            FlowSnapshot first = loaded("a9");

            repository.saveDelta("a9", delta().appendState("a", JSON.numberNode(3)).build(), 2);

            assertThat(first.state().get("a")).isEqualTo(JSON.arrayNode().add(1).add(2));
            assertThat(loaded("a9").state().get("a")).isEqualTo(JSON.arrayNode().add(1).add(2).add(3));
        }

        @Test
        void appendsSurviveARestartAndCompactions() throws Exception {
            FlowSnapshot base = run("a10").build();
            repository.save(base, 0);
            List<FlowSnapshotDelta> deltas = new ArrayList<>();
            for (int i = 1; i <= 40; i++) {
                FlowSnapshotDelta.Builder d = delta().updatedAt(T0.plusSeconds(i)).appendState("log", JSON.numberNode(i))
                        .completedStep("s" + i);
                if (i % 9 == 0) {
                    d.setState("log", JSON.arrayNode().add(-i));
                }
                if (i % 13 == 0) {
                    d.appendState("other", JSON.textNode("o" + i));
                }
                deltas.add(d.build());
                repository.saveDelta("a10", deltas.get(i - 1), i);
                if (i == 20) {
                    repository.stop();
                    repository.start();
                }
            }

            FlowSnapshot expected = FlowSnapshotDelta.merge(base.withVersion(1), deltas, 41, true);
            assertThat(loaded("a10")).isEqualTo(expected);
            assertThat(expected.state().get("log")).isEqualTo(JSON.arrayNode().add(-36).add(37).add(38).add(39).add(40));
        }

        @Test
        void appendingToAKeyThatHoldsNoListFailsNamingRunAndKeyWhileOtherRunsLoad() {
            repository.save(run("a11").state(JSON.objectNode().put("n", 1)).build(), 0);
            repository.save(run("a12").build(), 0);

            // memory folds deltas on save and refuses it there; file and JDBC store it and refuse the load
            assertThatThrownBy(() -> {
                repository.saveDelta("a11", delta().appendState("n", JSON.numberNode(2)).build(), 1);
                repository.load("a11");
            }).isInstanceOf(FlowSnapshotFormatException.class).hasMessageContaining("a11").hasMessageContaining("'n'");
            assertThat(loaded("a12").version()).isEqualTo(1);
        }
    }

    @Nested
    class Find {

        @Test
        void findByFlowReturnsOnlyThatFlow() {
            repository.save(run("f1", "orders").build(), 0);
            repository.save(run("f2", "invoices").build(), 0);
            repository.save(run("f3", "orders").build(), 0);

            FlowSnapshotPage page = repository.find(FlowSnapshotQuery.builder().flowId("orders").build());

            assertThat(page.items()).extracting(FlowSnapshotSummary::executionId).containsExactly("f1", "f3");
            assertThat(page.hasNext()).isFalse();
        }

        @Test
        void findByStatusReturnsOnlyThoseStatuses() {
            repository.save(run("s1").status(FlowStatus.RUNNING).build(), 0);
            repository.save(run("s2").status(FlowStatus.SUSPENDED).build(), 0);
            repository.save(run("s3").status(FlowStatus.COMPLETED).build(), 0);
            repository.save(run("s4").status(FlowStatus.FAILED).build(), 0);

            FlowSnapshotPage page = repository.find(
                    FlowSnapshotQuery.builder().status(FlowStatus.SUSPENDED, FlowStatus.FAILED).build());

            assertThat(page.items()).extracting(FlowSnapshotSummary::executionId).containsExactly("s2", "s4");
        }

        @Test
        void findByFlowAndStatusCombinesBoth() {
            repository.save(run("c1", "orders").status(FlowStatus.SUSPENDED).build(), 0);
            repository.save(run("c2", "invoices").status(FlowStatus.SUSPENDED).build(), 0);
            repository.save(run("c3", "orders").status(FlowStatus.RUNNING).build(), 0);

            FlowSnapshotPage page = repository.find(
                    FlowSnapshotQuery.builder().flowId("orders").status(FlowStatus.SUSPENDED).build());

            assertThat(page.items()).extracting(FlowSnapshotSummary::executionId).containsExactly("c1");
        }

        @Test
        void findOrdersByCreationTimeThenId() {
            repository.save(run("late").createdAt(T0.plusSeconds(10)).build(), 0);
            repository.save(run("early-b").createdAt(T0).build(), 0);
            repository.save(run("early-a").createdAt(T0).build(), 0);

            FlowSnapshotPage page = repository.find(FlowSnapshotQuery.builder().build());

            assertThat(page.items()).extracting(FlowSnapshotSummary::executionId)
                    .containsExactly("early-a", "early-b", "late");
        }

        @Test
        void pagesNeitherSkipNorRepeatRuns() {
            Set<String> saved = new HashSet<>();
            for (int i = 0; i < 25; i++) {
                String id = "p" + (char) ('a' + i);
                repository.save(run(id).createdAt(T0.plusMillis(i % 4)).build(), 0);
                saved.add(id);
            }
            List<String> seen = new ArrayList<>();
            String token = null;
            int pages = 0;
            do {
                FlowSnapshotPage page = repository.find(FlowSnapshotQuery.builder().pageSize(10).pageToken(token).build());
                page.items().forEach(s -> seen.add(s.executionId()));
                token = page.nextPageToken();
                pages++;
            } while (token != null && pages < 10);

            assertThat(pages).isEqualTo(3);
            assertThat(seen).hasSize(25).doesNotHaveDuplicates();
            assertThat(new HashSet<>(seen)).isEqualTo(saved);
        }

        @Test
        void summaryCarriesTheIndexedFields() {
            repository.save(run("sum").status(FlowStatus.SUSPENDED).waitingFor("approval").wakeAt(T0.plusSeconds(9))
                    .updatedAt(T0.plusSeconds(2)).build(), 0);

            FlowSnapshotSummary s = repository.find(FlowSnapshotQuery.builder().build()).items().get(0);

            assertThat(s).isEqualTo(new FlowSnapshotSummary("sum", "orders", "route-orders", FlowStatus.SUSPENDED, 1,
                    T0, T0.plusSeconds(2), "approval", T0.plusSeconds(9), null, null, null, 1, null, null));
        }

        @Test
        void findSeesTheStatusADeltaSet() {
            repository.save(run("fd").build(), 0);
            repository.saveDelta("fd", delta().status(FlowStatus.COMPLETED).build(), 1);

            assertThat(repository.find(FlowSnapshotQuery.builder().status(FlowStatus.RUNNING).build()).items()).isEmpty();
            assertThat(repository.find(FlowSnapshotQuery.builder().status(FlowStatus.COMPLETED).build()).items())
                    .extracting(FlowSnapshotSummary::version).containsExactly(2L);
        }

        @Test
        void findWithNoMatchIsAnEmptyLastPage() {
            FlowSnapshotPage page = repository.find(FlowSnapshotQuery.builder().flowId("nothing").build());
            assertThat(page.items()).isEmpty();
            assertThat(page.nextPageToken()).isNull();
        }

        @Test
        void aForgedPageTokenIsRejected() {
            assertThatThrownBy(() -> FlowSnapshotQuery.builder().pageToken("1:'; DROP TABLE x; --").build())
                    .hasMessageContaining("page token");
        }
    }

    /** The runs query of operators (flowstate:runs): every filter, combined, paged by an opaque token. */
    @Nested
    class RunsQuery {

        private List<String> ids(FlowSnapshotQuery.Builder query) {
            return repository.find(query.build()).items().stream().map(FlowSnapshotSummary::executionId).toList();
        }

        @BeforeEach
        void storeRunsOfEveryKind() {
            repository.save(run("q1", "orders").status(FlowStatus.SUSPENDED).waitingFor("approval")
                    .businessKey("A-1").createdAt(T0).updatedAt(T0.plusSeconds(5)).build(), 0);
            repository.save(run("q2", "orders").status(FlowStatus.SUSPENDED).waitingFor("payment")
                    .businessKey("A-2").createdAt(T0.plusSeconds(10)).updatedAt(T0.plusSeconds(60)).build(), 0);
            repository.save(run("q3", "orders").status(FlowStatus.RUNNING).leaseOwner("node-1")
                    .leaseExpiresAt(T0.plusSeconds(90)).createdAt(T0.plusSeconds(20)).updatedAt(T0.plusSeconds(30))
                    .build(), 0);
            repository.save(run("q4", "invoices").status(FlowStatus.SUSPENDED).waitingFor("approval")
                    .businessKey("A-1").createdAt(T0.plusSeconds(30)).updatedAt(T0.plusSeconds(40)).build(), 0);
            repository.save(run("q5", "orders").status(FlowStatus.COMPLETED).businessKey("A-1")
                    .createdAt(T0.plusSeconds(40)).updatedAt(T0.plusSeconds(50)).build(), 0);
            repository.save(run("q6", "orders").status(FlowStatus.RUNNING).leaseOwner("node-2")
                    .leaseExpiresAt(T0.plusSeconds(90)).createdAt(T0.plusSeconds(50)).updatedAt(T0.plusSeconds(70))
                    .build(), 0);
        }

        @Test
        void eachFilterFindsExactlyItsRunsOldestFirst() {
            assertThat(ids(FlowSnapshotQuery.builder().waitingFor("approval"))).containsExactly("q1", "q4");
            assertThat(ids(FlowSnapshotQuery.builder().businessKey("A-1"))).containsExactly("q1", "q4", "q5");
            assertThat(ids(FlowSnapshotQuery.builder().leaseOwner("node-1"))).containsExactly("q3");
            assertThat(ids(FlowSnapshotQuery.builder().status(FlowStatus.RUNNING, FlowStatus.COMPLETED)))
                    .containsExactly("q3", "q5", "q6");
            assertThat(ids(FlowSnapshotQuery.builder().flowId("invoices"))).containsExactly("q4");
        }

        @Test
        void startedAfterAndStartedBeforeAreExclusiveBounds() {
            assertThat(ids(FlowSnapshotQuery.builder().startedAfter(T0.plusSeconds(10))
                    .startedBefore(T0.plusSeconds(40)))).containsExactly("q3", "q4");
            assertThat(ids(FlowSnapshotQuery.builder().startedAfter(T0.plusSeconds(50)))).isEmpty();
        }

        @Test
        void updatedBeforeFindsRunsThatStoppedMovingAsAnInstantOrAsADurationAgo() {
            assertThat(ids(FlowSnapshotQuery.builder().updatedBefore(T0.plusSeconds(50))))
                    .containsExactly("q1", "q3", "q4");
            assertThat(ids(FlowSnapshotQuery.builder().updatedBefore(Duration.ofSeconds(20))
                    .asOf(T0.plusSeconds(70)))).containsExactly("q1", "q3", "q4");
            assertThat(ids(FlowSnapshotQuery.builder().status(FlowStatus.COMPLETED)
                    .updatedBefore(T0.plusSeconds(51)))).containsExactly("q5");
            assertThat(ids(FlowSnapshotQuery.builder().status(FlowStatus.COMPLETED)
                    .updatedBefore(T0.plusSeconds(50)))).isEmpty();
        }

        @Test
        void filtersCombine() {
            assertThat(ids(FlowSnapshotQuery.builder().flowId("orders").status(FlowStatus.SUSPENDED)
                    .waitingFor("approval").businessKey("A-1").startedBefore(T0.plusSeconds(1))
                    .updatedBefore(T0.plusSeconds(6)))).containsExactly("q1");
            assertThat(ids(FlowSnapshotQuery.builder().flowId("orders").status(FlowStatus.RUNNING)
                    .leaseOwner("node-2"))).containsExactly("q6");
            assertThat(ids(FlowSnapshotQuery.builder().flowId("invoices").leaseOwner("node-2"))).isEmpty();
        }

        @Test
        void summariesCarryLastStepAttemptParentBusinessKeyAndWaitingSince() {
            repository.save(run("sm").status(FlowStatus.SUSPENDED).waitingFor("approval").businessKey("K-9")
                    .attempt(3).parentExecutionId("q3").completedSteps(List.of("a", "b"))
                    .createdAt(T0.plusSeconds(100)).updatedAt(T0.plusSeconds(101)).build(), 0);
            repository.saveDelta("sm", delta().completedStep("c").updatedAt(T0.plusSeconds(102)).build(), 1);

            FlowSnapshotSummary s = repository.find(FlowSnapshotQuery.builder().businessKey("K-9").build()).items()
                    .get(0);

            assertThat(s.lastStep()).isEqualTo("c");
            assertThat(s.attempt()).isEqualTo(3);
            assertThat(s.parentExecutionId()).isEqualTo("q3");
            assertThat(s.businessKey()).isEqualTo("K-9");
            assertThat(s.waitingFor()).isEqualTo("approval");
            assertThat(s.waitingSince()).isEqualTo(T0.plusSeconds(102));
            assertThat(repository.find(FlowSnapshotQuery.builder().waitingFor("payment").build()).items().get(0).lastStep())
                    .isNull();
        }

        @Test
        void pagesOfAFilteredQueryNeitherSkipNorRepeatRuns() {
            for (int i = 0; i < 23; i++) {
                repository.save(run("pg" + (char) ('a' + i), "paged").status(FlowStatus.SUSPENDED)
                        .waitingFor("approval").createdAt(T0.plusMillis(i % 3)).build(), 0);
                repository.save(run("other" + (char) ('a' + i), "paged").build(), 0);
            }
            List<String> seen = new ArrayList<>();
            String token = null;
            int pages = 0;
            do {
                FlowSnapshotPage page = repository.find(FlowSnapshotQuery.builder().flowId("paged")
                        .status(FlowStatus.SUSPENDED).pageSize(10).pageToken(token).build());
                page.items().forEach(s -> seen.add(s.executionId()));
                token = page.nextPageToken();
                pages++;
            } while (token != null && pages < 10);

            assertThat(pages).isEqualTo(3);
            assertThat(seen).hasSize(23).doesNotHaveDuplicates().allMatch(id -> id.startsWith("pg"));
        }

        @Test
        void aDurationFilterMeansTheFirstPagesInstantOnEveryPage() {
            FlowSnapshotPage first = repository.find(FlowSnapshotQuery.builder().updatedBefore(Duration.ofSeconds(20))
                    .asOf(T0.plusSeconds(70)).pageSize(1).build());
            List<String> seen = new ArrayList<>(first.items().stream().map(FlowSnapshotSummary::executionId).toList());
            String token = first.nextPageToken();
            while (token != null) {
                // a later page asked at another time still counts back from the first page's
                FlowSnapshotPage page = repository.find(FlowSnapshotQuery.builder().updatedBefore(Duration.ofSeconds(20))
                        .asOf(T0.plusSeconds(1000)).pageSize(1).pageToken(token).build());
                page.items().forEach(s -> seen.add(s.executionId()));
                token = page.nextPageToken();
            }
            assertThat(seen).containsExactly("q1", "q3", "q4");
        }

        @Test
        void aTokenOfAnotherQueryIsRefusedNamingTheFilters() {
            String token = repository.find(FlowSnapshotQuery.builder().flowId("orders").pageSize(1).build())
                    .nextPageToken();

            assertThatThrownBy(() -> FlowSnapshotQuery.builder().flowId("invoices").pageToken(token).build())
                    .hasMessageContaining("belongs to a query with other filters")
                    .hasMessageContaining("flow=invoices");
            assertThat(ids(FlowSnapshotQuery.builder().flowId("orders").pageSize(1).pageToken(token)))
                    .containsExactly("q2");
        }

        @Test
        void aTamperedOrCutTokenIsRefused() {
            String token = repository.find(FlowSnapshotQuery.builder().pageSize(1).build()).nextPageToken();
            char last = token.charAt(10);
            String tampered = token.substring(0, 10) + (last == 'A' ? 'B' : 'A') + token.substring(11);

            for (String bad : List.of(tampered, token.substring(0, token.length() - 2), "1:q1", "%%%")) {
                assertThatThrownBy(() -> FlowSnapshotQuery.builder().pageSize(1).pageToken(bad).build())
                        .as(bad).hasMessageContaining("is not one a page of runs returned");
            }
        }

        @Test
        void badFilterValuesAreRefusedNamingTheValue() {
            assertThatThrownBy(() -> FlowSnapshotQuery.builder().pageSize(1001).build())
                    .hasMessageContaining("1 to 1000").hasMessageContaining("1001");
            assertThatThrownBy(() -> FlowSnapshotQuery.builder().waitingFor("a\nb").build())
                    .isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("waitingFor");
            assertThatThrownBy(() -> FlowSnapshotQuery.builder().businessKey("x".repeat(201)).build())
                    .isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("at most 200");
            assertThatThrownBy(() -> FlowSnapshotQuery.builder().updatedBefore(Duration.ofHours(-1)).build())
                    .hasMessageContaining("PT-1H");
        }
    }

    /** At most one unfinished run per flow and business key, kept by the repository itself. */
    @Nested
    class BusinessKeys {

        private FlowSnapshot.Builder keyed(String id, String key) {
            return run(id).businessKey(key);
        }

        @Test
        void aSecondUnfinishedRunWithTheKeyIsRefusedNamingTheFirstAndNotStored() {
            repository.save(keyed("k1", "order-7").build(), 0);

            assertThatThrownBy(() -> repository.save(keyed("k2", "order-7").status(FlowStatus.SUSPENDED).build(), 0))
                    .isInstanceOfSatisfying(DuplicateBusinessKeyException.class,
                            e -> assertThat(e.getExistingExecutionId()).isEqualTo("k1"))
                    .hasMessageContaining("run k1").hasMessageContaining("order-7");
            assertThat(repository.load("k2")).isEmpty();
            assertThat(loaded("k1").businessKey()).isEqualTo("order-7");
        }

        @Test
        void theKeyIsFreeAgainOnceItsRunFinishesByADeltaOrASave() {
            repository.save(keyed("f1", "order-8").build(), 0);
            repository.saveDelta("f1", delta().status(FlowStatus.COMPLETED).build(), 1);
            repository.save(keyed("f2", "order-8").build(), 0);
            repository.save(keyed("f2", "order-8").status(FlowStatus.FAILED).build(), 1);

            repository.save(keyed("f3", "order-8").build(), 0);

            assertThat(loaded("f3").businessKey()).isEqualTo("order-8");
        }

        @Test
        void theSameKeyInAnotherFlowOrAnotherKeyIsAllowed() {
            repository.save(keyed("o1", "order-9").build(), 0);
            repository.save(run("o2", "invoices").businessKey("order-9").build(), 0);
            repository.save(keyed("o3", "order-10").build(), 0);
            repository.save(run("o4").build(), 0);
            repository.save(run("o5").build(), 0);

            assertThat(repository.load("o2")).isPresent();
            assertThat(repository.load("o3")).isPresent();
        }

        @Test
        void deletingAnUnfinishedRunFreesItsKey() {
            repository.save(keyed("d1", "order-11").build(), 0);
            repository.delete("d1", 1);

            repository.save(keyed("d2", "order-11").build(), 0);

            assertThat(repository.load("d2")).isPresent();
        }

        @Test
        void aFinishedRunMadeUnfinishedAgainIsRefusedWhileAnotherRunHoldsItsKey() {
            repository.save(keyed("r1", "order-12").status(FlowStatus.FAILED).build(), 0);
            repository.save(keyed("r2", "order-12").build(), 0);

            assertThatThrownBy(() -> repository.saveDelta("r1", delta().status(FlowStatus.RUNNING).build(), 1))
                    .isInstanceOfSatisfying(DuplicateBusinessKeyException.class,
                            e -> assertThat(e.getExistingExecutionId()).isEqualTo("r2"));
            assertThatThrownBy(() -> repository.save(keyed("r1", "order-12").build(), 1))
                    .isInstanceOf(DuplicateBusinessKeyException.class);
            assertThat(loaded("r1").status()).isEqualTo(FlowStatus.FAILED);
            assertThat(loaded("r1").version()).isEqualTo(1);

            repository.saveDelta("r2", delta().status(FlowStatus.COMPLETED).build(), 1);
            repository.saveDelta("r1", delta().status(FlowStatus.RUNNING).build(), 1);
            assertThatThrownBy(() -> repository.save(keyed("r3", "order-12").build(), 0))
                    .isInstanceOfSatisfying(DuplicateBusinessKeyException.class,
                            e -> assertThat(e.getExistingExecutionId()).isEqualTo("r1"));
        }

        @Test
        void concurrentSavesOfOneKeyHaveExactlyOneWinner() throws Exception {
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            List<String> outcomes = race(16, () -> {
                String id = "race-" + next.incrementAndGet();
                try {
                    repository.save(keyed(id, "order-13").build(), 0);
                    return "won:" + id;
                } catch (DuplicateBusinessKeyException e) {
                    return "lost:" + e.getExistingExecutionId();
                }
            });

            List<String> won = outcomes.stream().filter(o -> o.startsWith("won:")).toList();
            assertThat(won).hasSize(1);
            String winner = won.get(0).substring(4);
            assertThat(outcomes).filteredOn(o -> o.startsWith("lost:")).hasSize(15)
                    .allMatch(o -> o.equals("lost:" + winner));
            assertThat(repository.find(FlowSnapshotQuery.builder().businessKey("order-13").build()).items())
                    .extracting(FlowSnapshotSummary::executionId).containsExactly(winner);
        }

        @Test
        void aHeldKeySurvivesARestartOfTheRepository() throws Exception {
            repository.save(keyed("s1", "order-14").status(FlowStatus.SUSPENDED).build(), 0);

            repository.stop();
            repository.start();

            assertThatThrownBy(() -> repository.save(keyed("s2", "order-14").build(), 0))
                    .isInstanceOf(DuplicateBusinessKeyException.class).hasMessageContaining("run s1");
        }

        @Test
        void aKeyOverTheLengthLimitOrWithControlCharactersCannotBeStored() {
            assertThatThrownBy(() -> keyed("b1", "x".repeat(201)).build())
                    .isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("201 characters");
            assertThatThrownBy(() -> keyed("b1", "order\n15").build())
                    .isInstanceOf(InvalidIdentifierException.class).hasMessageContaining("U+000A")
                    .hasMessageContaining("order\\u000a15");
            assertThat(repository.load("b1")).isEmpty();
        }
    }

    @Nested
    class ExpiredLeases {

        @Test
        void runningRunsWhoseLeaseEndedAreFound() {
            repository.save(run("l1").leaseOwner("n1").leaseExpiresAt(T0.plusSeconds(10)).build(), 0);
            repository.save(run("l2").leaseOwner("n1").leaseExpiresAt(T0.plusSeconds(100)).build(), 0);

            assertThat(repository.findExpiredLeases(T0.plusSeconds(50), 10))
                    .extracting(FlowSnapshotSummary::executionId).containsExactly("l1");
        }

        @Test
        void aLeaseEndingExactlyNowHasExpired() {
            repository.save(run("l3").leaseOwner("n1").leaseExpiresAt(T0.plusSeconds(10)).build(), 0);

            assertThat(repository.findExpiredLeases(T0.plusSeconds(10), 10)).hasSize(1);
        }

        @Test
        void suspendedAndFinishedRunsAreNeverExpiredLeases() {
            repository.save(run("l4").status(FlowStatus.SUSPENDED).leaseOwner("n1").leaseExpiresAt(T0).build(), 0);
            repository.save(run("l5").status(FlowStatus.COMPLETED).leaseOwner("n1").leaseExpiresAt(T0).build(), 0);
            repository.save(run("l6").status(FlowStatus.FAILED).leaseOwner("n1").leaseExpiresAt(T0).build(), 0);

            assertThat(repository.findExpiredLeases(T0.plusSeconds(3600), 10)).isEmpty();
        }

        @Test
        void runningRunsWithoutALeaseAreNeverExpiredLeases() {
            repository.save(run("l7").build(), 0);

            assertThat(repository.findExpiredLeases(T0.plusSeconds(3600), 10)).isEmpty();
        }

        @Test
        void aLeaseRenewedByADeltaIsNoLongerExpired() {
            repository.save(run("l8").leaseOwner("n1").leaseExpiresAt(T0.plusSeconds(10)).build(), 0);
            repository.saveDelta("l8", delta().lease("n1", T0.plusSeconds(100)).build(), 1);

            assertThat(repository.findExpiredLeases(T0.plusSeconds(50), 10)).isEmpty();
            assertThat(repository.findExpiredLeases(T0.plusSeconds(150), 10))
                    .extracting(FlowSnapshotSummary::version).containsExactly(2L);
        }

        @Test
        void expiredLeasesComeEarliestFirstUpToTheLimit() {
            for (int i = 5; i >= 1; i--) {
                repository.save(run("le" + i).leaseOwner("n").leaseExpiresAt(T0.plusSeconds(i)).build(), 0);
            }

            assertThat(repository.findExpiredLeases(T0.plusSeconds(60), 3))
                    .extracting(FlowSnapshotSummary::executionId).containsExactly("le1", "le2", "le3");
        }
    }

    @Nested
    class DueWakeUps {

        @Test
        void suspendedRunsWhoseWakeAtPassedAreDue() {
            repository.save(run("w1").status(FlowStatus.SUSPENDED).wakeAt(T0.plusSeconds(10)).build(), 0);
            repository.save(run("w2").status(FlowStatus.SUSPENDED).wakeAt(T0.plusSeconds(100)).build(), 0);

            assertThat(repository.findDue(T0.plusSeconds(10), 10))
                    .extracting(FlowSnapshotSummary::executionId).containsExactly("w1");
        }

        @Test
        void suspendedRunsWithoutWakeAtAreNeverDue() {
            repository.save(run("w3").status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 0);

            assertThat(repository.findDue(T0.plusSeconds(3600), 10)).isEmpty();
        }

        @Test
        void runningAndFinishedRunsAreNeverDue() {
            repository.save(run("w4").status(FlowStatus.RUNNING).wakeAt(T0).build(), 0);
            repository.save(run("w5").status(FlowStatus.COMPLETED).wakeAt(T0).build(), 0);

            assertThat(repository.findDue(T0.plusSeconds(3600), 10)).isEmpty();
        }

        @Test
        void aRunResumedByADeltaIsNoLongerDue() {
            repository.save(run("w6").status(FlowStatus.SUSPENDED).wakeAt(T0).build(), 0);
            repository.saveDelta("w6", delta().status(FlowStatus.RUNNING).wakeAt(null).build(), 1);

            assertThat(repository.findDue(T0.plusSeconds(3600), 10)).isEmpty();
        }

        @Test
        void dueRunsComeEarliestFirstUpToTheLimit() {
            for (int i = 5; i >= 1; i--) {
                repository.save(run("wd" + i).status(FlowStatus.SUSPENDED).wakeAt(T0.plusSeconds(i)).build(), 0);
            }

            assertThat(repository.findDue(T0.plusSeconds(60), 2))
                    .extracting(FlowSnapshotSummary::executionId).containsExactly("wd1", "wd2");
        }
    }

    @Nested
    class Counts {

        @Test
        void anEmptyRepositoryCountsNoRunsInEveryStatus() {
            RunCounts counts = repository.countRuns(T0);

            assertThat(counts.byStatus()).containsOnlyKeys(FlowStatus.values()).allSatisfy((s, n) -> assertThat(n).isZero());
            assertThat(counts.byFlow()).isEmpty();
            assertThat(counts.suspended()).isEmpty();
            assertThat(counts.total()).isZero();
            assertThat(counts.dueWakeUps()).isZero();
            assertThat(counts.expiredLeases()).isZero();
        }

        @Test
        void runsAreCountedByFlowAndStatus() {
            repository.save(run("c1", "orders").build(), 0);
            repository.save(run("c2", "orders").status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 0);
            repository.save(run("c3", "orders").status(FlowStatus.COMPLETED).build(), 0);
            repository.save(run("c4", "invoices").status(FlowStatus.COMPLETED).build(), 0);
            repository.save(run("c5", "invoices").status(FlowStatus.FAILED).build(), 0);
            repository.save(run("c6", "invoices").status(FlowStatus.FAILED).build(), 0);
            repository.save(run("c7", "invoices").status(FlowStatus.CANCELLED).build(), 0);

            RunCounts counts = repository.countRuns(T0);

            assertThat(counts.byFlow()).containsOnlyKeys("invoices", "orders");
            assertThat(counts.byFlow().get("orders")).containsExactlyInAnyOrderEntriesOf(Map.of(
                    FlowStatus.RUNNING, 1L, FlowStatus.SUSPENDED, 1L, FlowStatus.COMPLETED, 1L));
            assertThat(counts.byFlow().get("invoices")).containsExactlyInAnyOrderEntriesOf(Map.of(
                    FlowStatus.COMPLETED, 1L, FlowStatus.FAILED, 2L, FlowStatus.CANCELLED, 1L));
            assertThat(counts.byStatus()).containsExactlyInAnyOrderEntriesOf(Map.of(FlowStatus.RUNNING, 1L,
                    FlowStatus.SUSPENDED, 1L, FlowStatus.COMPLETED, 2L, FlowStatus.FAILED, 2L, FlowStatus.CANCELLED, 1L));
            assertThat(counts.total()).isEqualTo(7);
        }

        @Test
        void suspendedRunsAreCountedByWhatTheyWaitForWithTheOldestOnesUpdate() {
            repository.save(run("s1").status(FlowStatus.SUSPENDED).waitingFor("approval").updatedAt(T0.plusSeconds(30))
                    .build(), 0);
            repository.save(run("s2").status(FlowStatus.SUSPENDED).waitingFor("approval").updatedAt(T0.plusSeconds(10))
                    .build(), 0);
            repository.save(run("s3").status(FlowStatus.SUSPENDED).waitingFor("timer").updatedAt(T0.plusSeconds(20))
                    .build(), 0);
            repository.save(run("s4").status(FlowStatus.SUSPENDED).updatedAt(T0.plusSeconds(40)).build(), 0);
            repository.save(run("s5").waitingFor("stale").build(), 0);

            Map<String, RunCounts.Waiting> suspended = repository.countRuns(T0.plusSeconds(60)).suspended();

            assertThat(suspended).containsOnlyKeys("approval", "timer", RunCounts.NOT_NAMED);
            assertThat(suspended.get("approval")).isEqualTo(new RunCounts.Waiting(2, T0.plusSeconds(10)));
            assertThat(suspended.get("timer")).isEqualTo(new RunCounts.Waiting(1, T0.plusSeconds(20)));
            assertThat(suspended.get(RunCounts.NOT_NAMED)).isEqualTo(new RunCounts.Waiting(1, T0.plusSeconds(40)));
        }

        @Test
        void dueWakeUpsAndExpiredLeasesAreCountedAsTheFindsWouldReturnThem() {
            for (int i = 1; i <= 3; i++) {
                repository.save(run("d" + i).status(FlowStatus.SUSPENDED).wakeAt(T0.plusSeconds(i * 10)).build(), 0);
                repository.save(run("e" + i).leaseOwner("n1").leaseExpiresAt(T0.plusSeconds(i * 10)).build(), 0);
            }
            repository.save(run("x1").status(FlowStatus.COMPLETED).wakeAt(T0).leaseOwner("n1").leaseExpiresAt(T0)
                    .build(), 0);
            Instant now = T0.plusSeconds(20);

            RunCounts counts = repository.countRuns(now);

            assertThat(counts.at()).isEqualTo(now);
            assertThat(counts.dueWakeUps()).isEqualTo(repository.findDue(now, 100).size()).isEqualTo(2);
            assertThat(counts.expiredLeases()).isEqualTo(repository.findExpiredLeases(now, 100).size()).isEqualTo(2);
        }

        @Test
        void countsFollowDeltasAndDeletes() {
            repository.save(run("m1").status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 0);
            repository.save(run("m2").build(), 0);
            repository.saveDelta("m1", delta().status(FlowStatus.RUNNING).waitingFor(null).build(), 1);
            repository.saveDelta("m2", delta().status(FlowStatus.COMPLETED).build(), 1);
            repository.save(run("m3").build(), 0);
            repository.delete("m3", 1);

            RunCounts counts = repository.countRuns(T0);

            assertThat(counts.byFlow().get("orders")).containsExactlyInAnyOrderEntriesOf(Map.of(
                    FlowStatus.RUNNING, 1L, FlowStatus.COMPLETED, 1L));
            assertThat(counts.suspended()).isEmpty();
        }
    }

    @Nested
    class ExpiringValues {

        @Test
        void anExpiryIsStoredWithTheValueAndShownByGetAndGetValues() {
            Instant expiresAt = T0.plusSeconds(60);
            long v = repository.putValue("sessions", "s1", JSON.textNode("alice"), 0, expiresAt);

            assertThat(repository.getValue("sessions", "s1"))
                    .contains(new VersionedValue(JSON.textNode("alice"), v, expiresAt));
            assertThat(repository.getValues("sessions"))
                    .containsEntry("s1", new VersionedValue(JSON.textNode("alice"), v, expiresAt));
            assertThat(repository.getValue("sessions", "s1").orElseThrow().isExpired(expiresAt.minusMillis(1))).isFalse();
            assertThat(repository.getValue("sessions", "s1").orElseThrow().isExpired(expiresAt)).isTrue();
        }

        @Test
        void aWriteWithoutExpiryClearsTheExpiry() {
            long v = repository.putValue("sessions", "s1", JSON.numberNode(1), 0, T0);

            long next = repository.putValue("sessions", "s1", JSON.numberNode(2), v);

            assertThat(repository.getValue("sessions", "s1")).contains(new VersionedValue(JSON.numberNode(2), next, null));
        }

        @Test
        void anExpiredValueIsReplacedPresentingItsVersionNotAsNew() {
            long v = repository.putValue("sessions", "s1", JSON.numberNode(1), 0, T0);

            assertThatThrownBy(() -> repository.putValue("sessions", "s1", JSON.numberNode(2), 0, T0.plusSeconds(60)))
                    .isInstanceOf(FlowSnapshotConflictException.class);
            assertThat(repository.getValue("sessions", "s1")).contains(new VersionedValue(JSON.numberNode(1), v, T0));

            long next = repository.putValue("sessions", "s1", JSON.numberNode(2), v, T0.plusSeconds(60));
            assertThat(repository.getValue("sessions", "s1"))
                    .contains(new VersionedValue(JSON.numberNode(2), next, T0.plusSeconds(60)));
        }

        @Test
        void purgeRemovesTheValuesExpiredAtThatTimeInEveryNamespaceAndNoOther() {
            repository.putValue("sessions", "due", JSON.numberNode(1), 0, T0);
            repository.putValue("sessions", "later", JSON.numberNode(2), 0, T0.plusMillis(1));
            repository.putValue("sessions", "forever", JSON.numberNode(3), 0);
            repository.putValue("flowstate:global", "team/crm/token", JSON.numberNode(4), 0, T0.minusSeconds(3600));

            assertThat(repository.purgeExpiredValues(T0)).isEqualTo(2);

            assertThat(repository.getValues("sessions")).containsOnlyKeys("later", "forever");
            assertThat(repository.getValues("flowstate:global")).isEmpty();
            assertThat(repository.purgeExpiredValues(T0)).isZero();
            assertThat(repository.purgeExpiredValues(T0.plusMillis(1))).isEqualTo(1);
            assertThat(repository.getValues("sessions")).containsOnlyKeys("forever");
        }

        @Test
        void aValueRenewedBeforeThePurgeIsKept() {
            long v = repository.putValue("sessions", "s1", JSON.numberNode(1), 0, T0);
            repository.putValue("sessions", "s1", JSON.numberNode(2), v, T0.plusSeconds(60));

            assertThat(repository.purgeExpiredValues(T0.plusSeconds(1))).isZero();
            assertThat(repository.getValue("sessions", "s1").orElseThrow().value()).isEqualTo(JSON.numberNode(2));
        }
    }

    @Nested
    class PersistentValues {

        @Test
        void putReturnsTheVersionGetShowsAndTheNextWriteMustPresent() {
            long first = repository.putValue("orders", "watermark", JSON.textNode("2026-01-01"), 0);

            assertThat(first).isPositive();
            assertThat(repository.getValue("orders", "watermark"))
                    .contains(new VersionedValue(JSON.textNode("2026-01-01"), first));
            assertThat(repository.putValue("orders", "watermark", JSON.textNode("2026-01-02"), first)).isEqualTo(first + 1);
            assertThatThrownBy(() -> repository.putValue("orders", "watermark", JSON.textNode("2026-01-03"), first))
                    .isInstanceOf(FlowSnapshotConflictException.class);
            assertThat(repository.getValue("orders", "watermark"))
                    .contains(new VersionedValue(JSON.textNode("2026-01-02"), first + 1));
        }

        @Test
        void absentValueIsEmpty() {
            assertThat(repository.getValue("orders", "nothing")).isEmpty();
        }

        @Test
        void valuesOfEveryJsonTypeRoundTrip() {
            List<JsonNode> samples = List.of(JSON.nullNode(), JSON.booleanNode(true), JSON.numberNode(7),
                    JSON.numberNode(Long.MIN_VALUE), JSON.numberNode(new BigDecimal("2.5")), JSON.textNode("t\u0000\n"),
                    JSON.arrayNode().add(1).add("a"), JSON.objectNode().put("a", 1).set("b", JSON.arrayNode()));
            for (int i = 0; i < samples.size(); i++) {
                repository.putValue("types", "k" + i, samples.get(i), 0);
            }

            for (int i = 0; i < samples.size(); i++) {
                assertThat(repository.getValue("types", "k" + i).orElseThrow().value()).isEqualTo(samples.get(i));
            }
        }

        @Test
        void putAsNewOfAPresentKeyConflictsAndChangesNothing() {
            long v = repository.putValue("orders", "k", JSON.numberNode(1), 0);

            assertThatThrownBy(() -> repository.putValue("orders", "k", JSON.numberNode(2), 0))
                    .isInstanceOf(FlowSnapshotConflictException.class)
                    .hasMessageContaining("orders/k");

            assertThat(repository.getValue("orders", "k")).contains(new VersionedValue(JSON.numberNode(1), v));
        }

        @Test
        void stalePutConflictsAndChangesNothing() {
            long v1 = repository.putValue("orders", "k", JSON.numberNode(1), 0);
            long v2 = repository.putValue("orders", "k", JSON.numberNode(2), v1);

            assertThatThrownBy(() -> repository.putValue("orders", "k", JSON.numberNode(3), v1))
                    .isInstanceOf(FlowSnapshotConflictException.class);

            assertThat(repository.getValue("orders", "k")).contains(new VersionedValue(JSON.numberNode(2), v2));
        }

        @Test
        void putOfAnAbsentKeyWithAVersionConflicts() {
            assertThatThrownBy(() -> repository.putValue("orders", "k", JSON.numberNode(1), 1))
                    .isInstanceOf(FlowSnapshotConflictException.class);
            assertThat(repository.getValue("orders", "k")).isEmpty();
        }

        @Test
        void deleteWithTheStoredVersionRemovesTheValue() {
            long v = repository.putValue("orders", "k", JSON.numberNode(1), 0);

            repository.deleteValue("orders", "k", v);

            assertThat(repository.getValue("orders", "k")).isEmpty();
            long again = repository.putValue("orders", "k", JSON.numberNode(5), 0);
            assertThat(repository.getValue("orders", "k")).contains(new VersionedValue(JSON.numberNode(5), again));
        }

        @Test
        void staleDeleteConflictsAndKeepsTheValue() {
            long v1 = repository.putValue("orders", "k", JSON.numberNode(1), 0);
            repository.putValue("orders", "k", JSON.numberNode(2), v1);

            assertThatThrownBy(() -> repository.deleteValue("orders", "k", v1))
                    .isInstanceOf(FlowSnapshotConflictException.class);

            assertThat(repository.getValue("orders", "k")).isPresent();
        }

        @Test
        void deleteOfAnAbsentKeyConflicts() {
            assertThatThrownBy(() -> repository.deleteValue("orders", "nothing", 1))
                    .isInstanceOf(FlowSnapshotConflictException.class);
        }

        /**
         * The lost update a version restarting at 1 allowed (ABA): node A reads {@code items} at the version of
         * [a,b,c] and stalls in its append; node B deletes the key and appends x, y, z, which brings a key restarting
         * at 1 back to that same version; A's write then succeeded, losing x, y, z and bringing deleted items back.
         */
        @Test
        void aStaleVersionFromBeforeADeleteIsRefusedAfterTheKeyIsCreatedAgain() throws Exception {
            FlowSnapshotRepository second = createSecondRepositoryOnSameStore();
            FlowSnapshotRepository nodeB = second == null ? repository : second;
            if (second != null) {
                second.start();
            }
            try {
                long v = 0;
                for (String item : List.of("a", "b", "c")) {
                    v = repository.putValue("orders", "items", appended(repository, "orders", "items", item), v);
                }
                VersionedValue readByA = repository.getValue("orders", "items").orElseThrow();
                JsonNode writtenByA = ((ArrayNode) readByA.value()).deepCopy().add("d");

                nodeB.deleteValue("orders", "items", nodeB.getValue("orders", "items").orElseThrow().version());
                long w = 0;
                for (String item : List.of("x", "y", "z")) {
                    w = nodeB.putValue("orders", "items", appended(nodeB, "orders", "items", item), w);
                }

                assertThatThrownBy(() -> repository.putValue("orders", "items", writtenByA, readByA.version()))
                        .isInstanceOf(FlowSnapshotConflictException.class);
                assertThatThrownBy(() -> repository.deleteValue("orders", "items", readByA.version()))
                        .isInstanceOf(FlowSnapshotConflictException.class);
                JsonNode xyz = JSON.arrayNode().add("x").add("y").add("z");
                assertThat(repository.getValue("orders", "items")).contains(new VersionedValue(xyz, w));
                assertThat(nodeB.getValue("orders", "items")).contains(new VersionedValue(xyz, w));
            } finally {
                if (second != null) {
                    second.stop();
                }
            }
        }

        @Test
        void aStaleVersionFromBeforeAClearIsRefusedAfterTheKeyIsCreatedAgain() throws Exception {
            FlowSnapshotRepository second = createSecondRepositoryOnSameStore();
            FlowSnapshotRepository nodeB = second == null ? repository : second;
            if (second != null) {
                second.start();
            }
            try {
                long v = repository.putValue("counters", "total", JSON.numberNode(1), 0);
                v = repository.putValue("counters", "total", JSON.numberNode(2), v);
                long stale = v;

                assertThat(nodeB.deleteValues("counters")).isEqualTo(1); // a counter reset with flowstate:clear
                long w = nodeB.putValue("counters", "total", JSON.numberNode(1), 0);
                w = nodeB.putValue("counters", "total", JSON.numberNode(2), w);

                assertThatThrownBy(() -> repository.putValue("counters", "total", JSON.numberNode(3), stale))
                        .isInstanceOf(FlowSnapshotConflictException.class);
                assertThat(repository.getValue("counters", "total")).contains(new VersionedValue(JSON.numberNode(2), w));
            } finally {
                if (second != null) {
                    second.stop();
                }
            }
        }

        @Test
        void aKeyCreatedAgainNeverShowsAVersionItHadBefore() {
            Set<Long> earlier = new HashSet<>();
            for (int life = 0; life < 5; life++) {
                long v = 0;
                Set<Long> thisLife = new HashSet<>();
                for (int write = 0; write < 3; write++) {
                    v = repository.putValue("orders", "k", JSON.numberNode(write), v);
                    thisLife.add(v);
                }
                assertThat(thisLife).as("versions of life %d", life).noneMatch(earlier::contains);
                earlier.addAll(thisLife);
                repository.deleteValue("orders", "k", v);
            }
        }

        @Test
        void getValuesReturnsOnlyThatNamespace() {
            long a = repository.putValue("orders", "a", JSON.numberNode(1), 0);
            long b = repository.putValue("orders", "b", JSON.numberNode(2), 0);
            b = repository.putValue("orders", "b", JSON.numberNode(3), b);
            repository.putValue("invoices", "a", JSON.numberNode(9), 0);

            assertThat(repository.getValues("orders")).isEqualTo(
                    Map.of("a", new VersionedValue(JSON.numberNode(1), a), "b", new VersionedValue(JSON.numberNode(3), b)));
            assertThat(repository.getValues("empty-namespace")).isEmpty();
        }

        @Test
        void deleteValuesEmptiesOnlyThatNamespace() {
            repository.putValue("orders", "a", JSON.numberNode(1), 0);
            repository.putValue("orders", "b", JSON.numberNode(2), 0);
            repository.putValue("invoices", "a", JSON.numberNode(9), 0);

            assertThat(repository.deleteValues("orders")).isEqualTo(2);

            assertThat(repository.getValues("orders")).isEmpty();
            assertThat(repository.getValues("invoices")).hasSize(1);
        }

        @Test
        void pathKeysOfGlobalValuesWork() {
            repository.putValue("global", "team/crm/config", JSON.objectNode().put("url", "x"), 0);
            repository.putValue("global", "team/crm", JSON.numberNode(1), 0);

            assertThat(repository.getValue("global", "team/crm/config").orElseThrow().value().get("url").textValue())
                    .isEqualTo("x");
            assertThat(repository.getValues("global")).containsOnlyKeys("team/crm/config", "team/crm");
        }

        @Test
        void valuesAndRunsDoNotMix() {
            repository.putValue("orders", "r1", JSON.numberNode(1), 0);
            repository.save(run("r1", "orders").build(), 0);

            assertThat(repository.getValues("orders")).containsOnlyKeys("r1");
            assertThat(repository.find(FlowSnapshotQuery.builder().build()).items()).hasSize(1);
        }

        @Test
        void changingAReadValueChangesNothingStored() {
            repository.putValue("orders", "obj", JSON.objectNode().put("a", 1), 0);

            ((ObjectNode) repository.getValue("orders", "obj").orElseThrow().value()).put("a", 2);

            assertThat(repository.getValue("orders", "obj").orElseThrow().value().get("a").intValue()).isEqualTo(1);
        }

        @Test
        void concurrentCompareAndSetIncrementsGiveAnExactTotal() throws Exception {
            int threads = 4;
            int increments = 50;
            long first = repository.putValue("counters", "total", JSON.numberNode(0), 0);

            race(threads, () -> {
                for (int i = 0; i < increments; i++) {
                    casIncrement(repository, "counters", "total");
                }
                return null;
            });

            VersionedValue v = repository.getValue("counters", "total").orElseThrow();
            assertThat(v.value().intValue()).isEqualTo(threads * increments);
            assertThat(v.version()).isEqualTo(first + threads * increments);
        }
    }

    @Nested
    class AtomicUpdates {

        /** What an increment asks of the repository: the stored number plus one, its expiry kept. */
        private VersionedValue addOne(String namespace, String key) {
            return repository.updateValue(namespace, key, stored -> new ValueUpdate(
                    JSON.numberNode(stored.map(v -> v.value().intValue()).orElse(0) + 1),
                    stored.map(VersionedValue::expiresAt).orElse(null)));
        }

        @Test
        void sixteenThreadsUpdatingOneKeyGiveAnExactTotalWithoutAFailure() throws Exception {
            int threads = 16;
            int each = 100;

            List<Set<Long>> seen = race(threads, () -> {
                Set<Long> totals = new HashSet<>();
                for (int i = 0; i < each; i++) {
                    totals.add(addOne("counters", "hits").value().longValue());
                }
                return totals;
            });

            VersionedValue stored = repository.getValue("counters", "hits").orElseThrow();
            assertThat(stored.value().longValue()).isEqualTo(threads * each);
            // each update returned the total it stored, and no two returned the same one
            Set<Long> all = new HashSet<>();
            seen.forEach(all::addAll);
            assertThat(all).hasSize(threads * each).contains(1L, (long) threads * each);
            assertThat(stored.version()).isGreaterThanOrEqualTo(ValueVersions.FIRST_MIN + threads * each - 1L);
        }

        @Test
        void anUpdateCreatesAnAbsentKeyAndAdvancesThePresentOnesVersionByOne() {
            VersionedValue created = addOne("counters", "new");

            assertThat(created.value()).isEqualTo(JSON.numberNode(1));
            assertThat(created.version()).isBetween(ValueVersions.FIRST_MIN, ValueVersions.FIRST_BOUND);
            VersionedValue next = addOne("counters", "new");
            assertThat(next).isEqualTo(new VersionedValue(JSON.numberNode(2), created.version() + 1));
            assertThat(repository.getValue("counters", "new")).contains(next);
            assertThat(repository.putValue("counters", "new", JSON.numberNode(7), next.version()))
                    .isEqualTo(next.version() + 1);
        }

        @Test
        void anUpdateSeesTheStoredExpiryAndStoresTheOneItIsGiven() {
            Instant expiresAt = T0.plusSeconds(60);
            repository.putValue("sessions", "s1", JSON.numberNode(41), 0, expiresAt);

            VersionedValue kept = addOne("sessions", "s1");

            assertThat(kept.expiresAt()).isEqualTo(expiresAt);
            assertThat(repository.getValue("sessions", "s1").orElseThrow().expiresAt()).isEqualTo(expiresAt);
            repository.updateValue("sessions", "s1", stored -> new ValueUpdate(stored.orElseThrow().value(), null));
            assertThat(repository.getValue("sessions", "s1").orElseThrow())
                    .isEqualTo(new VersionedValue(JSON.numberNode(42), kept.version() + 1, null));
        }

        @Test
        void aChangeThatThrowsChangesNothingAndReachesTheCaller() {
            long v = repository.putValue("counters", "name", JSON.textNode("not a number"), 0);

            assertThatThrownBy(() -> repository.updateValue("counters", "name", stored -> {
                throw new IllegalArgumentException("the value of name is not a number: " + stored.orElseThrow().value());
            })).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the value of name is not a number: \"not a number\"");
            assertThatThrownBy(() -> repository.updateValue("counters", "absent", stored -> {
                throw new IllegalArgumentException("refused");
            })).hasMessage("refused");

            assertThat(repository.getValue("counters", "name")).contains(new VersionedValue(JSON.textNode("not a number"), v));
            assertThat(repository.getValue("counters", "absent")).isEmpty();
        }

        @Test
        void anUpdateOfAnInvalidKeyIsRefusedBeforeItsChangeRuns() {
            assertThatThrownBy(() -> repository.updateValue("counters", "../escape", stored -> {
                throw new AssertionError("the change must not run for an invalid key");
            })).isInstanceOf(InvalidIdentifierException.class);
            assertThat(repository.getValues("counters")).isEmpty();
        }
    }

    @Nested
    class DeleteAndRetention {

        @Test
        void deleteWithTheStoredVersionRemovesTheRun() {
            repository.save(run("x1").build(), 0);
            repository.saveDelta("x1", delta().completedStep("a").build(), 1);

            repository.delete("x1", 2);

            assertThat(repository.load("x1")).isEmpty();
            assertThat(repository.find(FlowSnapshotQuery.builder().build()).items()).isEmpty();
        }

        @Test
        void staleDeleteConflictsAndKeepsTheRun() {
            repository.save(run("x2").build(), 0);
            repository.saveDelta("x2", delta().completedStep("a").build(), 1);

            assertThatThrownBy(() -> repository.delete("x2", 1)).isInstanceOf(FlowSnapshotConflictException.class);

            assertThat(loaded("x2").version()).isEqualTo(2);
        }

        @Test
        void deleteOfAnAbsentRunConflicts() {
            assertThatThrownBy(() -> repository.delete("x3", 1)).isInstanceOf(FlowSnapshotConflictException.class);
        }

        @Test
        void aDeletedRunCanBeStartedAgainWithNothingOfTheOldOne() {
            repository.save(run("x4").build(), 0);
            for (int i = 1; i <= 5; i++) {
                repository.saveDelta("x4", delta().completedStep("old" + i).build(), i);
            }
            repository.delete("x4", 6);

            repository.save(run("x4").build(), 0);
            repository.saveDelta("x4", delta().completedStep("new").build(), 1);

            FlowSnapshot s = loaded("x4");
            assertThat(s.version()).isEqualTo(2);
            assertThat(s.completedSteps()).containsExactly("new");
        }

        @Test
        void purgeRemovesOnlyFinishedRunsOlderThanTheCutoff() {
            repository.save(run("old-done").status(FlowStatus.COMPLETED).updatedAt(T0).build(), 0);
            repository.save(run("old-failed").status(FlowStatus.FAILED).updatedAt(T0).build(), 0);
            repository.save(run("new-done").status(FlowStatus.COMPLETED).updatedAt(T0.plus(Duration.ofDays(8))).build(), 0);
            repository.save(run("old-running").status(FlowStatus.RUNNING).updatedAt(T0).build(), 0);
            repository.save(run("old-suspended").status(FlowStatus.SUSPENDED).updatedAt(T0).build(), 0);

            assertThat(repository.purgeFinished(T0.plus(Duration.ofDays(7)))).isEqualTo(2);

            assertThat(repository.load("old-done")).isEmpty();
            assertThat(repository.load("old-failed")).isEmpty();
            assertThat(repository.load("new-done")).isPresent();
            assertThat(repository.load("old-running")).isPresent();
            assertThat(repository.load("old-suspended")).isPresent();
        }

        @Test
        void purgeSeesAFinishByDelta() {
            repository.save(run("pd").build(), 0);
            repository.saveDelta("pd", delta().updatedAt(T0.plusSeconds(5)).status(FlowStatus.COMPLETED).build(), 1);

            assertThat(repository.purgeFinished(T0.plusSeconds(4))).isZero();
            assertThat(repository.purgeFinished(T0.plusSeconds(6))).isEqualTo(1);
            assertThat(repository.load("pd")).isEmpty();
        }

        @Test
        void purgeCountsAFinishedRunFromItsLastUpdate() {
            repository.save(run("late").status(FlowStatus.COMPLETED).updatedAt(T0).build(), 0);
            repository.saveDelta("late", delta().updatedAt(T0.plusSeconds(10)).setState("note", JSON.textNode("kept")).build(), 1);

            assertThat(repository.purgeFinished(T0.plusSeconds(5))).isZero();
            assertThat(repository.purgeFinished(T0.plusSeconds(11))).isEqualTo(1);
        }

        @Test
        void aFinishedRunRunningAgainIsNotPurged() {
            repository.save(run("again").status(FlowStatus.FAILED).updatedAt(T0).build(), 0);
            repository.saveDelta("again", delta().updatedAt(T0.plusSeconds(1)).status(FlowStatus.RUNNING).build(), 1);

            assertThat(repository.purgeFinished(T0.plus(Duration.ofDays(30)))).isZero();
            assertThat(repository.purgeFinishedBeyond(0)).isZero();
            assertThat(repository.load("again")).get().extracting(FlowSnapshot::status).isEqualTo(FlowStatus.RUNNING);
        }

        @Test
        void capKeepsTheMostRecentlyFinishedRuns() {
            for (int i = 0; i < 6; i++) {
                repository.save(run("cap" + i).status(FlowStatus.COMPLETED).updatedAt(T0.plusSeconds(i)).build(), 0);
            }
            repository.save(run("cap-running").status(FlowStatus.RUNNING).updatedAt(T0.minusSeconds(100)).build(), 0);

            assertThat(repository.purgeFinishedBeyond(2)).isEqualTo(4);

            assertThat(repository.find(FlowSnapshotQuery.builder().build()).items())
                    .extracting(FlowSnapshotSummary::executionId)
                    .containsExactlyInAnyOrder("cap4", "cap5", "cap-running");
        }

        /** An inner run that finished by a checkpoint (a delta), as inner runs do, under a stored parent. */
        private void finishedInnerRun(String id, String parentId, Instant finishedAt) {
            repository.save(run(id, "payment").parentExecutionId(parentId).updatedAt(finishedAt.minusSeconds(1))
                    .build(), 0);
            repository.saveDelta(id, delta().updatedAt(finishedAt).status(FlowStatus.COMPLETED).build(), 1);
        }

        @Test
        void aFinishedInnerRunIsNeverPurgedWhileItsParentIsSuspendedOrRunning() {
            repository.save(run("p-susp").status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 0);
            repository.save(run("p-run").leaseOwner("node-a").leaseExpiresAt(T0.plusSeconds(60)).build(), 0);
            finishedInnerRun("c-of-susp", "p-susp", T0);
            finishedInnerRun("c-of-run", "p-run", T0);
            repository.save(run("plain-old").status(FlowStatus.COMPLETED).updatedAt(T0).build(), 0);

            assertThat(repository.purgeFinished(T0.plus(Duration.ofDays(30)))).isEqualTo(1);
            assertThat(repository.purgeFinishedBeyond(0)).isZero();

            assertThat(repository.load("plain-old")).isEmpty();
            assertThat(loaded("c-of-susp").status()).isEqualTo(FlowStatus.COMPLETED);
            assertThat(loaded("c-of-run").status()).isEqualTo(FlowStatus.COMPLETED);
        }

        @Test
        void aFinishedInnerRunIsPurgedOnceItsParentFinishedOrIsGone() {
            repository.save(run("p-later").status(FlowStatus.SUSPENDED).waitingFor("approval")
                    .updatedAt(T0.plus(Duration.ofDays(20))).build(), 0);
            finishedInnerRun("c-later", "p-later", T0);
            repository.save(run("p-done").status(FlowStatus.COMPLETED).updatedAt(T0.plus(Duration.ofDays(20))).build(), 0);
            finishedInnerRun("c-done", "p-done", T0);
            finishedInnerRun("c-orphan", "p-never-stored", T0);
            Instant cutoff = T0.plus(Duration.ofDays(7));

            assertThat(repository.purgeFinished(cutoff)).isEqualTo(2);
            assertThat(repository.load("c-done")).isEmpty();
            assertThat(repository.load("c-orphan")).isEmpty();
            assertThat(repository.load("c-later")).isPresent();

            // the parent finishes: its inner run is an ordinary finished run from then on
            repository.saveDelta("p-later", delta().updatedAt(T0.plus(Duration.ofDays(21))).status(FlowStatus.FAILED)
                    .build(), 1);
            assertThat(repository.purgeFinished(cutoff)).isEqualTo(1);
            assertThat(repository.load("c-later")).isEmpty();
            assertThat(repository.load("p-later")).isPresent();
            assertThat(repository.load("p-done")).isPresent();
        }

        @Test
        void onlyTheImmediateParentHoldsAFinishedInnerRun() {
            repository.save(run("grand").status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 0);
            finishedInnerRun("middle", "grand", T0);
            finishedInnerRun("leaf", "middle", T0);

            // a finished parent never runs its steps again, so its own inner runs are not needed any more
            assertThat(repository.purgeFinished(T0.plus(Duration.ofDays(30)))).isEqualTo(1);

            assertThat(repository.load("leaf")).isEmpty();
            assertThat(repository.load("middle")).isPresent();
        }

        @Test
        void aHeldInnerRunCountsAmongTheRunsTheCapKeepsAndIsKeptBeyondIt() {
            repository.save(run("holder").status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 0);
            for (int i = 0; i < 4; i++) {
                repository.save(run("cap" + i).status(FlowStatus.COMPLETED).updatedAt(T0.plusSeconds(10 + i)).build(), 0);
            }
            finishedInnerRun("held-new", "holder", T0.plusSeconds(20));

            // the two newest: held-new and cap3
            assertThat(repository.purgeFinishedBeyond(2)).isEqualTo(3);
            assertThat(ids()).containsExactlyInAnyOrder("holder", "held-new", "cap3");

            finishedInnerRun("held-old", "holder", T0);
            repository.save(run("cap4").status(FlowStatus.COMPLETED).updatedAt(T0.plusSeconds(30)).build(), 0);

            // beyond the two newest (cap4, held-new): cap3 goes, held-old stays
            assertThat(repository.purgeFinishedBeyond(2)).isEqualTo(1);
            assertThat(ids()).containsExactlyInAnyOrder("holder", "held-new", "held-old", "cap4");
        }

        @Test
        void anInnerRunSavedWholeAfterItFinishedIsStillHeldByItsParent() {
            repository.save(run("p-whole").status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 0);
            finishedInnerRun("c-whole", "p-whole", T0);
            repository.save(run("c-whole", "payment").parentExecutionId("p-whole").status(FlowStatus.COMPLETED)
                    .updatedAt(T0).build(), 2);

            assertThat(repository.purgeFinished(T0.plus(Duration.ofDays(30)))).isZero();
            assertThat(repository.purgeFinishedBeyond(0)).isZero();
            assertThat(loaded("c-whole").version()).isEqualTo(3);
        }

        private List<String> ids() {
            return repository.find(FlowSnapshotQuery.builder().build()).items().stream()
                    .map(FlowSnapshotSummary::executionId).toList();
        }
    }

    static Stream<String> badIds() {
        return Stream.of("../x", "../../etc/passwd", "a/b", "/abs", "x\u0000y", "'; DROP TABLE x; --", "", ".hidden",
                "a\\b", "new\nline", "x".repeat(201), "a..b", "spa ce");
    }

    static Stream<String> badKeys() {
        return badIds().filter(id -> !id.equals("a/b")); // a/b is a valid path key of a global value
    }

    @Nested
    class BadIds {

        @BeforeEach
        void storeAGoodRun() {
            repository.save(run("good").build(), 0);
            repository.putValue("orders", "good", JSON.numberNode(1), 0);
        }

        @ParameterizedTest
        @MethodSource("io.flowstate.camel.snapshot.AbstractFlowSnapshotRepositoryTest#badIds")
        void loadRejectsABadExecutionId(String id) {
            assertThatThrownBy(() -> repository.load(id)).isInstanceOf(InvalidIdentifierException.class);
            assertThat(loaded("good").version()).isEqualTo(1);
        }

        @ParameterizedTest
        @MethodSource("io.flowstate.camel.snapshot.AbstractFlowSnapshotRepositoryTest#badIds")
        void aSnapshotWithABadIdCannotBeBuilt(String id) {
            assertThatThrownBy(() -> run(id).build()).isInstanceOf(InvalidIdentifierException.class);
            assertThatThrownBy(() -> run("ok", id).build()).isInstanceOf(InvalidIdentifierException.class);
        }

        @ParameterizedTest
        @MethodSource("io.flowstate.camel.snapshot.AbstractFlowSnapshotRepositoryTest#badIds")
        void deltaAndDeleteRejectABadExecutionId(String id) {
            assertThatThrownBy(() -> repository.saveDelta(id, delta().completedStep("a").build(), 1))
                    .isInstanceOf(InvalidIdentifierException.class);
            assertThatThrownBy(() -> repository.delete(id, 1)).isInstanceOf(InvalidIdentifierException.class);
            assertThat(loaded("good").version()).isEqualTo(1);
        }

        @ParameterizedTest
        @MethodSource("io.flowstate.camel.snapshot.AbstractFlowSnapshotRepositoryTest#badIds")
        void valueOperationsRejectABadNamespace(String namespace) {
            assertThatThrownBy(() -> repository.getValue(namespace, "k")).isInstanceOf(InvalidIdentifierException.class);
            assertThatThrownBy(() -> repository.putValue(namespace, "k", JSON.numberNode(1), 0))
                    .isInstanceOf(InvalidIdentifierException.class);
            assertThatThrownBy(() -> repository.getValues(namespace)).isInstanceOf(InvalidIdentifierException.class);
            assertThatThrownBy(() -> repository.deleteValues(namespace)).isInstanceOf(InvalidIdentifierException.class);
            assertThat(repository.getValues("orders")).hasSize(1);
        }

        @ParameterizedTest
        @MethodSource("io.flowstate.camel.snapshot.AbstractFlowSnapshotRepositoryTest#badKeys")
        void valueOperationsRejectABadKey(String key) {
            assertThatThrownBy(() -> repository.getValue("orders", key)).isInstanceOf(InvalidIdentifierException.class);
            assertThatThrownBy(() -> repository.putValue("orders", key, JSON.numberNode(1), 0))
                    .isInstanceOf(InvalidIdentifierException.class);
            assertThatThrownBy(() -> repository.deleteValue("orders", key, 1)).isInstanceOf(InvalidIdentifierException.class);
            assertThat(repository.getValues("orders")).containsOnlyKeys("good");
        }

        @Test
        void aDeltaWithABadStateKeyCannotBeBuilt() {
            assertThatThrownBy(() -> delta().setState("../x", JSON.numberNode(1)))
                    .isInstanceOf(InvalidIdentifierException.class);
        }
    }

    @Nested
    class HistoryAndCancel {

        private HistoryEvent event(HistoryEvent.Type type, int second) {
            return HistoryEvent.of(type, T0.plusSeconds(second)).step("s" + second).build();
        }

        @Test
        void historyEventsOfTheFirstSaveAndOfDeltasReadBackOldestFirst() {
            repository.save(run("h1").history(List.of(HistoryEvent.of(HistoryEvent.Type.STARTED, T0).actor("alice")
                    .build()), 100).build(), 0);
            repository.saveDelta("h1", delta().event(event(HistoryEvent.Type.STEP_COMPLETED, 1)).build(), 1);
            repository.saveDelta("h1", delta().event(event(HistoryEvent.Type.STEP_COMPLETED, 2))
                    .event(HistoryEvent.of(HistoryEvent.Type.COMPLETED, T0.plusSeconds(3)).build())
                    .status(FlowStatus.COMPLETED).build(), 2);

            FlowSnapshot s = loaded("h1");
            assertThat(s.historyEvents()).extracting(HistoryEvent::type).containsExactly(HistoryEvent.Type.STARTED,
                    HistoryEvent.Type.STEP_COMPLETED, HistoryEvent.Type.STEP_COMPLETED, HistoryEvent.Type.COMPLETED);
            assertThat(s.historyEvents().get(0).json().get("actor").asText()).isEqualTo("alice");
            assertThat(s.historyEvents().get(2).json().get("step").asText()).isEqualTo("s2");
            assertThat(s.historyCounts()).containsEntry(HistoryEvent.Type.STEP_COMPLETED, 2L)
                    .containsEntry(HistoryEvent.Type.COMPLETED, 1L);
        }

        @Test
        void aRunKeepsItsLastMaxHistoryEventsAndCountsEveryOne() {
            repository.save(run("h2").build(), 0);
            for (int i = 1; i <= 300; i++) {
                repository.saveDelta("h2", delta().event(event(HistoryEvent.Type.STEP_COMPLETED, i)).maxHistory(20)
                        .build(), i);
            }

            FlowSnapshot s = loaded("h2");
            assertThat(s.historyEvents()).hasSize(20);
            assertThat(s.historyEvents().get(0).json().get("step").asText()).isEqualTo("s281");
            assertThat(s.historyEvents().get(19).json().get("step").asText()).isEqualTo("s300");
            assertThat(s.historyCounts()).containsExactlyEntriesOf(Map.of(HistoryEvent.Type.STEP_COMPLETED, 300L));
        }

        @Test
        void aCancelRequestIsStoredByDeltaAndClearedWithTheCancel() {
            repository.save(run("c1").leaseOwner("node-a").leaseExpiresAt(T0.plusSeconds(30)).build(), 0);
            repository.saveDelta("c1", delta().cancelRequest(T0.plusSeconds(1), "bob", "duplicate order").build(), 1);

            FlowSnapshot requested = loaded("c1");
            assertThat(requested.cancelRequestedAt()).isEqualTo(T0.plusSeconds(1));
            assertThat(requested.cancelActor()).isEqualTo("bob");
            assertThat(requested.cancelReason()).isEqualTo("duplicate order");

            repository.saveDelta("c1", delta().status(FlowStatus.CANCELLED).lease(null, null)
                    .cancelRequest(null, null, null).event(HistoryEvent.of(HistoryEvent.Type.CANCELLED, T0.plusSeconds(2))
                            .actor("bob").reason("duplicate order").build()).build(), 2);

            FlowSnapshot cancelled = loaded("c1");
            assertThat(cancelled.status()).isEqualTo(FlowStatus.CANCELLED);
            assertThat(cancelled.status().isFinished()).isTrue();
            assertThat(cancelled.cancelRequestedAt()).isNull();
            assertThat(cancelled.historyEvents()).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(HistoryEvent.Type.CANCELLED);
                assertThat(e.json().get("reason").asText()).isEqualTo("duplicate order");
            });
        }

        @Test
        void aCancelAtAStaleVersionConflictsAndChangesNothing() {
            repository.save(run("c2").status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 0);
            repository.saveDelta("c2", delta().setState("count", JSON.numberNode(2)).build(), 1);

            assertThatThrownBy(() -> repository.saveDelta("c2", delta().status(FlowStatus.CANCELLED).build(), 1))
                    .isInstanceOf(FlowSnapshotConflictException.class);

            FlowSnapshot s = loaded("c2");
            assertThat(s.status()).isEqualTo(FlowStatus.SUSPENDED);
            assertThat(s.version()).isEqualTo(2);
        }

        @Test
        void cancelledRunsAreFoundByStatusAndPurgedLikeOtherFinishedRuns() {
            repository.save(run("c3").status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 0);
            repository.saveDelta("c3", delta().updatedAt(T0.plusSeconds(5)).status(FlowStatus.CANCELLED).waitingFor(null)
                    .build(), 1);
            repository.save(run("c4").status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 0);

            assertThat(repository.find(FlowSnapshotQuery.builder().status(FlowStatus.CANCELLED).build()).items())
                    .extracting(FlowSnapshotSummary::executionId).containsExactly("c3");
            assertThat(repository.hasEnded("c3")).isTrue();
            assertThat(repository.purgeFinished(T0.plusSeconds(4))).isZero();
            assertThat(repository.purgeFinished(T0.plusSeconds(6))).isEqualTo(1);
            assertThat(repository.load("c3")).isEmpty();
            assertThat(repository.load("c4")).isPresent();
        }

        @Test
        void aFinishedInnerRunOfACancelledParentIsPurged() {
            repository.save(run("p-cancelled").status(FlowStatus.CANCELLED).updatedAt(T0.plus(Duration.ofDays(20)))
                    .build(), 0);
            repository.save(run("c-of-cancelled", "payment").parentExecutionId("p-cancelled").status(FlowStatus.COMPLETED)
                    .build(), 0);

            assertThat(repository.purgeFinished(T0.plus(Duration.ofDays(7)))).isEqualTo(1);
            assertThat(repository.load("c-of-cancelled")).isEmpty();
            assertThat(repository.load("p-cancelled")).isPresent();
        }
    }

    /** For subclasses: every run id stored, via paging. */
    protected List<String> allRunIds() {
        List<String> ids = new ArrayList<>();
        String token = null;
        do {
            FlowSnapshotPage page = repository.find(FlowSnapshotQuery.builder().pageSize(1000).pageToken(token).build());
            page.items().forEach(s -> ids.add(s.executionId()));
            token = page.nextPageToken();
        } while (token != null);
        Collections.sort(ids);
        return ids;
    }
}
