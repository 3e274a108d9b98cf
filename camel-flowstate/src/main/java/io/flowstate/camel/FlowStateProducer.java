package io.flowstate.camel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.FlowExecutions;
import io.flowstate.camel.execution.FlowExecutions.CancelOutcome;
import io.flowstate.camel.execution.FlowExecutions.StartOptions;
import io.flowstate.camel.execution.RunCancelledException;
import io.flowstate.camel.execution.SleepStep;
import io.flowstate.camel.execution.SuspendStep;
import io.flowstate.camel.execution.WaitOutcome;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.HistoryEvent;
import io.flowstate.camel.state.MissingStateException;
import io.flowstate.camel.state.StateStore;
import io.flowstate.camel.trigger.ChangesStep;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.InvokeOnHeader;
import org.apache.camel.support.HeaderSelectorProducer;

/**
 * Performs the operation of a flowstate endpoint (or of header {@code CamelFlowStateOperation}) on the run the exchange
 * carries, starting one when it carries none.
 */
public class FlowStateProducer extends HeaderSelectorProducer {

    /** What every handler returns: the handlers set the body themselves. */
    private static final Object DONE = new Object();

    private final FlowStateEndpoint endpoint;
    private final FlowStateConfiguration configuration;
    private final FlowExecutions executions;
    private final StartOptions startOptions;
    private final SuspendStep suspendStep;
    private final SleepStep sleepStep;
    private final ChangesStep changesStep;
    private final BusinessKeyOption businessKey;
    private final KeyedStart keyedStart;
    private final RunsListing runsListing;

    public FlowStateProducer(FlowStateEndpoint endpoint) {
        super(endpoint, FlowStateConstants.OPERATION, endpoint::getOperation);
        this.endpoint = endpoint;
        this.configuration = endpoint.getConfiguration();
        this.executions = endpoint.getComponent().getExecutions();
        this.startOptions = startOptions(endpoint);
        this.suspendStep = new SuspendStep(executions);
        this.sleepStep = new SleepStep(executions);
        this.changesStep = new ChangesStep(executions, endpoint.getComponent().getChangeWatch());
        this.businessKey = new BusinessKeyOption(endpoint.getCamelContext(), configuration.getBusinessKey());
        this.keyedStart = new KeyedStart(executions, startOptions, configuration.getOnDuplicate(),
                configuration.getStateClass());
        this.runsListing = new RunsListing(configuration, businessKey);
    }

    /**
     * A save that meets a cancel of the run (a snapshot, suspend or sleep of a run flowstate:cancel asked to stop)
     * stops the route as a step's checkpoint does: the run is CANCELLED and nothing after it runs.
     */
    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        return super.process(exchange, doneSync -> {
            if (exchange.getException() instanceof RunCancelledException) {
                exchange.setException(null);
                exchange.getMessage().setHeader(FlowStateConstants.STATUS, FlowStatus.CANCELLED);
                exchange.setRouteStop(true);
            }
            callback.done(doneSync);
        });
    }

    /**
     * Every handler returns {@link #DONE}; a null result means no handler matched the operation, which can only come
     * from header CamelFlowStateOperation (URI operations are checked when the endpoint is created).
     */
    @Override
    protected void processResult(Exchange exchange, Object result) {
        if (result != DONE) {
            throw new FlowStateException(FlowStateOperation.unknown(
                    exchange.getMessage().getHeader(FlowStateConstants.OPERATION),
                    "header " + FlowStateConstants.OPERATION));
        }
    }

    // ------------------------------------------------------------------ Handlers

    @InvokeOnHeader(FlowStateConstants.OPERATION_GET)
    public Object onGet(Exchange exchange) {
        String key = key(exchange, FlowStateOperation.GET);
        Object value = store(exchange).get(key);
        if (value == null && configuration.requiredForGet()) {
            throw missing(run(exchange), key);
        }
        exchange.getMessage().setBody(value != null ? value : configuration.getDefaultValue());
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_SET)
    public Object onSet(Exchange exchange) {
        String key = key(exchange, FlowStateOperation.SET);
        withValue(exchange, value -> store(exchange).set(key, value, configuration.getTtl()));
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_APPEND)
    public Object onAppend(Exchange exchange) {
        String key = key(exchange, FlowStateOperation.APPEND);
        withValue(exchange, value -> store(exchange).append(key, value));
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_INCREMENT)
    public Object onIncrement(Exchange exchange) {
        StateStore store = store(exchange);
        exchange.getMessage().setBody(store.increment(key(exchange, FlowStateOperation.INCREMENT),
                configuration.getIncrement()));
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_DELETE)
    public Object onDelete(Exchange exchange) {
        store(exchange).delete(key(exchange, FlowStateOperation.DELETE));
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_GET_ALL)
    public Object onGetAll(Exchange exchange) {
        exchange.getMessage().setBody(store(exchange).getAll());
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_CLEAR)
    public Object onClear(Exchange exchange) {
        store(exchange).clear();
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_START)
    public Object onStart(Exchange exchange) {
        String key = exchange.getProperty(FlowStateConstants.EXECUTION) == null ? businessKey.of(exchange, true) : null;
        if (key == null) {
            executions.start(exchange, startOptions);
        } else {
            keyedStart.start(exchange, key, endpoint.getComponent().getRepository());
        }
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_SUSPEND)
    public Object onSuspend(Exchange exchange) {
        FlowExecution run = run(exchange);
        reply(exchange, suspendStep.enter(exchange, run, endpoint.getKey(), endpoint.getApprovalOptions()));
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_SLEEP)
    public Object onSleep(Exchange exchange) {
        FlowExecution run = run(exchange);
        Object body = exchange.getMessage().getBody();
        reply(exchange, sleepStep.enter(exchange, run, endpoint.getKey(), body, configuration.getDuration()));
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_RESUME)
    public Object onResume(Exchange exchange) {
        endpoint.getComponent().getReentry().resume(exchange);
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_RESTART)
    public Object onRestart(Exchange exchange) {
        endpoint.getComponent().getRestarts().restart(exchange, configuration.getFromStep());
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_SNAPSHOT)
    public Object onSnapshot(Exchange exchange) {
        FlowExecution run = run(exchange);
        setRunHeaders(exchange, run, executions.snapshot(run));
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_RESTORE)
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

    @InvokeOnHeader(FlowStateConstants.OPERATION_COMPLETE)
    public Object onComplete(Exchange exchange) {
        FlowExecution run = run(exchange);
        setRunHeaders(exchange, run, executions.complete(run));
        exchange.getMessage().setBody(run.closeSnapshot());
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_RESOURCE)
    public Object onResource(Exchange exchange) {
        FlowExecution run = run(exchange);
        String name = endpoint.getKey();
        exchange.getMessage().setBody(configuration.requiredForResource()
                ? run.requireResource(name, Object.class) : run.getResource(name, null));
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_WORKDIR)
    public Object onWorkdir(Exchange exchange) {
        FlowExecution run = run(exchange);
        Path dir = executions.openWorkDirectory(run);
        exchange.getMessage().setHeader(FlowStateConstants.WORK_DIR, dir.toString());
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_CHANGES)
    public Object onChanges(Exchange exchange) {
        ChangesStep.Taken taken = changesStep.take(exchange, run(exchange), key(exchange, FlowStateOperation.CHANGES),
                endpoint.getChangeOptions());
        exchange.getMessage().setBody(taken.items());
        if (taken.stop()) {
            exchange.setRouteStop(true);
        }
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_HISTORY)
    public Object onHistory(Exchange exchange) {
        FlowSnapshot stored = executions.stored(requireExecutionId(exchange, FlowStateOperation.HISTORY));
        List<Map<String, Object>> events = new ArrayList<>();
        for (HistoryEvent event : stored.historyEvents()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) executions.json().toJava(event.json());
            events.add(fields);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        stored.historyCounts().forEach((type, n) -> counts.put(type.name(), n));
        exchange.getMessage().setHeader(FlowStateConstants.STATUS, stored.status());
        exchange.getMessage().setHeader(FlowStateConstants.HISTORY_COUNTS, counts);
        exchange.getMessage().setBody(events);
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_CANCEL)
    public Object onCancel(Exchange exchange) {
        Message message = exchange.getMessage();
        CancelOutcome outcome = executions.cancel(requireExecutionId(exchange, FlowStateOperation.CANCEL),
                message.getHeader(FlowStateConstants.ACTOR, String.class),
                message.getHeader(FlowStateConstants.REASON, String.class));
        message.setHeader(FlowStateConstants.FLOW_ID, outcome.flowId());
        message.setHeader(FlowStateConstants.STATUS, outcome.status());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("executionId", outcome.executionId());
        reply.put("flowId", outcome.flowId());
        reply.put("status", outcome.status().name());
        reply.put("cancelled", outcome.status() == FlowStatus.CANCELLED);
        message.setBody(reply);
        return DONE;
    }

    @InvokeOnHeader(FlowStateConstants.OPERATION_RUNS)
    public Object onRuns(Exchange exchange) {
        runsListing.answer(exchange, endpoint.getComponent().getRepository(), executions.clock().instant());
        return DONE;
    }

    // ------------------------------------------------------------------ Helpers

    private static String requireExecutionId(Exchange exchange, FlowStateOperation operation) {
        String id = exchange.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        if (id == null || id.isBlank()) {
            throw new FlowStateException("flowstate:" + operation + " needs the id of the run in header "
                                         + FlowStateConstants.EXECUTION_ID);
        }
        return id;
    }

    private StateStore store(Exchange exchange) {
        return run(exchange).scope(configuration.getScope(), configuration.isNoWarning());
    }

    private FlowExecution run(Exchange exchange) {
        return executions.attach(exchange);
    }

    /** Header CamelFlowStateKey, else the URI's key. */
    private String key(Exchange exchange, FlowStateOperation operation) {
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

    private MissingStateException missing(FlowExecution run, String key) {
        return new MissingStateException("No value under state key '" + key + "' (scope "
                                         + configuration.getScope().name().toLowerCase() + " of flow '"
                                         + run.getFlowId() + "', run " + run.getExecutionId()
                                         + "). Set it before reading it, or use defaultValue= or required=false.");
    }

    /** Sets what a suspend or sleep step gives: the body the run goes on with, or the reply of a run that waits. */
    private static void reply(Exchange exchange, WaitOutcome outcome) {
        Message message = exchange.getMessage();
        if (outcome instanceof WaitOutcome.Passed passed) {
            message.setBody(passed.body());
            if (passed.timedOut() != null) {
                message.setHeader(FlowStateConstants.TIMED_OUT, passed.timedOut());
            }
        } else if (outcome instanceof WaitOutcome.Waiting waiting) {
            message.setHeader(FlowStateConstants.EXECUTION_ID, waiting.executionId());
            if (waiting.resumeToken() != null) {
                message.setHeader(FlowStateConstants.RESUME_TOKEN, waiting.resumeToken());
            }
            message.setHeader(FlowStateConstants.WAITING_FOR, waiting.waitingFor());
            message.setHeader(FlowStateConstants.STATUS, FlowStatus.SUSPENDED);
            message.setBody(waiting.reply());
            exchange.setRouteStop(true);
        }
    }

    private static void setRunHeaders(Exchange exchange, FlowExecution run, long version) {
        exchange.getMessage().setHeader(FlowStateConstants.VERSION, version);
        exchange.getMessage().setHeader(FlowStateConstants.STATUS, run.getStatus());
    }

    /** Uses header CamelFlowStateValue, or else the body; the header is removed once used, so it cannot leak on. */
    private static void withValue(Exchange exchange, Consumer<Object> use) {
        Message message = exchange.getMessage();
        Object header = message.getHeader(FlowStateConstants.VALUE);
        use.accept(header != null ? header : message.getBody());
        if (header != null) {
            message.removeHeader(FlowStateConstants.VALUE);
        }
    }

    private static StartOptions startOptions(FlowStateEndpoint endpoint) {
        FlowStateConfiguration configuration = endpoint.getConfiguration();
        String unrecorded = configuration.getUnrecordedSteps();
        Set<String> unrecordedSteps = unrecorded == null ? Set.of()
                : Arrays.stream(unrecorded.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .collect(Collectors.toSet());
        return new StartOptions(endpoint.getKey(), configuration.getStateClass(), configuration.getCheckpoint(),
                unrecordedSteps, configuration.getResources());
    }
}
