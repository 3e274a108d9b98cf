package io.flowstate.camel.seed;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.FlowContextBusyException;
import io.flowstate.camel.execution.FlowContexts;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.resource.RouteDsl;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.support.InvalidIdentifierException;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards contexts reused across runs (header CamelFlowStateContextId) in Java, YAML and XML routes: a run of a context
 * begins with the state the last completed run of it ended with, across a restart of the CamelContext; typed state
 * too; a failed run leaves the context's state as it was; a second run while one is suspended fails naming the context
 * and the active run, and changes nothing; bad context ids fail before anything is stored.
 */
class FlowContextsDslTest {

    @TempDir
    Path dir;

    private SeedNode node(RouteDsl dsl) throws Exception {
        return SeedNode.start(dir, dsl, "seed/contexts", new ContextsJavaDslRoutes(), null, Map.of());
    }

    private static Map<String, Object> context(String id) {
        return Map.of(FlowStateConstants.CONTEXT_ID, id);
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void twoSuccessiveRunsOfAContextCarryTheirStateAcrossARestart(RouteDsl dsl) throws Exception {
        String firstRun;
        try (SeedNode node = node(dsl)) {
            Exchange first = node.request("direct:visit", "ann", context("customer-1"));
            assertThat(first.getException()).isNull();
            assertThat(first.getMessage().getBody()).isEqualTo(1L);
            assertThat(first.getMessage().getHeaders()).doesNotContainKey(FlowStateConstants.CONTEXT_ID);
            firstRun = first.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
            assertThat(node.component().getRepository().load(firstRun).orElseThrow().contextId())
                    .isEqualTo("customer-1");
        }
        try (SeedNode node = node(dsl)) {
            Exchange second = node.request("direct:visit", "bob", context("customer-1"));
            Exchange otherContext = node.request("direct:visit", "cy", context("customer-2"));
            Exchange noContext = node.request("direct:visit", "dan");

            assertThat(second.getException()).isNull();
            assertThat(second.getMessage().getBody()).isEqualTo(2L);
            assertThat(otherContext.getMessage().getBody()).isEqualTo(1L);
            assertThat(noContext.getMessage().getBody()).isEqualTo(1L);
            FlowContexts contexts = node.component().getExecutions().contexts();
            assertThat(contexts.state("customer-1")).isEqualTo(Map.of("names", List.of("ann", "bob"), "visits", 2));
            assertThat(contexts.activeRun("customer-1")).isEmpty();
            assertThat(contexts.lastRun("customer-1"))
                    .contains(second.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class));
            assertThat(contexts.lastRun("customer-1")).isNotEqualTo(firstRun);
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void typedStateIsCarriedAndCheckedAgainstTheStateClass(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            node.request("direct:visitTyped", "ann", context("typed-1"));
        }
        try (SeedNode node = node(dsl)) {
            Exchange second = node.request("direct:visitTyped", "bob", context("typed-1"));

            assertThat(second.getException()).isNull();
            assertThat(second.getMessage().getBody(Integer.class)).isEqualTo(2);
            assertThat(node.component().getExecutions().contexts().state("typed-1"))
                    .isEqualTo(Map.of("visits", 2, "last", "bob"));
            // the untyped flow's state (names) does not fit the typed flow: it fails and the context stays free
            node.request("direct:visit", "cy", context("untyped-1"));
            Exchange misfit = node.request("direct:visitTyped", "dan", context("untyped-1"));
            assertThat(misfit.getException()).hasMessageContaining("The state of context 'untyped-1' does not fit flow"
                                                                   + " 'visitTyped'")
                    .hasMessageContaining("names");
            assertThat(node.component().getExecutions().contexts().activeRun("untyped-1")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aFailedRunLeavesTheContextAsTheLastCompletedRunLeftIt(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            node.request("direct:visit", "ann", context("c"));

            Exchange failed = node.request("direct:visitThenFail", "bob", context("c"));
            Exchange next = node.request("direct:visit", "cy", context("c"));

            assertThat(failed.getException()).hasMessage("visit failed");
            String failedRun = failed.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
            assertThat(node.component().getRepository().load(failedRun).orElseThrow().status())
                    .isEqualTo(FlowStatus.FAILED);
            assertThat(next.getException()).isNull();
            assertThat(next.getMessage().getBody()).isEqualTo(2L);
            assertThat(node.component().getExecutions().contexts().state("c"))
                    .isEqualTo(Map.of("names", List.of("ann", "cy"), "visits", 2));
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aSecondRunWhileOneIsSuspendedFailsNamingTheContextAndTheActiveRun(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            Exchange first = node.request("direct:approve", "order-1", context("order-ctx"));
            Map<?, ?> reply = first.getMessage().getBody(Map.class);
            String active = (String) reply.get("executionId");
            long runsBefore = runs(node);

            Exchange second = node.request("direct:approve", "order-2", context("order-ctx"));

            assertThat(second.getException()).isInstanceOf(FlowContextBusyException.class)
                    .hasMessageContaining("Context 'order-ctx' is in use by run " + active)
                    .hasMessageContaining("(SUSPENDED)");
            assertThat(runs(node)).isEqualTo(runsBefore);
            assertThat(node.component().getExecutions().contexts().activeRun("order-ctx")).contains(active);

            Exchange resumed = node.request("direct:resume", "ann", Map.of(FlowStateConstants.EXECUTION_ID, active,
                    FlowStateConstants.RESUME_TOKEN, reply.get("resumeToken")));
            assertThat(resumed.getException()).isNull();
            FlowSnapshot done = node.component().getRepository().load(active).orElseThrow();
            assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
            assertThat(node.component().getExecutions().contexts().state("order-ctx"))
                    .isEqualTo(Map.of("approvals", 1, "approvedBy", "ann"));

            Exchange third = node.request("direct:approve", "order-3", context("order-ctx"));
            assertThat(third.getException()).isNull();
            String thirdRun = (String) third.getMessage().getBody(Map.class).get("executionId");
            assertThat(node.component().getRepository().load(thirdRun).orElseThrow().state().get("approvals").asLong())
                    .isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void badContextIdsFailClearlyAndStoreNothing(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            for (String bad : List.of("..", "a/b", "a\u0000b", "x".repeat(201), "../etc", "-lead")) {
                Exchange out = node.request("direct:visit", "ann", context(bad));
                assertThat(out.getException()).as(bad).isInstanceOf(InvalidIdentifierException.class)
                        .hasMessageContaining("The context id");
                assertThat(out.getException().getMessage()).doesNotContain("\u0000");
            }
            assertThat(runs(node)).isZero();
            assertThat(node.component().getRepository().getValues(FlowContexts.NAMESPACE)).isEmpty();
        }
    }

    private static long runs(SeedNode node) {
        return node.component().getRepository().find(FlowSnapshotQuery.builder().build()).items().size();
    }
}
