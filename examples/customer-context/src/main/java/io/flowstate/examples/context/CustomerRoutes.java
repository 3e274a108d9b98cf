package io.flowstate.examples.context;

import io.flowstate.camel.execution.FlowExecution;
import org.apache.camel.builder.RouteBuilder;

import static io.flowstate.camel.language.FlowStateLanguage.flowstate;

/**
 * A loyalty setting in the global scope, three runs of one customer context that carry a visit counter from run to
 * run, a managed per-run ledger, and a run that sleeps durably and is woken by the component's recovery task.
 */
public class CustomerRoutes extends RouteBuilder {

    @Override
    public void configure() {
        // a registry bean named like the resource: flowstate:resource:ledger gets one Ledger per run from it
        bindToRegistry("ledger", new LedgerFactory());

        // 1. the global scope: set once, shared by every flow
        from("timer:setup?repeatCount=1&delay=500").routeId("setup")
                .setBody(constant(java.util.Map.of("bonusEvery", 2)))
                .to("flowstate:set:shop/loyalty?scope=global")
                .log("Global shop/loyalty set to ${body}");

        // 2. + 3. three runs of context "acme", one after the other; each run's ledger is opened and closed once
        from("timer:visit?repeatCount=3&period=700&delay=1500").routeId("visit")
                .setHeader("CamelFlowStateContextId", constant("acme"))
                .to("flowstate:start")
                .to("flowstate:resource:ledger")
                .process(e -> e.getMessage().getBody(Ledger.class).record("visit"))
                .to("flowstate:increment:visits")
                .setHeader("visits", body())
                .setHeader("bonusEvery", flowstate("global(\"shop/loyalty\").bonusEvery"))
                .log("Context acme run ${header.CamelFlowStateExecutionId}: visits=${header.visits}"
                     + " (global shop/loyalty.bonusEvery=${header.bonusEvery})")
                .to("flowstate:complete");

        // 4. a durable sleep: the run is saved SUSPENDED, its ledger closed; the recovery task continues it
        from("timer:nap?repeatCount=1&delay=4000").routeId("nap")
                .to("flowstate:start")
                .step("before-sleep")
                    .to("flowstate:resource:ledger")
                    .process(e -> e.getMessage().getBody(Ledger.class).record("before sleep"))
                    .setBody(constant("dreaming"))
                    .log("Nap run ${header.CamelFlowStateExecutionId}: going to sleep for PT1S")
                .end()
                .to("flowstate:sleep:nap?duration=PT1S")
                .step("after-sleep")
                    .setHeader("napBody", body())
                    .to("flowstate:resource:ledger")
                    .process(e -> e.getMessage().getBody(Ledger.class).record("after sleep"))
                    .process(e -> e.getMessage().setHeader("runId", FlowExecution.of(e).getExecutionId()))
                    .log("Nap run ${header.runId}: woke up, body at sleep was ${header.napBody}")
                    .setBody(constant("awake")) // a step's final body is recorded as its result: keep it JSON
                .end()
                .to("flowstate:complete");
    }
}
