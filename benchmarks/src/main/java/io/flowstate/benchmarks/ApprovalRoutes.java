package io.flowstate.benchmarks;

import org.apache.camel.builder.RouteBuilder;

/**
 * The small approval flow the resume and heap benchmarks suspend and resume: start, step {@code validate}, a state
 * value, {@code flowstate:suspend:approval}, step {@code ship}; and {@code direct:resume} to resume it.
 */
final class ApprovalRoutes extends RouteBuilder {

    static final String APPROVAL = "direct:approval";
    static final String RESUME = "direct:resume";

    @Override
    public void configure() {
        from(APPROVAL).routeId("approval")
                .to("flowstate:start")
                .step("validate").setBody(simple("valid ${body}")).end()
                .to("flowstate:set:order")
                .to("flowstate:suspend:approval")
                .step("ship").setBody(simple("shipped, approved by ${body}")).end();
        from(RESUME).to("flowstate:resume");
    }
}
