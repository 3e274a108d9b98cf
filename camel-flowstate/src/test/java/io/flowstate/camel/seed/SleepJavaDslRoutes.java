package io.flowstate.camel.seed;

import org.apache.camel.builder.RouteBuilder;

/** Durable sleeps in Java; the twin of seed/sleep.yaml and seed/sleep.xml. */
public class SleepJavaDslRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:sleepy").routeId("sleepy")
                .to("flowstate:start")
                .step("prepare")
                    .process("prepareCounter")
                    .setBody(simple("prepared ${body}"))
                .end()
                .to("flowstate:sleep?duration=PT2S")
                .step("finish")
                    .process("finishCounter")
                    .setBody(simple("${body}, then woken up"))
                .end()
                .to("flowstate:set:outcome");

        from("direct:naps").routeId("naps")
                .to("flowstate:start")
                .to("flowstate:sleep?duration=PT1S")
                .step("between")
                    .process("prepareCounter")
                    .setBody(simple("${body}+a"))
                .end()
                .to("flowstate:sleep:secondNap?duration=PT1S")
                .step("after")
                    .process("finishCounter")
                    .setBody(simple("${body}+b"))
                .end();

        from("direct:resume").routeId("resume")
                .to("flowstate:resume");
    }
}
