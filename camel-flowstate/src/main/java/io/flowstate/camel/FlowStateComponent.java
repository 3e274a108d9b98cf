package io.flowstate.camel;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.Module;
import io.flowstate.camel.execution.CheckpointPolicy;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.FlowExecutions;
import io.flowstate.camel.execution.FlowReentry;
import io.flowstate.camel.execution.FlowMaintenance;
import io.flowstate.camel.resource.FlowResourceCatalog;
import io.flowstate.camel.resource.WorkDirectories;
import io.flowstate.camel.trigger.ChangeWatch;
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
import io.flowstate.camel.support.Identifiers;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
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

    @Metadata(defaultValue = "afterEachStep", enums = "afterEachStep,onSuspend,manual",
              description = "When runs save themselves: afterEachStep (after every completed step, so a run resumes"
                            + " after its last completed step), onSuspend (only when suspending) or manual (only at"
                            + " flowstate:snapshot, suspend and complete). A flow can override it on flowstate:start.")
    private String checkpoint = "afterEachStep";

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
              description = "COMPLETED and FAILED runs last updated longer ago than this are removed from the"
                            + " repository, except an inner run whose parent run is still stored and not finished."
                            + " ISO-8601 duration.")
    private Duration retention = Duration.ofDays(7);

    @Metadata(defaultValue = "0",
              description = "At most this many COMPLETED and FAILED runs are kept (the most recent), plus older inner"
                            + " runs whose parent run is still stored and not finished; 0 keeps all those within the"
                            + " retention.")
    private int maxFinishedRuns;

    @Metadata(label = "advanced",
              description = "Jackson modules that convert your own value types (money, ids, ...) to and from JSON when"
                            + " they are put into state or read back as a class: comma-separated bean references such"
                            + " as #moneyModule. Only the modules you name are registered; no type information is ever"
                            + " read from stored data.")
    private String jacksonModuleRefs;

    @Metadata(description = "The base of per-run scratch directories (flowstate:workdir): each run gets"
                            + " a directory named after its execution id in it, removed when the run completes or fails."
                            + " The system temp directory + /flowstate-work when not set. Give each application its"
                            + " own when several share a machine.")
    private String workDirectory;

    @Metadata(description = "Comma-separated state keys whose values are never stored in clear nor shown in messages:"
                            + " encrypted in snapshots and the persistent scope when secretKey is set, else redacted"
                            + " in snapshots (a restored or resumed run no longer has them, so the route sets them"
                            + " again). Input headers of these names are treated the same.")
    private String secretKeys;

    @Metadata(secret = true,
              description = "The AES key (base64 of 16, 24 or 32 bytes) that encrypts the values of secretKeys"
                            + " (AES-GCM, a random IV per value); give it through a property placeholder or a Camel"
                            + " vault, never in a route. Without it secret values are redacted instead. The key is"
                            + " never stored.")
    private String secretKey;

    private WorkDirectories workDirectories;
    private boolean repositoryCreatedHere;
    /** Whether this component started the repository (so stops it): not when it was started already. */
    private boolean repositoryStartedHere;
    private FlowMaintenance maintenance;
    private FlowReentry reentry;
    /** Names of the suspend steps of this context's routes: steps a resumed run may have completed. */
    private final Set<String> suspendNames = ConcurrentHashMap.newKeySet();
    /** Names of the named sleep steps of this context's routes (flowstate:sleep:NAME). */
    private final Set<String> sleepNames = ConcurrentHashMap.newKeySet();
    /** Whether some route has a sleep without name: its steps are named sleep-1, sleep-2 … by the run. */
    private volatile boolean anonymousSleeps;
    private final FlowExecutions executions = new FlowExecutions(new JsonValues(), this::getRepository, Clock.systemUTC());
    private final ChangeWatch changeWatch = new ChangeWatch(executions.json(), this::getRepository);

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        int colon = remaining.indexOf(':');
        String operation = colon < 0 ? remaining : remaining.substring(0, colon);
        String key = colon < 0 ? null : remaining.substring(colon + 1);
        if (!FlowStateEndpoint.OPERATIONS.contains(operation)) {
            throw new IllegalArgumentException("Unknown flowstate operation '" + operation + "' in " + uri
                                               + ": use one of " + FlowStateEndpoint.OPERATIONS);
        }
        if ("suspend".equals(operation)) {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("flowstate:suspend needs the name of the step: flowstate:suspend:approval");
            }
            suspendNames.add(Identifiers.requireKey(key));
        } else if ("sleep".equals(operation)) {
            if (key == null || key.isEmpty()) {
                anonymousSleeps = true;
            } else {
                sleepNames.add(Identifiers.requireKey(key));
            }
        } else if ("resource".equals(operation)) {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("flowstate:resource needs the name of the resource:"
                                                   + " flowstate:resource:myDataSource");
            }
            Identifiers.requireKey(key);
        } else if (key != null && !key.isEmpty()) {
            if ("start".equals(operation)) {
                Identifiers.requireFlowId(key);
            } else if (FlowStateEndpoint.KEYED_OPERATIONS.contains(operation)) {
                Identifiers.requireKeyOrPath(key); // a path only in the global scope: checked once the scope is set
            } else {
                throw new IllegalArgumentException("flowstate:" + operation + " takes no key, but " + uri + " gives '"
                                                   + key + "'");
            }
        }
        FlowStateEndpoint endpoint = new FlowStateEndpoint(uri, this, new FlowStateConfiguration());
        endpoint.setOperation(operation);
        endpoint.setKey(key == null || key.isEmpty() ? null : key);
        Map<String, Object> resources = PropertiesHelper.extractProperties(parameters, FlowResourceCatalog.OPTION_PREFIX);
        if (!resources.isEmpty()) {
            if (!"start".equals(operation)) {
                throw new IllegalArgumentException("The resource." + resources.keySet().iterator().next() + " option of "
                                                   + uri + " belongs on flowstate:start, where a flow declares its"
                                                   + " resources");
            }
            endpoint.getConfiguration().setResources(
                    FlowResourceCatalog.resolveOptions(getCamelContext(), uri, resources));
        }
        setProperties(endpoint, parameters);
        FlowStateConfiguration configuration = endpoint.getConfiguration();
        if (endpoint.getKey() != null && FlowStateEndpoint.KEYED_OPERATIONS.contains(operation)) {
            if (configuration.getScope() == StateScope.GLOBAL && !"changes".equals(operation)) {
                Identifiers.requirePath(endpoint.getKey());
            } else {
                Identifiers.requireKey(endpoint.getKey());
            }
        }
        if (configuration.getCheckpoint() != null) {
            CheckpointPolicy.of(configuration.getCheckpoint());
        }
        if ("changes".equals(operation)) {
            endpoint.setChangeOptions(ChangeWatch.Options.of(configuration.getIdPath(), configuration.getMode(),
                    configuration.getCommit(), configuration.isStopWhenEmpty()));
        }
        if (configuration.getTimeout() != null) {
            requirePositive("The option timeout of " + uri, configuration.getTimeout());
        }
        if ("sleep".equals(operation)) {
            if (configuration.getDuration() == null) {
                throw new IllegalArgumentException(uri + " needs the duration of the sleep:"
                                                   + " flowstate:sleep?duration=PT10M (an ISO-8601 duration)");
            }
            requirePositive("The option duration of " + uri, configuration.getDuration());
        } else if (configuration.getDuration() != null) {
            throw new IllegalArgumentException("The duration option of " + uri + " belongs on flowstate:sleep");
        }
        return endpoint;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
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
        CheckpointPolicy policy = CheckpointPolicy.of(checkpoint);
        if (maxFinishedRuns < 0) {
            throw new IllegalArgumentException("maxFinishedRuns must be 0 (no cap) or more, was " + maxFinishedRuns);
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
        executions.configure(nodeId(), leaseDuration, policy);
        executions.useContext(getCamelContext());
        FlowStepInterceptStrategy steps
                = getCamelContext().getCamelContextExtension().getContextPlugin(FlowStepInterceptStrategy.class);
        reentry = new FlowReentry(getCamelContext(), executions,
                name -> suspendNames.contains(name) || sleepNames.contains(name)
                        || anonymousSleeps && FlowExecution.isSleepName(name) || steps != null && steps.isKnownStep(name));
        maintenance = new FlowMaintenance(getCamelContext(), repository, executions, reentry, Clock.systemUTC(),
                recoveryInterval, leaseDuration, retention, maxFinishedRuns);
        workDirectories = new WorkDirectories(workDirectory);
        executions.useWorkDirectories(workDirectories);
        WorkDirectories dirs = workDirectories;
        FlowSnapshotRepository repo = repository;
        Duration grace = leaseDuration;
        maintenance.addTask(() -> dirs.sweep(repo, Instant.now().minus(grace)));
        ServiceHelper.startService(maintenance);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(maintenance);
        maintenance = null;
        workDirectories = null;
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

    /** The repository's housekeeping while the component runs (null when stopped), to run a pass on demand. */
    public FlowMaintenance getMaintenance() {
        return maintenance;
    }

    /** flowstate:changes: diffs against watermarks in the persistent scope. */
    public ChangeWatch getChangeWatch() {
        return changeWatch;
    }

    /** The per-run scratch directories (null while the component is stopped). */
    public WorkDirectories getWorkDirectories() {
        return workDirectories;
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

    public String getCheckpoint() {
        return checkpoint;
    }

    public void setCheckpoint(String checkpoint) {
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

    public int getMaxFinishedRuns() {
        return maxFinishedRuns;
    }

    public void setMaxFinishedRuns(int maxFinishedRuns) {
        this.maxFinishedRuns = maxFinishedRuns;
    }
}
