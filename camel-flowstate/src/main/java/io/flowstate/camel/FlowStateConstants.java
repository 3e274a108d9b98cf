package io.flowstate.camel;

import org.apache.camel.spi.Metadata;

/**
 * Header and property names of the flowstate component.
 */
public final class FlowStateConstants {

    /**
     * The exchange property holding the run ({@code FlowExecution}). Copies made by split, multicast, recipientList and
     * wireTap share the same object.
     */
    public static final String EXECUTION = "CamelFlowStateExecution";

    /**
     * Exchange property (internal): the split/loop iterations and multicast branches the exchange is in, with their
     * indexes ({@code execution.IterationPosition}). Replaced, never changed, as copies share it.
     */
    public static final String ITERATIONS = "CamelFlowStateIterations";

    /** Every header of the component starts with this. */
    public static final String HEADER_PREFIX = "CamelFlowState";

    // ------------------------------------------------------------------ Operations, as written in URIs and in header
    // CamelFlowStateOperation (FlowStateOperation lists them; the producer's handlers are keyed on these constants)

    public static final String OPERATION_GET = "get";
    public static final String OPERATION_SET = "set";
    public static final String OPERATION_APPEND = "append";
    public static final String OPERATION_INCREMENT = "increment";
    public static final String OPERATION_DELETE = "delete";
    public static final String OPERATION_GET_ALL = "getAll";
    public static final String OPERATION_CLEAR = "clear";
    public static final String OPERATION_START = "start";
    public static final String OPERATION_SNAPSHOT = "snapshot";
    public static final String OPERATION_RESTORE = "restore";
    public static final String OPERATION_COMPLETE = "complete";
    public static final String OPERATION_SUSPEND = "suspend";
    public static final String OPERATION_RESUME = "resume";
    public static final String OPERATION_RESOURCE = "resource";
    public static final String OPERATION_WORKDIR = "workdir";
    public static final String OPERATION_CHANGES = "changes";
    public static final String OPERATION_SLEEP = "sleep";
    public static final String OPERATION_RESTART = "restart";
    public static final String OPERATION_HISTORY = "history";
    public static final String OPERATION_CANCEL = "cancel";
    public static final String OPERATION_RUNS = "runs";

    // ------------------------------------------------------------------ Headers

    @Metadata(description = "The operation to perform; overrides the operation of the endpoint URI when present.",
              javaType = "io.flowstate.camel.FlowStateOperation")
    public static final String OPERATION = "CamelFlowStateOperation";

    @Metadata(description = "The id of the run. Set when a run starts; read by restore and resume to find the run.",
              javaType = "String")
    public static final String EXECUTION_ID = "CamelFlowStateExecutionId";

    @Metadata(description = "The id of the run's flow: the route id unless flowstate:start names another.",
              javaType = "String")
    public static final String FLOW_ID = "CamelFlowStateFlowId";

    @Metadata(description = "On flowstate:start (or the operation that starts a run): the id of a context reused across"
                            + " runs. The run begins with the execution state the last completed run of that context"
                            + " ended with, and its final state becomes the context's state when it completes; a second"
                            + " run of the context while one is running or suspended fails. Validated like state keys;"
                            + " taken off the message when the run starts.",
              javaType = "String")
    public static final String CONTEXT_ID = "CamelFlowStateContextId";

    @Metadata(description = "The state key to use; overrides the key of the endpoint URI, for keys computed at run time"
                            + " (e.g. one persistent key per customer, or a global path). Validated like URI keys. Kept on the message"
                            + " so that several operations can use it.",
              javaType = "String")
    public static final String KEY = "CamelFlowStateKey";

    @Metadata(description = "The value for set and append; when present it is used instead of the body, and removed"
                            + " from the message once stored so that it cannot leak into a later call.",
              javaType = "Object")
    public static final String VALUE = "CamelFlowStateValue";

    @Metadata(description = "The run's version in the repository after flowstate:snapshot (0 while never saved).",
              javaType = "long")
    public static final String VERSION = "CamelFlowStateVersion";

    @Metadata(description = "The status of the run after restore, snapshot, complete or cancel: RUNNING, SUSPENDED,"
                            + " COMPLETED, FAILED or CANCELLED.",
              javaType = "io.flowstate.camel.snapshot.FlowStatus",
              enums = "RUNNING,SUSPENDED,COMPLETED,FAILED,CANCELLED")
    public static final String STATUS = "CamelFlowStateStatus";

    @Metadata(description = "The resume token of a suspended run: in the reply of flowstate:suspend, and required by"
                            + " flowstate:resume. Unguessable (256 bits); only its hash is stored.",
              javaType = "String", secret = true)
    public static final String RESUME_TOKEN = "CamelFlowStateResumeToken";

    @Metadata(description = "The NAME of the suspend step a suspended run waits in (reply of flowstate:suspend).",
              javaType = "String")
    public static final String WAITING_FOR = "CamelFlowStateWaitingFor";

    @Metadata(description = "After a suspend step: true when it ended by its timeout (the body is then null), false"
                            + " when it was resumed.",
              javaType = "boolean")
    public static final String TIMED_OUT = "CamelFlowStateTimedOut";

    @Metadata(description = "Who acts on a run (a user name, an e-mail address, a service id; at most 200 printable"
                            + " characters): start, resume, cancel, restart; recorded with what it did. On the exchange"
                            + " that starts a run, recorded as the run's starter; on"
                            + " flowstate:resume, recorded as who answered the approval step (readable as"
                            + " .approvals.NAME.actor in the flowstate language), and refused when the step has"
                            + " selfApproval=false and the actor started the run.",
              javaType = "String")
    public static final String ACTOR = "CamelFlowStateActor";

    @Metadata(description = "The run's own live resources, a Map of name to object (a DataSource, a client, a"
                            + " callback), read when the run starts (and by flowstate:resume and restore, to give them"
                            + " again) and taken off the message there. Looked up before the flow's resources and the"
                            + " registry; never stored, only their names are.",
              javaType = "java.util.Map<String, Object>")
    public static final String RESOURCES = "CamelFlowStateResources";

    @Metadata(description = "Set by flowstate:workdir: the absolute path of the run's scratch directory, the same for"
                            + " all steps and branches of the run; removed when the run completes or fails.",
              javaType = "String")
    public static final String WORK_DIR = "CamelFlowStateWorkDir";

    @Metadata(description = "The attempt of the run the exchange carries: 1 for its first attempt, 2 after its first"
                            + " restart (flowstate:restart), and so on. Set while the run executes, so side effects can"
                            + " be keyed by run, step and attempt.",
              javaType = "int")
    public static final String ATTEMPT = "CamelFlowStateAttempt";

    @Metadata(description = "For flowstate:cancel: why the run is cancelled, recorded in its history (at most 1000"
                            + " characters). Also on the exchange of the flow's onCancel route.",
              javaType = "String")
    public static final String REASON = "CamelFlowStateReason";

    @Metadata(description = "Set by flowstate:history: how many events of each type the run had, including those"
                            + " older than the maxHistory it keeps (a Map of type to count).",
              javaType = "java.util.Map<String, Long>")
    public static final String HISTORY_COUNTS = "CamelFlowStateHistoryCounts";

    @Metadata(description = "On flowstate:start: the business key of the new run (e.g. an order number), instead of"
                            + " the businessKey option; on flowstate:runs: the business key to find. At most one"
                            + " unfinished run per flow and key. 1 to 200 characters, no control characters; taken off"
                            + " the message when a run starts.",
              javaType = "String")
    public static final String BUSINESS_KEY = "CamelFlowStateBusinessKey";

    @Metadata(description = "flowstate:runs: in, the token of the page to continue after (as the previous page gave"
                            + " it); out, the next page's token, absent on the last page. Opaque; a token of another"
                            + " query or a changed one is refused.",
              javaType = "String")
    public static final String PAGE_TOKEN = "CamelFlowStatePageToken";

    private FlowStateConstants() {
    }
}
