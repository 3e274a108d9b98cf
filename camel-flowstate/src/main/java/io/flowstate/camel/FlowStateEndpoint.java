package io.flowstate.camel;

import io.flowstate.camel.execution.ApprovalOptions;
import io.flowstate.camel.trigger.ChangeWatch;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Workflow state for Camel routes: state shared by the steps of one run, by all runs of a flow, and kept across runs.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "flowstate", title = "Flow State", syntax = "flowstate:operation:key",
             producerOnly = true, remote = false, category = { Category.CORE, Category.WORKFLOW },
             headersClass = FlowStateConstants.class)
public class FlowStateEndpoint extends DefaultEndpoint {

    @UriPath(description = "The operation to perform: on state (read, write, append, increment, delete, read all,"
                           + " clear), on the run (start, save, attach, complete, suspend, resume, sleep, restart) or on what the"
                           + " run uses (a resource, its scratch directory, the changes of a source).")
    @Metadata(required = true)
    private FlowStateOperation operation;

    @UriPath(description = "The state key of get, set, append, increment and delete (a path such as team/crm/config"
                           + " with scope=global), the persistent key holding the watermark of changes, the flow id of"
                           + " start (default: the route id), the step name of suspend (required) and sleep (default:"
                           + " sleep-1, sleep-2 and so on in the order the run reaches them), or the resource name of resource"
                           + " (required). Header CamelFlowStateKey overrides a state or watermark key.")
    private String key;

    @UriParam
    private FlowStateConfiguration configuration;

    /** For suspend: the timeout and approval options, checked when the endpoint is created. */
    private ApprovalOptions approvalOptions = ApprovalOptions.DEFAULTS;

    /** For changes: the options, checked when the endpoint is created. */
    private ChangeWatch.Options changeOptions;

    public FlowStateEndpoint(String uri, FlowStateComponent component, FlowStateOperation operation, String key,
                             FlowStateConfiguration configuration) {
        super(uri, component);
        this.operation = operation;
        this.key = key;
        this.configuration = configuration;
    }

    @Override
    public FlowStateComponent getComponent() {
        return (FlowStateComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new FlowStateProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException(
                "The flowstate component only has a producer: use flowstate: in to(...), not in from(...)");
    }

    /** The operation as written in the URI (header CamelFlowStateOperation overrides it). */
    public String getOperation() {
        return operation.toString();
    }

    public FlowStateOperation operation() {
        return operation;
    }

    public String getKey() {
        return key;
    }

    ApprovalOptions getApprovalOptions() {
        return approvalOptions;
    }

    void setApprovalOptions(ApprovalOptions approvalOptions) {
        this.approvalOptions = approvalOptions;
    }

    ChangeWatch.Options getChangeOptions() {
        return changeOptions;
    }

    void setChangeOptions(ChangeWatch.Options changeOptions) {
        this.changeOptions = changeOptions;
    }

    public FlowStateConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(FlowStateConfiguration configuration) {
        this.configuration = configuration;
    }
}
