package io.flowstate.camel.nodes;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;

import static org.apache.camel.builder.Builder.body;
import static org.apache.camel.builder.Builder.exchangeProperty;

/**
 * One node of the multi-JVM tests: a Camel Main application on the shared PostgreSQL, driven through its standard
 * input, one command a line ({@code TAG COMMAND ARGS...}), each run on its own thread; it answers
 * {@code @@ reply TAG ...} on its standard output, where its log goes too.
 * <p>
 * Arguments: {@code jdbcUrl tablePrefix nodeName recoveryThreads leaseMillis recoveryIntervalMillis stepMillis
 * [watch]}; with {@code watch}, the node also runs {@link ClusteredWatch}.
 * Commands: {@code approve} (starts an approval run; replies its id and resume token), {@code resume ID TOKEN}
 * ({@code ok BODY} or {@code error EXCEPTION}), {@code sleep} (starts a run that sleeps 3 s; replies its id),
 * {@code work N} (starts N runs of ten steps without waiting for them; replies {@code started}), {@code count THREADS
 * CALLS} (persistent increments; replies how many were applied and how many failed, printing {@code @@ increment failed
 * EXCEPTION} for each failure), {@code hold
 * N} (starts N runs of flow held, which stop at their first step on this node until it is killed).
 * <p>
 * Prints {@code @@ step ORDER ID STEP NODE} when a step of flow {@code work} starts, {@code @@ woke ID NODE} when a
 * sleeping run wakes.
 */
public final class ClusterNodeMain {

    static final String APPROVAL = "approval";
    static final String SLEEPER = "sleeper";
    static final String WORK = "work";
    static final String COUNTS = "counts";
    static final int WORK_STEPS = 10;
    static final String HELD = "held";
    static final String ORDER = "order";
    /** Input header of flow held: the node whose runs stop at step h1 until it is killed. */
    static final String HOLD_ON = "holdOn";
    private static final ExecutorService HOLDERS = Executors.newCachedThreadPool();

    private ClusterNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String node = args[2];
        long stepMillis = Long.parseLong(args[6]);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setMaximumPoolSize(Integer.parseInt(args[3]) + 8);
        HikariDataSource dataSource = new HikariDataSource(config);
        JdbcFlowSnapshotRepository repository = new JdbcFlowSnapshotRepository(dataSource);
        repository.setTablePrefix(args[1]);
        Main main = new Main();
        main.bind("flowRepo", repository);
        boolean watch = args.length > 7;
        // camel-quartz keeps the CamelContext name in the job it stores, and a node runs only jobs named with its
        // own: clustered nodes must share the name, or a job created by one never runs on another
        main.addInitialProperty("camel.main.name", watch ? ClusteredWatch.CAMEL_CONTEXT_NAME : node);
        main.addInitialProperty("camel.component.flowstate.repository", "#flowRepo");
        main.addInitialProperty("camel.component.flowstate.recoveryThreads", args[3]);
        main.addInitialProperty("camel.component.flowstate.leaseDuration", "PT" + Long.parseLong(args[4]) / 1000.0 + "S");
        main.addInitialProperty("camel.component.flowstate.recoveryInterval",
                "PT" + Long.parseLong(args[5]) / 1000.0 + "S");
        main.configure().addRoutesBuilder(routes(node, stepMillis));
        if (watch) {
            ClusteredWatch.addTo(main, dataSource, url, args[1], node, stepMillis);
        }
        main.start();
        if (watch) {
            ClusteredWatch.reportScheduler(main);
        }
        ProducerTemplate template = main.getCamelContext().createProducerTemplate();
        say("ready " + node);
        ExecutorService commands = Executors.newCachedThreadPool();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split(" ");
            commands.submit(() -> say("reply " + words[0] + " " + run(template, node, words)));
        }
        main.stop();
    }

    private static String run(ProducerTemplate template, String node, String[] words) {
        try {
            switch (words[1]) {
                case "approve": {
                    Map<?, ?> reply = template.requestBody("direct:approval", "order", Map.class);
                    return reply.get("executionId") + " " + reply.get("resumeToken");
                }
                case "resume": {
                    Exchange done = template.request("flowstate:resume", e -> {
                        e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, words[2]);
                        e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, words[3]);
                        e.getMessage().setBody("approved");
                    });
                    return done.getException() == null ? "ok " + done.getMessage().getBody()
                            : "error " + done.getException().getClass().getSimpleName();
                }
                case "sleep": {
                    Map<?, ?> reply = template.requestBody("direct:sleeper", "nap", Map.class);
                    return String.valueOf(reply.get("executionId"));
                }
                case "work": {
                    for (int i = 0; i < Integer.parseInt(words[2]); i++) {
                        String order = words[0] + "-" + i;
                        template.asyncRequestBodyAndHeader("direct:work", order, ORDER, order);
                    }
                    return "started";
                }
                case "hold": {
                    for (int i = 0; i < Integer.parseInt(words[2]); i++) {
                        String order = words[0] + "-" + i;
                        HOLDERS.submit(() -> template.requestBodyAndHeader("direct:held", order, HOLD_ON, node));
                    }
                    return "started";
                }
                case "count":
                    return count(template, Integer.parseInt(words[2]), Integer.parseInt(words[3]));
                default:
                    return "error unknown command " + words[1];
            }
        } catch (RuntimeException e) {
            return "error " + e.getClass().getSimpleName() + " " + e.getMessage();
        }
    }

    private static String count(ProducerTemplate template, int threads, int calls) throws RuntimeException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger applied = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(pool.submit(() -> {
                for (int i = 0; i < calls; i++) {
                    Exchange done = template.request("direct:count", e -> e.getMessage().setBody(1));
                    if (done.getException() == null) {
                        applied.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        System.out.println("@@ increment failed " + done.getException());
                    }
                }
            }));
        }
        try {
            for (Future<?> f : all) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdown();
        }
        return applied.get() + " " + failed.get();
    }

    private static RouteBuilder routes(String node, long stepMillis) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                ProcessorDefinition<?> approval = effect(from("direct:approval").routeId(APPROVAL)
                        .to("flowstate:start:" + APPROVAL)
                        .step("prepare"), "prepare").setBody(constant("prepared")).end()
                        .to("flowstate:suspend:approve");
                effect(approval.step("ship"), "ship").setBody(simple("${body} shipped by " + node)).end();
                effect(from("direct:sleeper").routeId(SLEEPER)
                        .to("flowstate:start:" + SLEEPER)
                        .to("flowstate:sleep:nap?duration=PT3S")
                        .step("woke").process(e -> say("woke " + id(e) + " " + node)), "woke").end();
                from("direct:count").routeId(COUNTS)
                        .to("flowstate:start:" + COUNTS)
                        .to("flowstate:increment:hits?scope=persistent");
                from("direct:held").routeId(HELD)
                        .to("flowstate:start:" + HELD).to("flowstate:snapshot")
                        .step("h1").process(e -> {
                            if (node.equals(e.getMessage().getHeader(HOLD_ON))) {
                                say("holding " + id(e));
                                new CountDownLatch(1).await(); // until the kill
                            }
                        }).end()
                        .step("h2").to("flowstate:increment:sum?by=2").end()
                        .step("h3").to("flowstate:increment:sum?by=3").end();
                RouteDefinition work = from("direct:work").routeId(WORK)
                        .to("flowstate:start:" + WORK).to("flowstate:snapshot");
                for (int i = 1; i <= WORK_STEPS; i++) {
                    int step = i;
                    effect(work.step("s" + step).process(e -> {
                        say("step " + e.getMessage().getHeader(ORDER) + " " + id(e) + " s" + step + " " + node);
                        Thread.sleep(stepMillis);
                    }), "s" + step)
                            .to("flowstate:increment:sum?by=" + step)
                            .setBody(simple("${body}-s" + step))
                            .end();
                }
            }
        };
    }

    /** A step's effect outside its run: a persistent counter per run and step, written in its own commit. */
    private static <T extends ProcessorDefinition<T>> T effect(T step, String name) {
        return step.process(e -> e.getMessage().setHeader(FlowStateConstants.KEY, effectKey(id(e), name)))
                .setProperty("bodyBefore", body())
                .to("flowstate:increment?scope=persistent")
                .setBody(exchangeProperty("bodyBefore"))
                .removeHeader(FlowStateConstants.KEY);
    }

    static String effectKey(String executionId, String step) {
        return "effect." + executionId + "." + step;
    }

    private static String id(Exchange e) {
        return e.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
    }

    static synchronized void say(String line) {
        System.out.println("@@ " + line);
        System.out.flush();
    }
}
