package io.flowstate.camel;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.Module;
import io.flowstate.camel.execution.ApprovalOptions;
import io.flowstate.camel.execution.ApprovalSchemas;
import io.flowstate.camel.execution.CheckpointPolicy;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.FlowExecutions;
import io.flowstate.camel.execution.FlowReentry;
import io.flowstate.camel.execution.FlowRestarts;
import io.flowstate.camel.execution.FlowMaintenance;
import io.flowstate.camel.metrics.MetricsBinding;
import io.flowstate.camel.resource.FlowResourceCatalog;
import io.flowstate.camel.resource.WorkDirectories;
import io.flowstate.camel.trigger.ChangeWatch;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import io.flowstate.camel.state.JsonValues;
import io.flowstate.camel.state.SecretValues;
import io.flowstate.camel.state.StateScope;
import io.flowstate.camel.step.FlowStateContextPlugin;
import io.flowstate.camel.step.FlowStepInterceptStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import io.flowstate.camel.support.ConfiguredClock;
import io.flowstate.camel.support.Identifiers;
import org.apache.camel.Endpoint;
import org.apache.camel.EndpointAware;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.util.PropertiesHelper;

/**
 * The flowstate component: state shared by the steps of one run, by all runs of a flow, and kept across runs.
 */
@Component("flowstate")
public class FlowStateComponent extends DefaultComponent {

    @Metadata(autowired = true,
              description = "Where snapshots and persistent state live. Autowired when the registry holds exactly one"
                            + " FlowSnapshotRepository bean; otherwise the JDBC repository on dataSource when that is"
                            + " set, else the file repository in dataDirectory. A repository not started yet is started"
                            + " and stopped with the component; one already started is left to its owner to stop.")
    private FlowSnapshotRepository repository;

    @Metadata(defaultValue = "flowstate-data",
              description = "The directory of the file repository, the one used when no repository and no dataSource"
                            + " is configured (relative paths are relative to the working directory).")
    private String dataDirectory = "flowstate-data";

    @Metadata(description = "A DataSource (e.g. #myDataSource) on which to use the JDBC repository (H2 or PostgreSQL,"
                            + " tables created on start), when no repository is configured.")
    private DataSource dataSource;

    @Metadata(defaultValue = "afterEachStep",
              description = "When runs save themselves: afterEachStep (after every completed step, so a run resumes"
                            + " after its last completed step), onSuspend (only when suspending) or manual (only at"
                            + " flowstate:snapshot, suspend and complete). A flow can override it on flowstate:start.")
    private CheckpointPolicy checkpoint = CheckpointPolicy.AFTER_EACH_STEP;

    @Metadata(defaultValue = "PT30S", javaType = "java.time.Duration",
              description = "How long a RUNNING run stays owned by the node that runs it without a renewal; that node"
                            + " renews the leases of its running runs every third of this duration, and once a lease has"
                            + " expired (its node died) recovery on any node may take the run over. ISO-8601 duration.")
    private Duration leaseDuration = Duration.ofSeconds(30);

    @Metadata(defaultValue = "PT10S", javaType = "java.time.Duration",
              description = "How often runs whose lease expired (their node died) and suspended runs whose timeout"
                            + " passed are looked for and continued, and retention applied; also once at start. Any"
                            + " positive duration: it sets how soon another node's crashed runs are picked up, while"
                            + " leases are renewed on their own schedule (see leaseDuration). ISO-8601 duration.")
    private Duration recoveryInterval = Duration.ofSeconds(10);

    @Metadata(defaultValue = "P7D", javaType = "java.time.Duration",
              description = "Finished (COMPLETED, FAILED, CANCELLED) runs last updated longer ago than this are"
                            + " removed from the repository, except an inner run whose parent run is still stored and"
                            + " not finished. ISO-8601 duration.")
    private Duration retention = Duration.ofDays(7);

    @Metadata(defaultValue = "0",
              description = "At most this many finished (COMPLETED, FAILED, CANCELLED) runs are kept (the most"
                            + " recent), plus older inner runs whose parent run is still stored and not finished; 0"
                            + " keeps all those within the retention.")
    private int maxFinishedRuns;

    @Metadata(defaultValue = "1000",
              description = "How many history events (flowstate:history) a run keeps: older ones are dropped and only"
                            + " counted by type, so a run of any length stores a bounded history.")
    private int maxHistory = FlowSnapshot.DEFAULT_MAX_HISTORY;

    @Metadata(defaultValue = "4",
              description = "How many stored runs (of a dead node, or whose suspend timeout or sleep passed) this node"
                            + " continues at the same time; each holds a thread, and a database connection while it"
                            + " saves, so keep it within the DataSource's pool size.")
    private int recoveryThreads = 4;

    @Metadata(label = "advanced",
              description = "Jackson modules (comma-separated bean references such as #moneyModule) that convert your"
                            + " own value types to and from JSON in state. Only these are registered; no type"
                            + " information is ever read from stored data.")
    private String jacksonModuleRefs;

    @Metadata(description = "The base of the per-run scratch directories (flowstate:workdir), each named after its run's"
                            + " execution id. When not set, flowstate-work/KEY in the system temp directory, where KEY"
                            + " derives from the repository's location, so applications on different repositories never"
                            + " share one.")
    private String workDirectory;

    @Metadata(description = "Comma-separated state keys (and input headers) whose values are never stored in clear nor"
                            + " shown in messages: encrypted in snapshots and the persistent scope when secretKey is"
                            + " set, else redacted in snapshots, so a restored or resumed run must set them again.")
    private String secretKeys;

    @Metadata(secret = true,
              description = "The AES key (base64 of 16, 24 or 32 bytes; never stored) encrypting the values of"
                            + " secretKeys with AES-GCM, a random IV per value; without it they are redacted. Give it"
                            + " through a property placeholder or a Camel vault, never in a route.")
    private String secretKey;

    @Metadata(label = "advanced", javaType = "java.time.Clock",
              description = "The clock (a java.time.Clock bean, e.g. #testClock) every time of the runs comes from:"
                            + " leases, suspend timeouts, sleeps, retention and the times stored with each run. When not"
                            + " set, the system clock (UTC). A test sets a clock it moves forward, then calls"
                            + " runMaintenance().")
    private Clock clock;

    private boolean repositoryCreatedHere;
    /** Whether this component started the repository (so stops it): not when it was started already. */
    private boolean repositoryStartedHere;
    private FlowMaintenance maintenance;
    private FlowReentry reentry;
    private FlowRestarts restarts;
    /** Stops the run metrics; null when Micrometer or a MeterRegistry is absent. */
    private AutoCloseable metrics;
    /** Names of the suspend steps of this context's routes: steps a resumed run may have completed. */
    private final Set<String> suspendNames = ConcurrentHashMap.newKeySet();
    /**
     * By suspend NAME: what the steps of that name give when their timeout passes, or empty when one fails instead
     * or two disagree (see ApprovalOptions#timeoutResult).
     */
    private final Map<String, Optional<JsonNode>> timeoutResults = new ConcurrentHashMap<>();
    /** Names of the named sleep steps of this context's routes (flowstate:sleep:NAME). */
    private final Set<String> sleepNames = ConcurrentHashMap.newKeySet();
    /** Whether some route has a sleep without name: its steps are named sleep-1, sleep-2 … by the run. */
    private volatile boolean anonymousSleeps;
    /** The clock option, or the system clock while it is not set: what every part of the component reads. */
    private final Clock clockInUse = new ConfiguredClock(() -> clock != null ? clock : Clock.systemUTC());
    private final FlowExecutions executions = new FlowExecutions(new JsonValues(), this::getRepository, clockInUse);
    private final ChangeWatch changeWatch = new ChangeWatch(executions.json(), this::getRepository,
            executions.valueConflicts());
    /** On the wall clock: it tells whether the scheduler, which ticks in real time, still makes passes. */
    private final RunActivity activity = new RunActivity(Clock.systemUTC());
    /** The JSON Schemas of approval steps (payloadSchema), loaded once each; created with the first one. */
    private volatile ApprovalSchemas approvalSchemas;
    /** This component's health checks while it runs; null without camel-health (or with it disabled). */
    private FlowStateHealthChecks healthChecks;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        int colon = remaining.indexOf(':');
        FlowStateOperation operation = FlowStateOperation.of(colon < 0 ? remaining : remaining.substring(0, colon), uri);
        String key = colon < 0 || colon == remaining.length() - 1 ? null : remaining.substring(colon + 1);
        operation.checkUriKey(uri, key);
        rememberStepName(operation, key);
        FlowStateEndpoint endpoint = new FlowStateEndpoint(uri, this, operation, key, new FlowStateConfiguration());
        Map<String, Object> resources = PropertiesHelper.extractProperties(parameters, FlowResourceCatalog.OPTION_PREFIX);
        if (!resources.isEmpty()) {
            if (operation != FlowStateOperation.START) {
                throw new IllegalArgumentException("The resource." + resources.keySet().iterator().next() + " option of "
                                                   + uri + " belongs on flowstate:start, where a flow declares its"
                                                   + " resources");
            }
            endpoint.getConfiguration().setResources(
                    FlowResourceCatalog.resolveOptions(getCamelContext(), uri, resources));
        }
        setProperties(endpoint, parameters);
        checkOptions(uri, endpoint);
        return endpoint;
    }

    /** Suspend and sleep steps are steps a resumed or woken run may have completed: remember their names. */
    private void rememberStepName(FlowStateOperation operation, String name) {
        if (operation == FlowStateOperation.SUSPEND) {
            suspendNames.add(name);
        } else if (operation == FlowStateOperation.SLEEP) {
            if (name == null) {
                anonymousSleeps = true;
            } else {
                sleepNames.add(name);
            }
        }
    }

    /** The JSON Schemas of approval steps, kept for this component's life (endpoints are created before it starts). */
    private ApprovalSchemas approvalSchemas() {
        ApprovalSchemas schemas = approvalSchemas;
        if (schemas == null) {
            synchronized (this) {
                if (approvalSchemas == null) {
                    approvalSchemas = new ApprovalSchemas(getCamelContext());
                }
                schemas = approvalSchemas;
            }
        }
        return schemas;
    }

    /** Checks what depends on the endpoint's options, once they are set. */
    private void checkOptions(String uri, FlowStateEndpoint endpoint) {
        FlowStateConfiguration configuration = endpoint.getConfiguration();
        FlowStateOperation operation = endpoint.operation();
        if (endpoint.getKey() != null && operation.isKeyed()) {
            // a state key is a path in the global scope only; the watermark of changes is always a persistent key
            if (configuration.getScope() == StateScope.GLOBAL && operation.uriKey() == FlowStateOperation.UriKey.STATE_KEY) {
                Identifiers.requirePath(endpoint.getKey());
            } else {
                Identifiers.requireKey(endpoint.getKey());
            }
        }
        if (operation == FlowStateOperation.CHANGES) {
            endpoint.setChangeOptions(ChangeWatch.Options.of(configuration.getIdPath(), configuration.getMode(),
                    configuration.getCommit(), configuration.isStopWhenEmpty()));
        }
        if (configuration.getTimeout() != null) {
            requirePositive("The option timeout of " + uri, configuration.getTimeout());
        }
        if (operation == FlowStateOperation.SUSPEND) {
            ApprovalOptions options = ApprovalOptions.of(uri, configuration.getTimeout(), configuration.getOnTimeout(),
                    configuration.getTimeoutPayload(), configuration.isSelfApproval(), configuration.getPayloadSchema(),
                    approvalSchemas());
            endpoint.setApprovalOptions(options);
            if (endpoint.getKey() != null) {
                timeoutResults.merge(endpoint.getKey(), options.timeoutResult(),
                        (known, added) -> known.equals(added) ? known : Optional.empty());
            }
        } else if (configuration.getOnTimeout() != null || configuration.getTimeoutPayload() != null
                   || !configuration.isSelfApproval() || configuration.getPayloadSchema() != null) {
            throw new IllegalArgumentException("The options onTimeout, timeoutPayload, selfApproval and payloadSchema of "
                                               + uri + " belong on flowstate:suspend, the approval step");
        }
        if (configuration.getTtl() != null) {
            checkTtl(uri, operation, configuration);
        }
        if (operation == FlowStateOperation.SLEEP) {
            if (configuration.getDuration() == null) {
                throw new IllegalArgumentException(uri + " needs the duration of the sleep:"
                                                   + " flowstate:sleep?duration=PT10M (an ISO-8601 duration)");
            }
            requirePositive("The option duration of " + uri, configuration.getDuration());
        } else if (configuration.getDuration() != null) {
            throw new IllegalArgumentException("The duration option of " + uri + " belongs on flowstate:sleep");
        }
    }

    private static void checkTtl(String uri, FlowStateOperation operation, FlowStateConfiguration configuration) {
        if (operation != FlowStateOperation.SET) {
            throw new IllegalArgumentException("The ttl option of " + uri + " belongs on flowstate:set");
        }
        if (configuration.getScope() != StateScope.PERSISTENT && configuration.getScope() != StateScope.GLOBAL) {
            throw new IllegalArgumentException("The ttl option of " + uri + " needs scope=persistent or scope=global,"
                                               + " where values are stored by themselves; scope "
                                               + configuration.getScope().name().toLowerCase() + " has no expiry");
        }
        requirePositive("The option ttl of " + uri, configuration.getTtl());
    }

    /** The generated configurer, reading checkpoint as users write it (see OptionEnumConfigurer). */
    @Override
    public PropertyConfigurer getComponentPropertyConfigurer() {
        return OptionEnumConfigurer.wrap(super.getComponentPropertyConfigurer(), "flowstate component");
    }

    /** The generated configurer, reading checkpoint, mode and commit as users write them. */
    @Override
    public PropertyConfigurer getEndpointPropertyConfigurer() {
        return OptionEnumConfigurer.wrap(super.getEndpointPropertyConfigurer(), "flowstate endpoint");
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        executions.register(getCamelContext());
        executions.addObserver(activity);
        // normally loaded by Camel before any route is built; some launchers hide it from Camel's class loader
        FlowStateContextPlugin.ensureInstalled(getCamelContext());
        getCamelContext().addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                // every route is built by now
                FlowStateContextPlugin.warnAboutUnwrappedSteps(context);
            }
        });
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        requirePositive("The flowstate component option leaseDuration", leaseDuration);
        requirePositive("The flowstate component option recoveryInterval", recoveryInterval);
        requirePositive("The flowstate component option retention", retention);
        if (checkpoint == null) {
            throw new IllegalArgumentException("The flowstate component option checkpoint is not set: set it to one of "
                                               + Arrays.toString(CheckpointPolicy.values()));
        }
        if (maxHistory < 1) {
            throw new IllegalArgumentException("The flowstate component option maxHistory must be at least 1 (the"
                                               + " history events a run keeps), was " + maxHistory);
        }
        if (maxFinishedRuns < 0) {
            throw new IllegalArgumentException("The flowstate component option maxFinishedRuns must be 0 (no cap) or a"
                                               + " positive number of finished runs to keep, was " + maxFinishedRuns);
        }
        if (recoveryThreads < 1) {
            throw new IllegalArgumentException("The flowstate component option recoveryThreads must be a positive number"
                                               + " of threads (1 continues stored runs one after another), was "
                                               + recoveryThreads);
        }
        executions.json().setSecrets(SecretValues.of(secretKeys, secretKey));
        if (jacksonModuleRefs != null && !jacksonModuleRefs.isBlank()) {
            executions.json().registerModules(resolveModules());
        }
        if (repository == null) {
            repository = dataSource != null
                    ? new JdbcFlowSnapshotRepository(dataSource) : new FileFlowSnapshotRepository(dataDirectory);
            repositoryCreatedHere = true;
        }
        // as Camel does with services it is handed: one its owner started already stays the owner's to stop
        repositoryStartedHere = !ServiceHelper.isStarted(repository);
        if (repositoryStartedHere) {
            ServiceHelper.startService(repository);
        }
        executions.configure(nodeId(), leaseDuration, checkpoint, maxHistory);
        metrics = MetricsBinding.bind(getCamelContext(), executions, repository);
        executions.useContext(getCamelContext(), this::declaredResources);
        executions.useOnCancelRoutes(this::onCancelRoute);
        FlowStepInterceptStrategy steps
                = getCamelContext().getCamelContextExtension().getContextPlugin(FlowStepInterceptStrategy.class);
        Predicate<String> stepExists = name -> suspendNames.contains(name) || sleepNames.contains(name)
                                               || anonymousSleeps && FlowExecution.isSleepName(name)
                                               || steps != null && steps.isKnownStep(name);
        reentry = new FlowReentry(getCamelContext(), executions, stepExists, approvalSchemas(),
                name -> timeoutResults.getOrDefault(name, Optional.empty()));
        restarts = new FlowRestarts(executions, reentry,
                routeId -> steps == null ? List.of() : steps.stepsOf(getCamelContext(), routeId), stepExists);
        maintenance = new FlowMaintenance(getCamelContext(), repository, executions, reentry, clockInUse,
                recoveryInterval, leaseDuration, retention, maxFinishedRuns, recoveryThreads);
        WorkDirectories dirs = WorkDirectories.of(workDirectory, repository.location());
        executions.useWorkDirectories(dirs);
        FlowSnapshotRepository repo = repository;
        Duration grace = leaseDuration;
        // the directories' modification times are the file system's (wall clock) times, not the runs' clock
        maintenance.addTask(() -> dirs.sweep(repo::hasEnded, Instant.now().minus(grace)));
        activity.restart();
        ServiceHelper.startService(maintenance);
        healthChecks = FlowStateHealthChecks.addTo(this, activity);
    }

    /** What this node's runs and maintenance did since the component started: for the checks and the dev console. */
    RunActivity activity() {
        return activity;
    }

    @Override
    protected void doStop() throws Exception {
        if (healthChecks != null) {
            healthChecks.remove();
            healthChecks = null;
        }
        ServiceHelper.stopService(maintenance);
        maintenance = null;
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
        executions.useWorkDirectories(null);
        if (repositoryStartedHere) {
            ServiceHelper.stopService(repository);
            repositoryStartedHere = false;
        }
        if (repositoryCreatedHere) {
            repository = null; // created again at the next start, from the options of that time
            repositoryCreatedHere = false;
        }
        super.doStop();
    }

    /** The resource.NAME options of the flowstate:start endpoints of flow {@code flowId} in route {@code routeId}. */
    private Map<String, Object> declaredResources(String routeId, String flowId) {
        Map<String, Object> resources = new LinkedHashMap<>();
        for (FlowStateConfiguration start : startsOf(routeId, flowId)) {
            resources.putAll(start.getResources());
        }
        return resources;
    }

    /** The onCancel option of the flowstate:start of flow {@code flowId} in route {@code routeId}, or null. */
    private String onCancelRoute(String routeId, String flowId) {
        for (FlowStateConfiguration start : startsOf(routeId, flowId)) {
            if (start.getOnCancel() != null) {
                return start.getOnCancel();
            }
        }
        return null;
    }

    /** The options of the flowstate:start endpoints of flow {@code flowId} in route {@code routeId}. */
    private List<FlowStateConfiguration> startsOf(String routeId, String flowId) {
        Route route = routeId == null ? null : getCamelContext().getRoute(routeId);
        if (route == null) {
            return List.of();
        }
        List<FlowStateConfiguration> starts = new ArrayList<>();
        for (Processor processor : route.filter("*")) {
            if (processor instanceof EndpointAware aware && aware.getEndpoint() instanceof FlowStateEndpoint endpoint
                    && endpoint.getComponent() == this && endpoint.operation() == FlowStateOperation.START) {
                String startsFlow = endpoint.getKey() != null ? endpoint.getKey() : routeId;
                if (startsFlow.equals(flowId)) {
                    starts.add(endpoint.getConfiguration());
                }
            }
        }
        return starts;
    }

    private List<Module> resolveModules() {
        List<Module> modules = new ArrayList<>();
        for (String ref : jacksonModuleRefs.split(",")) {
            String name = ref.trim().startsWith("#") ? ref.trim().substring(1) : ref.trim();
            Module module = getCamelContext().getRegistry().lookupByNameAndType(name, Module.class);
            if (module == null) {
                throw new IllegalArgumentException("The flowstate component option jacksonModuleRefs names '" + name
                                                   + "', but the registry holds no Jackson Module bean of that name");
            }
            modules.add(module);
        }
        return modules;
    }

    /** Who holds leases: this CamelContext in this process on this host. */
    private String nodeId() {
        return getCamelContext().getName() + "@" + ManagementFactory.getRuntimeMXBean().getName();
    }

    /** @param what the option, as the error names it ("The option timeout of flowstate:suspend:x") */
    private static void requirePositive(String what, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(what + " must be a positive ISO-8601 duration such as PT30S, was " + value);
        }
    }

    /** Starts and attaches runs; the Java API's entry point ({@code FlowExecution.of(exchange)} uses it). */
    public FlowExecutions getExecutions() {
        return executions;
    }

    /** Continues stored runs: resume, suspend timeouts, recovery. */
    public FlowReentry getReentry() {
        return reentry;
    }

    /** {@code flowstate:restart}: runs FAILED and CANCELLED runs again; set while the component is started. */
    public FlowRestarts getRestarts() {
        return restarts;
    }

    /** The repository's housekeeping while the component runs (null when stopped), to run a pass on demand. */
    public FlowMaintenance getMaintenance() {
        return maintenance;
    }

    /**
     * Runs one maintenance pass now, on the caller's thread, and returns when it is done: continues the runs whose
     * lease expired, whose suspend timeout passed or whose sleep is over by the component's clock, then removes the
     * finished runs past their retention. A pass of the component's own schedule under way is waited for first (passes
     * never overlap), so what was due when this is called has been continued when it returns. With a clock a test
     * moves forward, a 90-day sleep ends in a call.
     *
     * @throws IllegalStateException when the component is not started
     */
    public void runMaintenance() {
        FlowMaintenance started = maintenance;
        if (started == null) {
            throw new IllegalStateException("The flowstate component is not started: runMaintenance() runs a"
                                            + " maintenance pass of a started component; start the CamelContext first");
        }
        started.runOnce();
    }

    /** flowstate:changes: diffs against watermarks in the persistent scope. */
    public ChangeWatch getChangeWatch() {
        return changeWatch;
    }

    /** The per-run scratch directories (null while the component is stopped). */
    public WorkDirectories getWorkDirectories() {
        return executions.workDirectories();
    }

    public Clock getClock() {
        return clock;
    }

    public void setClock(Clock clock) {
        this.clock = clock;
    }

    public String getSecretKeys() {
        return secretKeys;
    }

    public void setSecretKeys(String secretKeys) {
        this.secretKeys = secretKeys;
    }

    public String getSecretKey() {
        return secretKey;
    }

    public void setSecretKey(String secretKey) {
        this.secretKey = secretKey;
    }

    public String getWorkDirectory() {
        return workDirectory;
    }

    public void setWorkDirectory(String workDirectory) {
        this.workDirectory = workDirectory;
    }

    public FlowSnapshotRepository getRepository() {
        return repository;
    }

    public void setRepository(FlowSnapshotRepository repository) {
        this.repository = repository;
    }

    public String getDataDirectory() {
        return dataDirectory;
    }

    public void setDataDirectory(String dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public CheckpointPolicy getCheckpoint() {
        return checkpoint;
    }

    public void setCheckpoint(CheckpointPolicy checkpoint) {
        this.checkpoint = checkpoint;
    }

    public Duration getLeaseDuration() {
        return leaseDuration;
    }

    public void setLeaseDuration(Duration leaseDuration) {
        this.leaseDuration = leaseDuration;
    }

    public Duration getRecoveryInterval() {
        return recoveryInterval;
    }

    public void setRecoveryInterval(Duration recoveryInterval) {
        this.recoveryInterval = recoveryInterval;
    }

    public Duration getRetention() {
        return retention;
    }

    public void setRetention(Duration retention) {
        this.retention = retention;
    }

    public String getJacksonModuleRefs() {
        return jacksonModuleRefs;
    }

    public void setJacksonModuleRefs(String jacksonModuleRefs) {
        this.jacksonModuleRefs = jacksonModuleRefs;
    }

    public int getMaxHistory() {
        return maxHistory;
    }

    public void setMaxHistory(int maxHistory) {
        this.maxHistory = maxHistory;
    }

    public int getRecoveryThreads() {
        return recoveryThreads;
    }

    public void setRecoveryThreads(int recoveryThreads) {
        this.recoveryThreads = recoveryThreads;
    }

    public int getMaxFinishedRuns() {
        return maxFinishedRuns;
    }

    public void setMaxFinishedRuns(int maxFinishedRuns) {
        this.maxFinishedRuns = maxFinishedRuns;
    }
}
