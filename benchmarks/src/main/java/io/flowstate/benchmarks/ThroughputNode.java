package io.flowstate.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.FlowStateConstants;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.apache.camel.model.RouteDefinition;

/**
 * One node of {@link NodesThroughput}: a Camel Main application in its own JVM whose flowstate component uses the JDBC
 * repository with its default options on a Hikari pool of its own ({@link #poolSize}), running workload W1 — a route
 * {@code flowstate:start?checkpoint=afterEachStep} that sets {@value #KEYS} state values (about
 * {@value #STATE_BYTES_APPROX} bytes of JSON state) and then goes through {@value #STEPS} {@code step}s, each changing
 * one of those values — with a number of callers, each sending the next run as soon as its last one returned.
 * <p>
 * Arguments: {@code jdbcUrl nodeName flowId callers}. Driven through its standard input, one command a line; it
 * answers on its standard output with lines starting {@code @@}:
 * <ul>
 * <li>{@code run}: the callers start ({@code @@ running});</li>
 * <li>{@code count}: {@code @@ count RUNS STEPS FAILED} — runs completed, steps completed and runs failed so far;</li>
 * <li>{@code stop}: the callers finish the run they are in and stop; {@code @@ stopped RUNS STEPS FAILED}, then the
 * application stops and the JVM ends. The end of its input (the driver died) does the same.</li>
 * </ul>
 * A step is counted when its body is done, just before its checkpoint; a run when its caller got the reply, after the
 * run was stored COMPLETED. The first failures are printed as {@code @@ failure EXCEPTION}.
 */
public final class ThroughputNode {

    static final int STEPS = 10;
    static final int KEYS = 10;
    /** Characters of each state value: 10 keys of 76 characters make about 850 bytes of state JSON. */
    static final int VALUE_CHARS = 76;
    static final int STATE_BYTES_APPROX = 850;
    private static final int FAILURES_PRINTED = 5;
    /** Steps completed by the runs of this JVM (counted in the route). */
    private static final AtomicLong STEPS_DONE = new AtomicLong();

    private final ProducerTemplate template;
    private final Endpoint flow;
    private final int callers;
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    private ThroughputNode(ProducerTemplate template, Endpoint flow, int callers) {
        this.template = template;
        this.flow = flow;
        this.callers = callers;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("Arguments: jdbcUrl nodeName flowId callers, were " + List.of(args));
        }
        String node = args[1];
        String flowId = args[2];
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setUsername("postgres");
        config.setPoolName(node);
        config.setMaximumPoolSize(poolSize(Integer.parseInt(args[3])));
        Main main = new Main();
        main.bind("flowDataSource", new HikariDataSource(config));
        main.addInitialProperty("camel.main.name", node);
        main.addInitialProperty("camel.component.flowstate.dataSource", "#flowDataSource");
        main.configure().addRoutesBuilder(w1(flowId));
        main.start();
        ProducerTemplate template = main.getCamelContext().createProducerTemplate();
        ThroughputNode callers = new ThroughputNode(template, main.getCamelContext().getEndpoint("direct:w1"),
                Integer.parseInt(args[3]));
        say("ready " + node);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("stop")) {
            switch (line) {
                case "run" -> {
                    callers.start(node);
                    say("running");
                }
                case "count" -> say("count " + callers.counts());
                default -> say("unknown command " + line);
            }
        }
        callers.stop();
        say("stopped " + callers.counts());
        main.stop();
        System.exit(0);
    }

    /** Connections of a node's pool: Hikari's default 10, or one per caller and two for the component's own work. */
    static int poolSize(int callers) {
        return Math.max(10, callers + 2);
    }

    /** Workload W1 as flow {@code flowId} on {@code direct:w1}: the body is the run's order name. */
    static RouteBuilder w1(String flowId) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                RouteDefinition route = from("direct:w1").routeId(flowId)
                        .to("flowstate:start:" + flowId + "?checkpoint=afterEachStep");
                for (int k = 0; k < KEYS; k++) {
                    route.setHeader(FlowStateConstants.VALUE, constant(value("initial", k))).to("flowstate:set:" + key(k));
                }
                for (int i = 1; i <= STEPS; i++) {
                    int step = i;
                    route.step("s" + step)
                            .process(e -> e.getMessage().setHeader(FlowStateConstants.VALUE,
                                    value(e.getMessage().getBody(String.class), step)))
                            .to("flowstate:set:" + key((step - 1) % KEYS))
                            .process(e -> STEPS_DONE.incrementAndGet())
                            .end();
                }
            }
        };
    }

    static String key(int k) {
        return "k" + k;
    }

    /** A state value of exactly {@value #VALUE_CHARS} characters naming who wrote it. */
    static String value(String writer, int step) {
        String head = writer + "-s" + step + "-";
        return head.length() >= VALUE_CHARS ? head.substring(0, VALUE_CHARS)
                : head + "v".repeat(VALUE_CHARS - head.length());
    }

    private void start(String node) {
        for (int c = 0; c < callers; c++) {
            String prefix = node + "-c" + c + "-";
            Thread caller = new Thread(() -> call(prefix), prefix + "caller");
            threads.add(caller);
            caller.start();
        }
    }

    private void call(String prefix) {
        for (long n = 0; !stopping; n++) {
            String order = prefix + n;
            Exchange done = template.request(flow, e -> e.getMessage().setBody(order));
            if (done.getException() == null) {
                runs.incrementAndGet();
            } else if (failed.incrementAndGet() <= FAILURES_PRINTED) {
                say("failure " + done.getException());
            }
        }
    }

    private void stop() throws InterruptedException {
        stopping = true;
        for (Thread caller : threads) {
            caller.join();
        }
    }

    private String counts() {
        return runs.get() + " " + STEPS_DONE.get() + " " + failed.get();
    }

    private static synchronized void say(String line) {
        System.out.println("@@ " + line);
        System.out.flush();
    }
}
