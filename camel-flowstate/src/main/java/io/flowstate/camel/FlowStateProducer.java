package io.flowstate.camel;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.flowstate.camel.execution.CheckpointPolicy;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.FlowExecutions;
import io.flowstate.camel.execution.FlowExecutions.StartOptions;
import io.flowstate.camel.execution.FlowStatus;
import io.flowstate.camel.execution.IterationPosition;
import io.flowstate.camel.execution.ResumeSignal;
import io.flowstate.camel.resource.WorkDirectories;
import io.flowstate.camel.trigger.ChangeWatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flowstate.camel.state.MissingStateException;
import io.flowstate.camel.state.UnsupportedValueException;
import io.flowstate.camel.state.StateStore;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.InvokeOnHeader;
import org.apache.camel.support.HeaderSelectorProducer;

/**
 * Performs the operation of a flowstate endpoint (or of header {@code CamelFlowStateOperation}) on the run the exchange
 * carries, starting one when it carries none.
 */
public class FlowStateProducer extends HeaderSelectorProducer {

    private final FlowStateEndpoint endpoint;
    private final FlowStateConfiguration configuration;
    private final FlowExecutions executions;
    private final StartOptions startOptions;

    /** What every handler returns: the handlers set the body themselves. */
    private static final Object DONE = new Object();

    public FlowStateProducer(FlowStateEndpoint endpoint) {
        super(endpoint, FlowStateConstants.OPERATION, endpoint::getOperation);
        this.endpoint = endpoint;
        this.configuration = endpoint.getConfiguration();
        this.executions = endpoint.getComponent().getExecutions();
        this.startOptions = startOptions(endpoint);
    }

    /**
     * Every handler returns {@link #DONE}; a null result means no handler matched the operation, which can only come
     * from header CamelFlowStateOperation (URI operations are checked when the endpoint is created).
     */
    @Override
    protected void processResult(Exchange exchange, Object result) {
        if (result != DONE) {
            throw new FlowStateException("Unknown flowstate operation '"
                                         + exchange.getMessage().getHeader(FlowStateConstants.OPERATION)
                                         + "' in header " + FlowStateConstants.OPERATION + ": use one of "
                                         + FlowStateEndpoint.OPERATIONS);
        }
    }

    // ------------------------------------------------------------------ Handlers

    @InvokeOnHeader("get")
    public Object onGet(Exchange exchange) {
        String key = key(exchange, "get");
        Object value = store(exchange).get(key);
        if (value == null) {
            if (configuration.requiredForGet()) {
                FlowExecution run = run(exchange);
                throw new MissingStateException("No value under state key '" + key + "' (scope "
                                                + scopeName() + " of flow '" + run.getFlowId() + "', run "
                                                + run.getExecutionId()
                                                + "). Set it before reading it, or use defaultValue= or required=false.");
            }
            value = configuration.getDefaultValue();
        }
        exchange.getMessage().setBody(value);
        return DONE;
    }

    @InvokeOnHeader("set")
    public Object onSet(Exchange exchange) {
        String key = key(exchange, "set");
        withValue(exchange, value -> store(exchange).set(key, value));
        return DONE;
    }

    @InvokeOnHeader("append")
    public Object onAppend(Exchange exchange) {
        String key = key(exchange, "append");
        withValue(exchange, value -> store(exchange).append(key, value));
        return DONE;
    }

    @InvokeOnHeader("increment")
    public Object onIncrement(Exchange exchange) {
        Number value = store(exchange).increment(key(exchange, "increment"), configuration.getIncrement());
        exchange.getMessage().setBody(value);
        return DONE;
    }

    @InvokeOnHeader("delete")
    public Object onDelete(Exchange exchange) {
        store(exchange).delete(key(exchange, "delete"));
        return DONE;
    }

    @InvokeOnHeader("getAll")
    public Object onGetAll(Exchange exchange) {
        exchange.getMessage().setBody(store(exchange).getAll());
        return DONE;
    }

    @InvokeOnHeader("clear")
    public Object onClear(Exchange exchange) {
        store(exchange).clear();
        return DONE;
    }

    @InvokeOnHeader("start")
    public Object onStart(Exchange exchange) {
        executions.start(exchange, startOptions);
        return DONE;
    }

    @InvokeOnHeader("suspend")
    public Object onSuspend(Exchange exchange) {
        String name = endpoint.getKey();
        FlowExecution run = run(exchange);
        Message message = exchange.getMessage();
        ResumeSignal signal = run.takeResumeSignal(name);
        if (signal != null) {
            // the run was resumed into this step: it yields the payload (null on timeout) and completes
            run.results().complete(name, signal.payload());
            message.setBody(executions.json().toJava(signal.payload()));
            message.setHeader(FlowStateConstants.TIMED_OUT, signal.timedOut());
            if (run.getCheckpointPolicy() == CheckpointPolicy.AFTER_EACH_STEP) {
                executions.snapshot(run);
            }
            return DONE;
        }
        if (run.results().isCompleted(name)) {
            // re-entered after a later suspend: this one was passed already
            message.setBody(executions.json().toJava(run.results().result(name)));
            return DONE;
        }
        if (!run.isCarriedWithItsParentsBy(exchange)) {
            throw new FlowStateException("flowstate:suspend:" + name + " is inside a split, multicast or similar EIP:"
                                         + " a suspend there would stop only that copy. Suspend before or after it.");
        }
        Map<String, Object> reply = executions.suspend(run, name, configuration.getTimeout());
        message.setHeader(FlowStateConstants.EXECUTION_ID, run.getExecutionId());
        message.setHeader(FlowStateConstants.RESUME_TOKEN, reply.get("resumeToken"));
        message.setHeader(FlowStateConstants.WAITING_FOR, name);
        message.setHeader(FlowStateConstants.STATUS, FlowStatus.SUSPENDED);
        message.setBody(reply);
        exchange.setRouteStop(true);
        return DONE;
    }

    @InvokeOnHeader("sleep")
    public Object onSleep(Exchange exchange) {
        FlowExecution run = run(exchange);
        String name = endpoint.getKey() != null ? endpoint.getKey() : run.nextSleepName();
        Message message = exchange.getMessage();
        ResumeSignal wakeUp = run.takeResumeSignal(FlowExecutions.SLEEP_PREFIX + name);
        if (wakeUp != null || run.results().isCompleted(name)) {
            // woken up (or re-entered after a later suspend): the step gives the body it had when it went to sleep
            message.setBody(executions.json().toJava(run.results().result(name)));
            return DONE;
        }
        if (!run.isCarriedWithItsParentsBy(exchange)) {
            throw new FlowStateException("flowstate:sleep" + (endpoint.getKey() == null ? "" : ":" + name)
                                         + " is inside a split, multicast or similar EIP: a sleep there would stop only"
                                         + " that copy. Sleep before or after it.");
        }
        JsonNode body;
        try {
            body = executions.json().toJson("body", message.getBody());
        } catch (UnsupportedValueException e) {
            throw new FlowStateException("flowstate:sleep (step '" + name + "') keeps the body to give it back when"
                                         + " run " + run.getExecutionId() + " wakes up, but it is not a JSON value: "
                                         + e.getMessage() + ". Set a JSON body (or null) before the sleep. The run was"
                                         + " not saved.", e);
        }
        Map<String, Object> reply = executions.sleep(run, name, body, configuration.getDuration());
        message.setHeader(FlowStateConstants.EXECUTION_ID, run.getExecutionId());
        message.setHeader(FlowStateConstants.WAITING_FOR, reply.get("waitingFor"));
        message.setHeader(FlowStateConstants.STATUS, FlowStatus.SUSPENDED);
        message.setBody(reply);
        exchange.setRouteStop(true);
        return DONE;
    }

    @InvokeOnHeader("resume")
    public Object onResume(Exchange exchange) {
        endpoint.getComponent().getReentry().resume(exchange);
        return DONE;
    }

    @InvokeOnHeader("snapshot")
    public Object onSnapshot(Exchange exchange) {
        FlowExecution run = run(exchange);
        setRunHeaders(exchange, run, executions.snapshot(run));
        return DONE;
    }

    @InvokeOnHeader("restore")
    public Object onRestore(Exchange exchange) {
        String id = exchange.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        if (id == null) {
            throw new FlowStateException("flowstate:restore needs the id of the run to attach in header "
                                         + FlowStateConstants.EXECUTION_ID);
        }
        FlowExecution run = executions.restore(exchange, id, configuration.getStateClass());
        setRunHeaders(exchange, run, run.getVersion());
        return DONE;
    }

    @InvokeOnHeader("complete")
    public Object onComplete(Exchange exchange) {
        FlowExecution run = run(exchange);
        setRunHeaders(exchange, run, executions.complete(run));
        exchange.getMessage().setBody(run.closeSnapshot());
        return DONE;
    }

    @InvokeOnHeader("resource")
    public Object onResource(Exchange exchange) {
        FlowExecution run = run(exchange);
        String name = endpoint.getKey();
        Object resource = configuration.requiredForResource()
                ? run.requireResource(name, Object.class) : run.getResource(name, null);
        exchange.getMessage().setBody(resource);
        return DONE;
    }

    @InvokeOnHeader("workdir")
    public Object onWorkdir(Exchange exchange) {
        FlowExecution run = run(exchange);
        WorkDirectories dirs = endpoint.getComponent().getWorkDirectories();
        String id = run.getExecutionId();
        Path dir = dirs.open(id);
        dirs.endWith(run);
        exchange.getMessage().setHeader(FlowStateConstants.WORK_DIR, dir.toString());
        return DONE;
    }

    @InvokeOnHeader("changes")
    public Object onChanges(Exchange exchange) {
        FlowExecution run = run(exchange);
        ChangeWatch.Options options = endpoint.getChangeOptions();
        String key = key(exchange, "changes");
        String recordKey = changesRecordKey(exchange, key);
        JsonNode recorded = run.isReentered() ? run.results().result(recordKey) : null;
        java.util.List<?> items;
        if (recorded != null) {
            // the route runs again for a continued run, with its original input: give what the first pass gave (its
            // watermark holds those items already, so diffing again would give nothing and lose them)
            items = (java.util.List<?>) executions.json().toJava(recorded);
        } else {
            ChangeWatch.Result result = endpoint.getComponent().getChangeWatch()
                    .poll(exchange, run.getFlowId(), key, options);
            items = result.items();
            run.results().record(recordKey, JsonNodeFactory.instance.arrayNode().addAll(result.json()));
            if (run.getVersion() > 0 && run.getCheckpointPolicy() == CheckpointPolicy.AFTER_EACH_STEP) {
                // a saved run can be recovered from its last save: make it hold what this poll gave out
                executions.snapshot(run);
            }
        }
        exchange.getMessage().setBody(items);
        if (items.isEmpty() && options.stopWhenEmpty()) {
            executions.forget(exchange, run);
            exchange.setRouteStop(true);
        }
        return DONE;
    }

    /**
     * Where a run records what flowstate:changes:KEY gave: {@code changes:KEY}, with the index of every split, loop or
     * multicast iteration the exchange is in ({@code changes:KEY[2]}), like a step's key. Not a completed step.
     */
    private static String changesRecordKey(Exchange exchange, String key) {
        return "changes:" + key + IterationPosition.of(exchange).indexes();
    }

    // ------------------------------------------------------------------ Helpers

    private StateStore store(Exchange exchange) {
        return run(exchange).scope(configuration.getScope(), configuration.isNoWarning());
    }

    private FlowExecution run(Exchange exchange) {
        return executions.attach(exchange);
    }

    private String key(Exchange exchange, String operation) {
        String key = exchange.getMessage().getHeader(FlowStateConstants.KEY, String.class);
        if (key == null) {
            key = endpoint.getKey();
        }
        if (key == null) {
            throw new FlowStateException("flowstate:" + operation + " needs a state key: write it in the URI"
                                         + " (flowstate:" + operation + ":myKey) or put it in header "
                                         + FlowStateConstants.KEY);
        }
        return key;
    }

    private static void setRunHeaders(Exchange exchange, FlowExecution run, long version) {
        exchange.getMessage().setHeader(FlowStateConstants.VERSION, version);
        exchange.getMessage().setHeader(FlowStateConstants.STATUS, run.getStatus());
    }

    /** Uses header CamelFlowStateValue, or else the body; the header is removed once used, so it cannot leak on. */
    private static void withValue(Exchange exchange, java.util.function.Consumer<Object> use) {
        Message message = exchange.getMessage();
        Object header = message.getHeader(FlowStateConstants.VALUE);
        use.accept(header != null ? header : message.getBody());
        if (header != null) {
            message.removeHeader(FlowStateConstants.VALUE);
        }
    }

    private static StartOptions startOptions(FlowStateEndpoint endpoint) {
        FlowStateConfiguration configuration = endpoint.getConfiguration();
        String checkpoint = configuration.getCheckpoint();
        String unrecorded = configuration.getUnrecordedSteps();
        Set<String> unrecordedSteps = unrecorded == null ? Set.of()
                : Arrays.stream(unrecorded.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .collect(Collectors.toSet());
        return new StartOptions(endpoint.getKey(), configuration.getStateClass(),
                checkpoint == null ? null : CheckpointPolicy.of(checkpoint), unrecordedSteps,
                configuration.getResources());
    }

    private String scopeName() {
        return configuration.getScope().name().toLowerCase();
    }
}
