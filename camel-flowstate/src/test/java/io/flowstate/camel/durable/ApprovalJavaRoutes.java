package io.flowstate.camel.durable;

import org.apache.camel.builder.RouteBuilder;

/**
 * The approval flows of {@code durable/approvals.yaml} and {@code durable/approvals.xml} in Java DSL: one approval
 * step that someone other than the run's starter must answer with a payload matching a JSON Schema, and one step per
 * onTimeout value. The step after each approval reads who answered with the flowstate language
 * ({@code .approvals.NAME}).
 */
class ApprovalJavaRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:resume").routeId("resume")
                .to("flowstate:resume");

        // four eyes: the starter (header CamelFlowStateActor at the start) may not answer; the answer is checked
        from("direct:spend").routeId("spend")
                .to("flowstate:start")
                .step("request")
                    .setBody(simple("${body[amount]}"))
                .end()
                .to("flowstate:suspend:managerApproval?selfApproval=false"
                    + "&payloadSchema=classpath:durable/approval-schema.json")
                .step("decide")
                    .setBody().language("flowstate", "{answer: $body, approval: .approvals.managerApproval}")
                .end();

        // unanswered in time: the step gives null and CamelFlowStateTimedOut=true (the default)
        from("direct:lateContinue").routeId("lateContinue")
                .to("flowstate:start")
                .to("flowstate:suspend:continueApproval?timeout=PT0.05S&onTimeout=continue")
                .step("afterContinue")
                    .setBody().language("flowstate",
                            "{answer: $body, timedOutHeader: $headers.CamelFlowStateTimedOut,"
                                                     + " approval: .approvals.continueApproval}")
                .end();

        // unanswered in time: the run fails
        from("direct:lateFail").routeId("lateFail")
                .to("flowstate:start")
                .to("flowstate:suspend:failApproval?timeout=PT0.05S&onTimeout=fail")
                .step("afterFail")
                    .setBody(constant("never"))
                .end();

        // unanswered in time: the step gives timeoutPayload, as if someone had answered it
        from("direct:lateResume").routeId("lateResume")
                .to("flowstate:start")
                .to("flowstate:suspend:resumeApproval?timeout=PT0.05S&onTimeout=resume"
                    + "&timeoutPayload={\"approved\":false,\"comment\":\"nobody answered\"}")
                .step("afterResume")
                    .setBody().language("flowstate", "{answer: $body, approval: .approvals.resumeApproval}")
                .end();
    }
}
