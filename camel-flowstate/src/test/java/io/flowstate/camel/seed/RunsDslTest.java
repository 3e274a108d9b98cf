package io.flowstate.camel.seed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.resource.RouteDsl;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * flowstate:runs in Java, YAML and XML routes: filtered pages of run summaries, oldest first, walked with header
 * CamelFlowStatePageToken; a token of another query or a changed one is refused, naming what is wrong.
 */
class RunsDslTest {

    private static final List<String> SUMMARY_KEYS = List.of("executionId", "flowId", "status", "waitingFor",
            "waitingSince", "lastStep", "startedAt", "updatedAt", "attempt", "leaseOwner", "leaseExpiresAt",
            "parentExecutionId", "businessKey");

    @TempDir
    Path dir;

    private SeedNode node(RouteDsl dsl) throws Exception {
        return SeedNode.start(dir, dsl, "seed/keys", new KeysJavaDslRoutes(), null, Map.of());
    }

    private static String start(SeedNode node, String key) {
        return (String) node.request("direct:order", "o", Map.of("orderId", key)).getMessage().getBody(Map.class)
                .get("executionId");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> runs(Exchange reply) {
        assertThat(reply.getException()).isNull();
        return reply.getMessage().getBody(List.class);
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void pagesOfWaitingRunsAreWalkedWithThePageToken(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            List<String> started = List.of(start(node, "R-1"), start(node, "R-2"), start(node, "R-3"));

            Exchange first = node.request("direct:waiting", null);
            String token = first.getMessage().getHeader(FlowStateConstants.PAGE_TOKEN, String.class);
            Exchange second = node.request("direct:waiting", null, Map.of(FlowStateConstants.PAGE_TOKEN, token));

            List<Map<String, Object>> page = runs(first);
            assertThat(page).hasSize(2);
            assertThat(page.get(0).keySet()).containsExactlyElementsOf(SUMMARY_KEYS);
            assertThat(page.get(0)).containsEntry("executionId", started.get(0)).containsEntry("flowId", "order")
                    .containsEntry("status", "SUSPENDED").containsEntry("waitingFor", "approval")
                    .containsEntry("businessKey", "R-1").containsEntry("attempt", 1);
            assertThat(page.get(0).get("waitingSince")).isEqualTo(page.get(0).get("updatedAt")).isNotNull();
            assertThat(token).isNotBlank();
            List<String> all = new ArrayList<>(page.stream().map(r -> (String) r.get("executionId")).toList());
            runs(second).forEach(r -> all.add((String) r.get("executionId")));
            assertThat(all).containsExactlyElementsOf(started);
            assertThat(second.getMessage().getHeaders()).doesNotContainKey(FlowStateConstants.PAGE_TOKEN);
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aBusinessKeyFromAnExpressionFindsItsRuns(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            String run = start(node, "S-1");
            start(node, "S-2");

            List<Map<String, Object>> found = runs(node.request("direct:runsOfKey", null, Map.of("orderId", "S-1")));

            assertThat(found).extracting(r -> r.get("executionId")).containsExactly(run);
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aTokenOfAnotherQueryOrAChangedOneIsRefused(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            start(node, "T-1");
            start(node, "T-2");
            start(node, "T-3");
            String token = node.request("direct:waiting", null).getMessage()
                    .getHeader(FlowStateConstants.PAGE_TOKEN, String.class);

            Exchange foreign = node.request("direct:runsOfKey", null,
                    Map.of("orderId", "T-1", FlowStateConstants.PAGE_TOKEN, token));
            Exchange changed = node.request("direct:waiting", null,
                    Map.of(FlowStateConstants.PAGE_TOKEN, token.substring(0, token.length() - 1) + "x"));

            assertThat(foreign.getException()).hasMessageContaining("belongs to a query with other filters")
                    .hasMessageContaining("businessKey=T-1");
            assertThat(changed.getException()).hasMessageContaining("is not one a page of runs returned");
        }
    }
}
