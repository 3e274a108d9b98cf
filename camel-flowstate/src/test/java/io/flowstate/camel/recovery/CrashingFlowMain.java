package io.flowstate.camel.recovery;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.camel.ProducerTemplate;

/**
 * The child JVM of {@link RecoveryAfterKillTest}: a Camel node running {@link CrashFlow} until it is killed.
 * <p>
 * Arguments: {@code kind location effectsFile mode [order@point ...]}. Mode {@code start} starts one run per
 * {@code order@point}; mode {@code recover} starts none and lets the component's recovery take over the runs a killed
 * node left. Either way, a run that reaches its {@code point} stops there for good (the test kills the JVM then).
 * <p>
 * Prints, on stdout, lines starting with {@code @@}: {@code @@ started}, {@code @@ reached ORDER ID POINT} at every
 * point, {@code @@ blocked ORDER ID POINT} when a run stops at its point.
 */
public final class CrashingFlowMain {

    private CrashingFlowMain() {
    }

    public static void main(String[] args) throws Exception {
        CrashFlow.Store store = new CrashFlow.Store(args[0], args[1]);
        Path effects = Path.of(args[2]);
        String mode = args[3];
        Map<String, String> stopAt = new LinkedHashMap<>();
        for (String spec : List.of(args).subList(4, args.length)) {
            int at = spec.indexOf('@');
            stopAt.put(spec.substring(0, at), spec.substring(at + 1));
        }
        CrashFlow.Node node = new CrashFlow.Node(store, effects, (order, id, point) -> {
            say("reached " + order + " " + id + " " + point);
            if (point.equals(stopAt.get(order))) {
                say("blocked " + order + " " + id + " " + point);
                try {
                    new CountDownLatch(1).await(); // until the kill
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).start();
        say("started");
        if (mode.equals("start")) {
            ProducerTemplate template = node.context.createProducerTemplate();
            for (String order : stopAt.keySet()) {
                Thread run = new Thread(() -> template.requestBodyAndHeader("direct:crash", order, CrashFlow.ORDER, order),
                        "run-" + order);
                run.start();
            }
        }
        new CountDownLatch(1).await(); // until the kill
    }

    private static synchronized void say(String line) {
        System.out.println("@@ " + line);
        System.out.flush();
    }
}
