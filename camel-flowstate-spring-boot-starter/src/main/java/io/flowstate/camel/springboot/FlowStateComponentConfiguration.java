package io.flowstate.camel.springboot;

import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import io.flowstate.camel.execution.CheckpointPolicy;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The options of the flowstate component, bound from {@code camel.component.flowstate.*} (kebab-case:
 * {@code data-directory}, {@code lease-duration}) and copied onto the component by
 * {@link FlowStateComponentAutoConfiguration}. One field per option of the component's generated metadata, with its
 * description and default ({@code FlowStateStarterMetadataTest} checks that they agree). A key under the prefix that
 * names no option fails the application's start: a misspelt option must not be ignored silently.
 */
@ConfigurationProperties(prefix = "camel.component.flowstate", ignoreUnknownFields = false)
public class FlowStateComponentConfiguration extends ComponentConfigurationPropertiesCommon {

    /**
     * Whether to enable auto configuration of the flowstate component. This is enabled by default.
     */
    // only for the IDE metadata's description and default: the value is bound through the inherited isEnabled/setEnabled
    @SuppressWarnings("unused")
    private Boolean enabled = true;
    /**
     * Where snapshots and persistent state live. Autowired when the registry holds exactly one FlowSnapshotRepository
     * bean; otherwise the JDBC repository on dataSource when that is set, else the file repository in dataDirectory. A
     * repository not started yet is started and stopped with the component; one already started is left to its owner
     * to stop.
     */
    private FlowSnapshotRepository repository;
    /**
     * The directory of the file repository, the one used when no repository and no dataSource is configured (relative
     * paths are relative to the working directory).
     */
    private String dataDirectory = "flowstate-data";
    /**
     * A DataSource (e.g. #myDataSource) on which to use the JDBC repository (H2 or PostgreSQL, tables created on
     * start), when no repository is configured.
     */
    private DataSource dataSource;
    /**
     * When runs save themselves: afterEachStep (after every completed step, so a run resumes after its last completed
     * step), onSuspend (only when suspending) or manual (only at flowstate:snapshot, suspend and complete). A flow can
     * override it on flowstate:start.
     */
    private CheckpointPolicy checkpoint = CheckpointPolicy.AFTER_EACH_STEP;
    /**
     * How long a RUNNING run stays owned by the node that runs it without a renewal; that node renews the leases of
     * its running runs every third of this duration, and once a lease has expired (its node died) recovery on any node
     * may take the run over. ISO-8601 duration.
     */
    private Duration leaseDuration = Duration.ofSeconds(30);
    /**
     * How often runs whose lease expired (their node died) and suspended runs whose timeout passed are looked for and
     * continued, and retention applied; also once at start. Any positive duration: it sets how soon another node's
     * crashed runs are picked up, while leases are renewed on their own schedule (see leaseDuration). ISO-8601
     * duration.
     */
    private Duration recoveryInterval = Duration.ofSeconds(10);
    /**
     * Finished (COMPLETED, FAILED, CANCELLED) runs last updated longer ago than this are removed from the repository,
     * except an inner run whose parent run is still stored and not finished. ISO-8601 duration.
     */
    private Duration retention = Duration.ofDays(7);
    /**
     * At most this many finished (COMPLETED, FAILED, CANCELLED) runs are kept (the most recent), plus older inner runs
     * whose parent run is still stored and not finished; 0 keeps all those within the retention.
     */
    private Integer maxFinishedRuns = 0;
    /**
     * How many history events (flowstate:history) a run keeps: older ones are dropped and only counted by type, so a
     * run of any length stores a bounded history.
     */
    private Integer maxHistory = 1000;

    /**
     * How many stored runs (of a dead node, or whose suspend timeout or sleep passed) this node continues at the same
     * time; each holds a thread, and a database connection while it saves, so keep it within the DataSource's pool
     * size.
     */
    private Integer recoveryThreads = 4;
    /**
     * The base of the per-run scratch directories (flowstate:workdir), each named after its run's execution id. When
     * not set, flowstate-work/KEY in the system temp directory, where KEY derives from the repository's location, so
     * applications on different repositories never share one.
     */
    private String workDirectory;
    /**
     * Comma-separated state keys (and input headers) whose values are never stored in clear nor shown in messages:
     * encrypted in snapshots and the persistent scope when secretKey is set, else redacted in snapshots, so a restored
     * or resumed run must set them again.
     */
    private String secretKeys;
    /**
     * The AES key (base64 of 16, 24 or 32 bytes; never stored) encrypting the values of secretKeys with AES-GCM, a
     * random IV per value; without it they are redacted. Give it through a property placeholder or a Camel vault, never
     * in a route.
     */
    private String secretKey;
    /**
     * Whether the producer should be started lazy (on the first message). By starting lazy you can use this to allow
     * CamelContext and routes to startup in situations where a producer may otherwise fail during starting and cause
     * the route to fail being started. By deferring this startup to be lazy then the startup failure can be handled
     * during routing messages via Camel's routing error handlers. Beware that when the first message is processed then
     * creating and starting the producer may take a little time and prolong the total processing time of the
     * processing.
     */
    private Boolean lazyStartProducer = false;
    /**
     * Whether autowiring is enabled. This is used for automatic autowiring options (the option must be marked as
     * autowired) by looking up in the registry to find if there is a single instance of matching type, which then gets
     * configured on the component. This can be used for automatic configuring JDBC data sources, JMS connection
     * factories, AWS Clients, etc.
     */
    private Boolean autowiredEnabled = true;
    /**
     * Jackson modules (comma-separated bean references such as #moneyModule) that convert your own value types to and
     * from JSON in state. Only these are registered; no type information is ever read from stored data.
     */
    private String jacksonModuleRefs;
    /**
     * The clock (a java.time.Clock bean, e.g. #testClock) every time of the runs comes from: leases, suspend timeouts,
     * sleeps, retention and the times stored with each run. When not set, the system clock (UTC). A test sets a clock
     * it moves forward, then calls runMaintenance().
     */
    private Clock clock;

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

    public Integer getMaxFinishedRuns() {
        return maxFinishedRuns;
    }

    public void setMaxFinishedRuns(Integer maxFinishedRuns) {
        this.maxFinishedRuns = maxFinishedRuns;
    }

    public Integer getMaxHistory() {
        return maxHistory;
    }

    public void setMaxHistory(Integer maxHistory) {
        this.maxHistory = maxHistory;
    }

    public Integer getRecoveryThreads() {
        return recoveryThreads;
    }

    public void setRecoveryThreads(Integer recoveryThreads) {
        this.recoveryThreads = recoveryThreads;
    }

    public String getWorkDirectory() {
        return workDirectory;
    }

    public void setWorkDirectory(String workDirectory) {
        this.workDirectory = workDirectory;
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

    public Boolean getLazyStartProducer() {
        return lazyStartProducer;
    }

    public void setLazyStartProducer(Boolean lazyStartProducer) {
        this.lazyStartProducer = lazyStartProducer;
    }

    public Boolean getAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(Boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
    }

    public String getJacksonModuleRefs() {
        return jacksonModuleRefs;
    }

    public void setJacksonModuleRefs(String jacksonModuleRefs) {
        this.jacksonModuleRefs = jacksonModuleRefs;
    }

    public Clock getClock() {
        return clock;
    }

    public void setClock(Clock clock) {
        this.clock = clock;
    }
}
