package io.flowstate.camel.resource;

import io.flowstate.camel.FlowStateConstants;
import org.apache.camel.builder.RouteBuilder;

/** The scratch-directory routes in Java; the twin of resource/workdir.yaml and resource/workdir.xml. */
public class WorkDirJavaDslRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:files").routeId("files")
                .to("flowstate:start")
                .to("flowstate:workdir")
                .toD("file:${header.CamelFlowStateWorkDir}?fileName=first.txt")
                .multicast().parallelProcessing()
                    .to("direct:branchA", "direct:branchB")
                .end()
                .to("flowstate:workdir")
                .process("listWorkDir");

        from("direct:branchA").routeId("branchA")
                .to("flowstate:workdir")
                .setBody(header(FlowStateConstants.WORK_DIR))
                .to("flowstate:append:dirs")
                .toD("file:${header.CamelFlowStateWorkDir}?fileName=second.txt");

        from("direct:branchB").routeId("branchB")
                .to("flowstate:workdir")
                .setBody(header(FlowStateConstants.WORK_DIR))
                .to("flowstate:append:dirs")
                .toD("file:${header.CamelFlowStateWorkDir}?fileName=third.txt");

        from("direct:waitWithFiles").routeId("waitWithFiles")
                .to("flowstate:start")
                .to("flowstate:workdir")
                .toD("file:${header.CamelFlowStateWorkDir}?fileName=draft.txt")
                .to("flowstate:suspend:approval")
                .to("flowstate:workdir")
                .process("listWorkDir");

        from("direct:failing").routeId("failing")
                .to("flowstate:start")
                .to("flowstate:workdir")
                .toD("file:${header.CamelFlowStateWorkDir}?fileName=partial.txt")
                .throwException(new IllegalStateException("step failed"));

        from("direct:resume").routeId("resume")
                .to("flowstate:resume");
    }
}
