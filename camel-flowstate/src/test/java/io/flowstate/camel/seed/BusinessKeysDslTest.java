package io.flowstate.camel.seed;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.resource.RouteDsl;
import io.flowstate.camel.snapshot.DuplicateBusinessKeyException;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.support.InvalidIdentifierException;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Business keys on flowstate:start in Java, YAML and XML routes (option businessKey with a simple expression, header
 * CamelFlowStateBusinessKey): one unfinished run per flow and key; onDuplicate=reject fails naming the existing run,
 * onDuplicate=attach answers with it; the key is free once that run finishes; bad keys fail and store nothing.
 */
class BusinessKeysDslTest {

    @TempDir
    Path dir;

    private SeedNode node(RouteDsl dsl) throws Exception {
        return SeedNode.start(dir, dsl, "seed/keys", new KeysJavaDslRoutes(), null, Map.of());
    }

    private static Map<String, Object> order(String id) {
        return Map.of("orderId", id);
    }

    private static List<String> runsOfKey(SeedNode node, String key) {
        return node.component().getRepository().find(FlowSnapshotQuery.builder().businessKey(key).build()).items()
                .stream().map(FlowSnapshotSummary::executionId).toList();
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aSecondStartWithTheKeyIsRejectedNamingTheUnfinishedRun(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            Exchange first = node.request("direct:order", "o-1", order("A-1"));
            String firstRun = (String) first.getMessage().getBody(Map.class).get("executionId");

            Exchange second = node.request("direct:order", "o-1 again", order("A-1"));

            assertThat(second.getException()).isInstanceOf(DuplicateBusinessKeyException.class)
                    .hasMessageContaining("Flow 'order' has an unfinished run with business key 'A-1': run " + firstRun)
                    .hasMessageContaining("onDuplicate=attach");
            assertThat(((DuplicateBusinessKeyException) second.getException()).getExistingExecutionId())
                    .isEqualTo(firstRun);
            assertThat(runsOfKey(node, "A-1")).containsExactly(firstRun);
            assertThat(node.request("direct:order", "o-2", order("A-2")).getException()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void attachAnswersWithTheUnfinishedRunAndTheKeyIsFreeOnceItCompletes(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            Exchange first = node.request("direct:order", "o-3", order("B-1"));
            Map<?, ?> suspended = first.getMessage().getBody(Map.class);
            String firstRun = (String) suspended.get("executionId");

            Exchange attached = node.request("direct:orderAttach", "o-3 again", order("B-1"));

            assertThat(attached.getException()).isNull();
            assertThat(attached.getMessage().getBody(Map.class)).containsEntry("executionId", firstRun)
                    .containsEntry("status", "SUSPENDED").containsEntry("waitingFor", "approval")
                    .containsEntry("businessKey", "B-1").doesNotContainKey("resumeToken");
            assertThat(attached.getMessage().getHeaders()).containsEntry(FlowStateConstants.EXECUTION_ID, firstRun)
                    .containsEntry(FlowStateConstants.STATUS, FlowStatus.SUSPENDED)
                    .containsEntry(FlowStateConstants.WAITING_FOR, "approval");
            assertThat(runsOfKey(node, "B-1")).containsExactly(firstRun);

            Exchange resumed = node.request("direct:resume", "yes", Map.of(FlowStateConstants.EXECUTION_ID, firstRun,
                    FlowStateConstants.RESUME_TOKEN, suspended.get("resumeToken")));
            assertThat(resumed.getMessage().getBody()).isEqualTo("approved");
            Exchange next = node.request("direct:orderAttach", "o-4", order("B-1"));
            String nextRun = (String) next.getMessage().getBody(Map.class).get("executionId");
            assertThat(nextRun).isNotEqualTo(firstRun);
            assertThat(next.getMessage().getBody(Map.class)).containsKey("resumeToken");
            assertThat(runsOfKey(node, "B-1")).containsExactly(firstRun, nextRun);
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void theHeaderGivesTheKeyAndIsTakenOffTheMessage(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            Exchange first = node.request("direct:orderByHeader", "o-5",
                    Map.of(FlowStateConstants.BUSINESS_KEY, "C-1"));
            String run = (String) first.getMessage().getBody(Map.class).get("executionId");

            assertThat(first.getMessage().getHeaders()).doesNotContainKey(FlowStateConstants.BUSINESS_KEY);
            assertThat(node.component().getRepository().load(run).orElseThrow().businessKey()).isEqualTo("C-1");
            // the header wins over the option's expression
            Exchange second = node.request("direct:order", "o-6",
                    Map.of(FlowStateConstants.BUSINESS_KEY, "C-1", "orderId", "C-2"));
            assertThat(second.getException()).isInstanceOf(DuplicateBusinessKeyException.class)
                    .hasMessageContaining("run " + run);
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void keysOverTheLimitOrWithControlCharactersFailAndStoreNothing(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            Exchange tooLong = node.request("direct:order", "o-7", order("k".repeat(201)));
            Exchange control = node.request("direct:orderByHeader", "o-8",
                    Map.of(FlowStateConstants.BUSINESS_KEY, "D-1\r\nInjected: yes"));
            Exchange empty = node.request("direct:order", "o-9", order(""));

            assertThat(tooLong.getException()).isInstanceOf(InvalidIdentifierException.class)
                    .hasMessageContaining("201 characters long: at most 200 are allowed");
            assertThat(control.getException()).isInstanceOf(InvalidIdentifierException.class)
                    .hasMessageContaining("D-1\\u000d\\u000aInjected: yes").hasMessageContaining("U+000D");
            assertThat(empty.getException()).hasMessageContaining("businessKey option ${header.orderId} gave no value");
            assertThat(node.component().getRepository().find(FlowSnapshotQuery.builder().build()).items()).isEmpty();
        }
    }
}
