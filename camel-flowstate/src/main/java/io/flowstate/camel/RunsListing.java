package io.flowstate.camel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.flowstate.camel.snapshot.FlowSnapshotPage;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * {@code flowstate:runs}: one page of the stored runs the endpoint's filters choose, oldest first, as a list of maps
 * (times as ISO-8601 text, so the page marshals to JSON as it is), with the next page's token in header
 * {@code CamelFlowStatePageToken}.
 */
final class RunsListing {

    private final FlowStateConfiguration configuration;
    private final BusinessKeyOption businessKey;

    RunsListing(FlowStateConfiguration configuration, BusinessKeyOption businessKey) {
        this.configuration = configuration;
        this.businessKey = businessKey;
    }

    /** @param now the component clock's time: what a duration in updatedBefore counts back from */
    void answer(Exchange exchange, FlowSnapshotRepository repository, Instant now) {
        Message message = exchange.getMessage();
        String token = message.getHeader(FlowStateConstants.PAGE_TOKEN, String.class);
        FlowSnapshotPage page = repository.find(
                RunsOptions.query(configuration, businessKey.of(exchange, false), token, now));
        List<Map<String, Object>> runs = new ArrayList<>(page.items().size());
        page.items().forEach(run -> runs.add(summary(run)));
        message.setBody(runs);
        if (page.hasNext()) {
            message.setHeader(FlowStateConstants.PAGE_TOKEN, page.nextPageToken());
        } else {
            message.removeHeader(FlowStateConstants.PAGE_TOKEN);
        }
    }

    /** One run as the body lists it: every key present, null when the run has no such value. */
    static Map<String, Object> summary(FlowSnapshotSummary run) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("executionId", run.executionId());
        map.put("flowId", run.flowId());
        map.put("status", run.status().name());
        map.put("waitingFor", run.waitingFor());
        map.put("waitingSince", text(run.waitingSince()));
        map.put("lastStep", run.lastStep());
        map.put("startedAt", text(run.createdAt()));
        map.put("updatedAt", text(run.updatedAt()));
        map.put("attempt", run.attempt());
        map.put("leaseOwner", run.leaseOwner());
        map.put("leaseExpiresAt", text(run.leaseExpiresAt()));
        map.put("parentExecutionId", run.parentExecutionId());
        map.put("businessKey", run.businessKey());
        return map;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
