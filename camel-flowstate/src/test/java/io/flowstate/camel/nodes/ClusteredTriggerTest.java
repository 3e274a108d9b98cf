package io.flowstate.camel.nodes;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The change-watch flow on two nodes (JVMs) whose camel-quartz schedulers are clustered on a JDBC job store in the
 * shared PostgreSQL: each tick fires on one node only, and a node killed in the middle of a tick loses none of that
 * tick's items (flowstate:changes with commit=onCompletion stored no watermark for it, so a later tick, on the other
 * node, gets them again); the survivor goes on firing.
 */
@Timeout(120)
class ClusteredTriggerTest {

    private static final long ITEM_MILLIS = 300;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> LATE_ITEMS = List.of("i3", "i4", "i5", "i6", "i7");

    private final Cluster cluster = new Cluster();

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void eachTickFiresOnOneNodeAndAKilledNodesTickLosesNoItem() throws Exception {
        String prefix = cluster.tablePrefix();
        cluster.execute(quartzTables(ClusteredWatch.quartzPrefix(prefix)));
        cluster.execute("CREATE TABLE " + ClusteredWatch.sourceTable(prefix) + " (id VARCHAR(40) PRIMARY KEY);"
                        + "INSERT INTO " + ClusteredWatch.sourceTable(prefix) + " VALUES ('i1'), ('i2')");
        List<ClusterNode> nodes = cluster.start(4, ITEM_MILLIS, List.of("watch"), "A", "B");
        for (ClusterNode node : nodes) {
            assertThat(node.lines()).as("node %s's quartz scheduler", node.name)
                    .anyMatch(l -> l.text().startsWith("@@ scheduler ") && l.text().endsWith(" running true"));
        }
        awaitItems(nodes, List.of("i1", "i2"));
        awaitTicks(nodes, ticks(nodes).size() + 4, 0); // a few quiet ticks

        cluster.execute("INSERT INTO " + ClusteredWatch.sourceTable(prefix) + " VALUES "
                        + LATE_ITEMS.stream().map(i -> "('" + i + "')").collect(Collectors.joining(", ")));
        ClusterNode busy = await().atMost(WAIT).until(() -> nodes.stream()
                .filter(n -> !items(n, "i3", 0).isEmpty()).findFirst().orElse(null), n -> n != null);
        busy.kill();
        long killed = System.nanoTime();
        ClusterNode survivor = nodes.get(0) == busy ? nodes.get(1) : nodes.get(0);
        assertThat(items(busy, "i7", 0)).as("%s was killed in the middle of the tick: it had not reached i7", busy.name)
                .isEmpty();

        awaitItems(List.of(survivor), LATE_ITEMS);
        awaitTicks(List.of(survivor), 3, killed); // it goes on firing

        Map<Long, Long> firingsPerTick = ticks(nodes).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(firingsPerTick).as("scheduled fire time -> how many firings on any node")
                .allSatisfy((tick, firings) -> assertThat(firings).isEqualTo(1L));
        long firstTickAfterKill = survivor.lines().stream().filter(l -> l.nanos() > killed && isTick(l))
                .mapToLong(ClusterNode.Line::nanos).min().orElseThrow();
        long lastItemAfterKill = LATE_ITEMS.stream().mapToLong(i -> items(survivor, i, killed).get(0).nanos()).max()
                .orElseThrow();
        Map<String, Long> ticksPerNode = nodes.stream().collect(Collectors.toMap(n -> n.name,
                n -> n.lines().stream().filter(ClusteredTriggerTest::isTick).count()));
        Map<String, Long> timesProcessed = nodes.stream().flatMap(n -> n.lines().stream())
                .filter(l -> l.text().startsWith("@@ item ")).map(l -> l.text().split(" ")[2])
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        List<String> reachedByKilled = LATE_ITEMS.stream().filter(i -> !items(busy, i, 0).isEmpty()).toList();
        assertThat(timesProcessed).as("times each item was processed: once, or twice where the killed node had begun it")
                .allSatisfy((item, times) -> assertThat(times).isEqualTo(reachedByKilled.contains(item) ? 2L : 1L));
        System.out.printf("clustered quartz on two nodes (cron every 1 s): %d ticks, each fired once (per node: %s);"
                          + " %s killed mid-tick, %s's first tick %d ms after the kill, the killed tick's items all"
                          + " processed %d ms after the kill; times each item was processed: %s%n", firingsPerTick.size(),
                ticksPerNode, busy.name, survivor.name, TimeUnit.NANOSECONDS.toMillis(firstTickAfterKill - killed),
                TimeUnit.NANOSECONDS.toMillis(lastItemAfterKill - killed), timesProcessed);
    }

    private static String quartzTables(String prefix) throws Exception {
        try (InputStream in = ClusteredTriggerTest.class.getClassLoader()
                .getResourceAsStream("org/quartz/impl/jdbcjobstore/tables_postgres.sql")) {
            String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return script.lines().filter(l -> !l.trim().startsWith("--")).collect(Collectors.joining("\n"))
                    .replace("QRTZ_", prefix).replace("COMMIT;", "");
        }
    }

    private static boolean isTick(ClusterNode.Line line) {
        return line.text().startsWith("@@ tick ");
    }

    /** The scheduled fire times of every firing on any node (the killed one too). */
    private static List<Long> ticks(List<ClusterNode> nodes) {
        return nodes.stream().flatMap(n -> n.lines().stream()).filter(ClusteredTriggerTest::isTick)
                .map(l -> Long.valueOf(l.text().split(" ")[2])).toList();
    }

    /** The lines of {@code node} saying it processed item {@code id}, printed after {@code sinceNanos}. */
    private static List<ClusterNode.Line> items(ClusterNode node, String id, long sinceNanos) {
        return node.lines().stream().filter(l -> l.nanos() > sinceNanos && l.text().startsWith("@@ item " + id + " "))
                .toList();
    }

    private static void awaitTicks(List<ClusterNode> nodes, int count, long sinceNanos) {
        awaitOrShowOutput(nodes, count + " ticks", () -> nodes.stream().flatMap(n -> n.lines().stream())
                .filter(l -> l.nanos() > sinceNanos && isTick(l)).count() >= count);
    }

    private static void awaitItems(List<ClusterNode> nodes, List<String> ids) {
        for (String id : ids) {
            awaitOrShowOutput(nodes, "item " + id + " processed",
                    () -> nodes.stream().anyMatch(n -> !items(n, id, 0).isEmpty()));
        }
    }

    /** Waits (bounded) for {@code condition}; on a timeout, the failure shows the nodes' output until then. */
    private static void awaitOrShowOutput(List<ClusterNode> nodes, String what, Callable<Boolean> condition) {
        try {
            await(what).atMost(WAIT).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("No " + what + " within " + WAIT + "; output of the nodes:\n" + outputs(nodes), e);
        }
    }

    private static String outputs(List<ClusterNode> nodes) {
        return nodes.stream().map(n -> "--- " + n.name + "\n" + n.output()).collect(Collectors.joining());
    }
}
