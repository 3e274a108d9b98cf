package io.flowstate.camel.recovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.CheckpointPolicy;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;

/**
 * The durable flow of the crash tests, shared by the child JVMs that are killed and the node that recovers their runs.
 * <p>
 * Route {@code crash}: {@code flowstate:start}, a snapshot (so the run is stored with its input before its first
 * step), then ten steps {@code s1..s10}. Step {@code sI}
 * <ol>
 * <li>applies two effects outside the run: appends {@code "<order> sI"} to the effects file (fsync), and increments the
 * {@code persistent} counter {@code effects.<executionId>.sI} in the repository;</li>
 * <li>updates the run's execution state: {@code sum += I}, appends I to {@code visited};</li>
 * <li>replies with the body it got plus {@code "-sI"}.</li>
 * </ol>
 * With {@code checkpoint=afterEachStep}, a step is saved with its state changes, so a step re-run after a crash applies
 * its effects twice while the execution state and the results stay exact. Named points ({@code after:0},
 * {@code in:I} after a step's effects, {@code after:I} after step I's checkpoint) call a {@link Points} listener: the
 * child JVM uses them to report progress and to stop at a chosen point until it is killed.
 */
final class CrashFlow {

    static final String FLOW = "crash";
    static final String ROUTE = "crash";
    static final int STEPS = 10;
    /** Input header naming the run (kept in the run's stored input, so it is there again after a recovery). */
    static final String ORDER = "order";
    static final Duration LEASE = Duration.ofSeconds(2);
    static final Duration RECOVERY_INTERVAL = Duration.ofMillis(500);

    private CrashFlow() {
    }

    /** Called at the named points of a run: the child JVM prints and may stop there. */
    interface Points {
        void reached(String order, String executionId, String point);
    }

    static String trail(String order, int steps) {
        StringBuilder s = new StringBuilder(order);
        for (int i = 1; i <= steps; i++) {
            s.append("-s").append(i);
        }
        return s.toString();
    }

    static String effectKey(String executionId, int step) {
        return "effects." + executionId + ".s" + step;
    }

    static RouteBuilder routes(Path effectsFile, Points points) {
        EffectsFile effects = new EffectsFile(effectsFile);
        return new RouteBuilder() {
            @Override
            public void configure() {
                RouteDefinition route = from("direct:crash").routeId(ROUTE);
                route.to("flowstate:start:" + FLOW)
                        .to("flowstate:snapshot")
                        .process(e -> reach(points, e, "after:0"));
                for (int i = 1; i <= STEPS; i++) {
                    int step = i;
                    route.step("s" + step)
                            .setProperty("trail", body())
                            .process(e -> effects.append(e.getMessage().getHeader(ORDER, String.class) + " s" + step))
                            .process(e -> e.getMessage().setHeader(FlowStateConstants.KEY, effectKey(executionId(e), step)))
                            .to("flowstate:increment?scope=persistent")
                            .removeHeader(FlowStateConstants.KEY)
                            .to("flowstate:increment:sum?by=" + step)
                            .setHeader(FlowStateConstants.VALUE, constant(step))
                            .to("flowstate:append:visited")
                            .setBody(e -> e.getProperty("trail", String.class) + "-s" + step)
                            .process(e -> reach(points, e, "in:" + step))
                            .end()
                            .process(e -> reach(points, e, "after:" + step));
                }
            }
        };
    }

    private static String executionId(Exchange e) {
        return e.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
    }

    private static void reach(Points points, Exchange e, String point) {
        points.reached(e.getMessage().getHeader(ORDER, String.class), executionId(e), point);
    }

    /** Where a node keeps its runs: {@code file} (a data directory) or {@code h2} (a JDBC URL). */
    record Store(String kind, String location) {

        static Store file(Path dir) {
            return new Store("file", dir.toString());
        }

        static Store h2(Path dir) {
            // WRITE_DELAY=0: every commit reaches the file before it returns (survives a process kill, not power loss)
            return new Store("h2", "jdbc:h2:file:" + dir.resolve("flowstate") + ";WRITE_DELAY=0");
        }

        List<String> args() {
            return List.of(kind, location);
        }
    }

    /** A CamelContext running the crash flow on {@code store}; close it to stop it and release the store. */
    static final class Node implements AutoCloseable {

        final CamelContext context;
        private final HikariDataSource dataSource;

        Node(Store store, Path effectsFile, Points points) throws Exception {
            context = new DefaultCamelContext();
            FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
            component.setLeaseDuration(LEASE);
            component.setRecoveryInterval(RECOVERY_INTERVAL);
            component.setCheckpoint(CheckpointPolicy.AFTER_EACH_STEP);
            if (store.kind().equals("file")) {
                component.setDataDirectory(store.location());
                dataSource = null;
            } else {
                dataSource = dataSource(store.location());
                component.setDataSource(dataSource);
            }
            context.addRoutes(routes(effectsFile, points));
        }

        Node start() {
            context.start();
            return this;
        }

        FlowSnapshotRepository repository() {
            return context.getComponent("flowstate", FlowStateComponent.class).getRepository();
        }

        @Override
        public void close() {
            context.stop();
            if (dataSource != null) {
                dataSource.close();
            }
        }
    }

    static HikariDataSource dataSource(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("sa");
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    /** Opens the store without any CamelContext (to read what a killed node left), started. */
    static StoreReader read(Store store) {
        return new StoreReader(store);
    }

    static final class StoreReader implements AutoCloseable {

        final FlowSnapshotRepository repository;
        private final HikariDataSource dataSource;

        private StoreReader(Store store) {
            if (store.kind().equals("file")) {
                repository = new FileFlowSnapshotRepository(store.location());
                dataSource = null;
            } else {
                dataSource = dataSource(store.location());
                repository = new JdbcFlowSnapshotRepository(dataSource);
            }
            repository.start();
        }

        @Override
        public void close() {
            repository.stop();
            if (dataSource != null) {
                dataSource.close();
            }
        }
    }

    /** An append-only file of effects, one line each, fsync'ed before the step goes on. */
    static final class EffectsFile {

        private final Path path;

        EffectsFile(Path path) {
            this.path = path;
        }

        synchronized void append(String line) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** How often each effect line was applied: {@code "order-1 s5" -> 2}. A torn last line is ignored. */
        static Map<String, Integer> counts(Path path) throws IOException {
            Map<String, Integer> counts = new HashMap<>();
            if (!Files.exists(path)) {
                return counts;
            }
            String text = Files.readString(path, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return counts;
            }
            for (String line : text.substring(0, end).split("\n")) {
                counts.merge(line, 1, Integer::sum);
            }
            return counts;
        }
    }
}
