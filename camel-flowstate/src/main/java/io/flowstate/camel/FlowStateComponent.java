package io.flowstate.camel;

import java.time.Clock;
import java.util.Map;

import io.flowstate.camel.execution.FlowExecutions;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import io.flowstate.camel.state.JsonValues;
import io.flowstate.camel.support.Identifiers;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.service.ServiceHelper;

/**
 * The flowstate component: state shared by the steps of one run, by all runs of a flow, and kept across runs.
 */
@Component("flowstate")
public class FlowStateComponent extends DefaultComponent {

    @Metadata(autowired = true,
              description = "Where snapshots and persistent state live. Autowired when the registry holds exactly one"
                            + " FlowSnapshotRepository bean.")
    private FlowSnapshotRepository repository;

    @Metadata(defaultValue = "flowstate-data",
              description = "The directory of the file repository, the one used when no repository is configured"
                            + " (relative paths are relative to the working directory).")
    private String dataDirectory = "flowstate-data";

    private boolean repositoryCreatedHere;
    private final FlowExecutions executions = new FlowExecutions(new JsonValues(), this::getRepository, Clock.systemUTC());

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        int colon = remaining.indexOf(':');
        String operation = colon < 0 ? remaining : remaining.substring(0, colon);
        String key = colon < 0 ? null : remaining.substring(colon + 1);
        if (!FlowStateEndpoint.OPERATIONS.contains(operation)) {
            throw new IllegalArgumentException("Unknown flowstate operation '" + operation + "' in " + uri
                                               + ": use one of " + FlowStateEndpoint.OPERATIONS);
        }
        if (key != null && !key.isEmpty()) {
            if ("start".equals(operation)) {
                Identifiers.requireFlowId(key);
            } else if (FlowStateEndpoint.KEYED_OPERATIONS.contains(operation)) {
                Identifiers.requireKey(key);
            } else {
                throw new IllegalArgumentException("flowstate:" + operation + " takes no key, but " + uri + " gives '"
                                                   + key + "'");
            }
        }
        FlowStateEndpoint endpoint = new FlowStateEndpoint(uri, this, new FlowStateConfiguration());
        endpoint.setOperation(operation);
        endpoint.setKey(key == null || key.isEmpty() ? null : key);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (repository == null) {
            repository = new FileFlowSnapshotRepository(dataDirectory);
            repositoryCreatedHere = true;
        }
        ServiceHelper.startService(repository);
    }

    @Override
    protected void doStop() throws Exception {
        if (repositoryCreatedHere) {
            ServiceHelper.stopService(repository);
            repository = null;
            repositoryCreatedHere = false;
        }
        super.doStop();
    }

    /** Starts and attaches runs; the Java API's entry point ({@code FlowExecution.of(exchange)} uses it). */
    public FlowExecutions getExecutions() {
        return executions;
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
}
