package io.flowstate.camel.nodes;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.RepositoryUnavailableException;
import io.flowstate.camel.snapshot.jdbc.DurablePostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections killed by the server ({@code pg_terminate_backend}) every 50 ms while runs checkpoint: a lost connection
 * is the repository's failure, not the flow's. No run ends FAILED; a run whose checkpoint met a dead connection stays
 * RUNNING as stored and recovery completes it, with its state exact; a step's effect is applied again only after an
 * attempt of it lost its connection.
 */
class TerminatedConnectionTest {

    private static final String APPLICATION = "flowstate-terminated";
    private static final int RUNS = 120;
    private static final int STEPS = 5;

    @TempDir
    Path dir;

    private EmbeddedPostgres postgres;
    private HikariDataSource pool;
    private CamelContext context;

    @AfterEach
    void stop() throws Exception {
        if (context != null) {
            context.stop();
        }
        if (pool != null) {
            pool.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void runsWhoseConnectionIsTerminatedMidCheckpointAreRecoveredNotFailed() throws Exception {
        postgres = DurablePostgres.start(dir.resolve("pg"), 0);
        String url = postgres.getJdbcUrl("postgres", "postgres");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setMaximumPoolSize(8);
        config.setConnectionTimeout(5_000);
        config.addDataSourceProperty("ApplicationName", APPLICATION);
        pool = new HikariDataSource(config);
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
        context = new DefaultCamelContext();
        FlowStateComponent flowstate = context.getComponent("flowstate", FlowStateComponent.class);
        flowstate.setDataSource(pool);
        flowstate.setLeaseDuration(Duration.ofSeconds(1));
        flowstate.setRecoveryInterval(Duration.ofMillis(200));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                RouteDefinition route = from("direct:run").routeId("terminated");
                route.to("flowstate:start:terminated").to("flowstate:snapshot");
                for (int i = 1; i <= STEPS; i++) {
                    int step = i;
                    route.step("s" + step)
                            .process(e -> effects.computeIfAbsent(e.getMessage().getHeader("order") + " s" + step,
                                    k -> new AtomicInteger()).incrementAndGet())
                            .to("flowstate:increment:sum?by=" + step)
                            .end();
                }
            }
        });
        context.start();

        AtomicBoolean terminating = new AtomicBoolean(true);
        AtomicInteger terminated = new AtomicInteger();
        Thread killer = new Thread(() -> terminateEvery50Millis(url, terminating, terminated), "terminator");
        killer.start();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        ProducerTemplate template = context.createProducerTemplate();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            String order = "order-" + i;
            calls.add(callers.submit(() -> {
                Exchange done = template.request("direct:run", e -> e.getMessage().setHeader("order", order));
                if (done.getException() != null) {
                    failures.add(done.getException());
                }
            }));
        }
        for (Future<?> call : calls) {
            call.get(120, TimeUnit.SECONDS);
        }
        callers.shutdown();
        terminating.set(false);
        killer.join(10_000);

        assertThat(terminated.get()).as("backends terminated under the runs").isPositive();
        assertThat(failures).as("calls that met a terminated connection").isNotEmpty()
                .allSatisfy(f -> assertThat(f).isInstanceOf(RepositoryUnavailableException.class));
        // every stored run ends COMPLETED, those that met a dead connection through recovery
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> statuses(url).keySet(), s -> s.equals(java.util.Set.of("COMPLETED")));
        Map<String, Integer> counts = statuses(url);
        assertThat(counts.get("COMPLETED")).as("stored runs: every call that returned, plus those stored before"
                                                + " their connection died").isBetween(RUNS - failures.size(), RUNS);
        for (String id : executionIds(url)) {
            FlowSnapshot run = flowstate.getRepository().load(id).orElseThrow();
            assertThat(run.status()).isEqualTo(FlowStatus.COMPLETED);
            assertThat(run.state().get("sum").intValue()).as("sum of run %s", id).isEqualTo(15);
        }
        // a step re-runs only after an attempt of it lost its connection (on the caller's or a recovering thread)
        assertThat(effects).as("effects applied").hasSize(counts.get("COMPLETED") * STEPS);
        int repeated = effects.values().stream().mapToInt(n -> n.get() - 1).sum();
        assertThat(repeated).as("steps applied again").isLessThanOrEqualTo(terminated.get());
    }

    private static void terminateEvery50Millis(String url, AtomicBoolean terminating, AtomicInteger terminated) {
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
             Statement s = c.createStatement()) {
            while (terminating.get()) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid))"
                                                   + " FROM pg_stat_activity WHERE application_name = '" + APPLICATION
                                                   + "' AND state <> 'idle'")) {
                    rs.next();
                    terminated.addAndGet(rs.getInt(1));
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException("The terminator failed", e);
        }
    }

    private static Map<String, Integer> statuses(String url) throws Exception {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM flowstate_runs GROUP BY status")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getInt(2));
            }
        }
        return counts;
    }

    private static List<String> executionIds(String url) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT execution_id FROM flowstate_runs")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
