package io.flowstate.camel;

import java.util.List;

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

    /** The operations, as written in URIs. */
    public static final List<String> OPERATIONS
            = List.of("get", "set", "append", "increment", "delete", "getAll", "clear", "start", "snapshot", "restore",
                    "complete", "suspend", "resume", "resource", "workdir", "changes", "sleep");

    /** Operations that work on one key. */
    static final List<String> KEYED_OPERATIONS = List.of("get", "set", "append", "increment", "delete", "changes");

    @UriPath(enums = "get,set,append,increment,delete,getAll,clear,start,snapshot,restore,complete,suspend,resume,"
                     + "resource,workdir,changes,sleep",
             description = "The operation: get, set, append, increment, delete, getAll, clear, start, snapshot"
                           + " (save the run now), restore (attach a stored run), complete (final snapshot), suspend"
                           + " (an approval step: save the run and stop until resumed), resume (continue a"
                           + " suspended run), resource (the live resource NAME into the body), workdir (the run's"
                           + " scratch directory into header CamelFlowStateWorkDir) or changes (only the new or"
                           + " changed items of the body, against the watermark in persistent key KEY) or sleep (a"
                           + " durable sleep of the given duration: the run is saved and continued by the recovery"
                           + " task once the time has passed).")
    @Metadata(required = true)
    private String operation;

    @UriPath(description = "The state key of get, set, append, increment and delete (with scope=global a path such as"
                           + " team/crm/config; header CamelFlowStateKey overrides it); for start, the flow id (the route id when omitted); for suspend, the"
                           + " name of the approval step (required); for resource, the resource name (required); for"
                           + " changes, the persistent key holding the watermark (required, or header"
                           + " CamelFlowStateKey); for sleep, an optional name of the sleep step (sleep-1, sleep-2 … in"
                           + " the order the run reaches them when omitted).")
    private String key;

    @UriParam
    private FlowStateConfiguration configuration;

    /** For changes: the options, checked when the endpoint is created. */
    private ChangeWatch.Options changeOptions;

    public FlowStateEndpoint(String uri, FlowStateComponent component, FlowStateConfiguration configuration) {
        super(uri, component);
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

    public String getOperation() {
        return operation;
    }

    public void setOperation(String operation) {
        this.operation = operation;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
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
