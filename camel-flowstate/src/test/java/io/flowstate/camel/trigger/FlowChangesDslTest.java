package io.flowstate.camel.trigger;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.resource.RouteDsl;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards flowstate:changes in Java, YAML and XML routes: only new (or changed) items go on, the watermark (ids and
 * hashes, never the items) is stored when the exchange succeeds (or at once), a failed exchange loses no item, an empty
 * poll can stop the exchange without leaving a run, and bad input fails clearly with nothing stored changed.
 */
class FlowChangesDslTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    private void load(RouteDsl dsl) throws Exception {
        dsl.load(context, "trigger/changes", new ChangesJavaDslRoutes());
    }

    private static Map<String, Object> item(int id, String name) {
        return Map.of("id", id, "name", name);
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void twoSuccessivePollsGiveOnlyTheNewItemsAndTheWatermarkHoldsIdsAndHashesOnly(RouteDsl dsl) throws Exception {
        load(dsl);

        Object first = template.requestBody("direct:poll", List.of(item(1, "ann"), item(2, "bob")));
        Object second = template.requestBody("direct:poll", List.of(item(1, "ann"), item(2, "bob"), item(3, "cy")));
        Object third = template.requestBody("direct:poll", List.of(item(2, "bob"), item(3, "cy")));

        assertThat(first).isEqualTo(List.of(item(1, "ann"), item(2, "bob")));
        assertThat(second).isEqualTo(List.of(item(3, "cy")));
        assertThat(third).isEqualTo(List.of());
        JsonNode watermark = repository.getValue("watch", "seen").orElseThrow().value();
        assertThat(watermark.get("format").intValue()).isEqualTo(1);
        assertThat(watermark.get("items")).hasSize(2);
        assertThat(watermark.get("items").get(0).get("id").intValue()).isEqualTo(2);
        assertThat(watermark.toString()).doesNotContain("bob").doesNotContain("cy");
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void newOrChangedAlsoGivesItemsWhoseContentChangedWithIdsAtANestedPath(RouteDsl dsl) throws Exception {
        load(dsl);
        Map<String, Object> ann = Map.of("customer", Map.of("id", "c1"), "plan", "basic");
        Map<String, Object> annUpgraded = Map.of("customer", Map.of("id", "c1"), "plan", "gold");
        Map<String, Object> bob = Map.of("customer", Map.of("id", "c2"), "plan", "basic");

        assertThat(template.requestBody("direct:pollChanged", List.of(ann, bob))).isEqualTo(List.of(ann, bob));
        assertThat(template.requestBody("direct:pollChanged", List.of(annUpgraded, bob)))
                .isEqualTo(List.of(annUpgraded));
        assertThat(template.requestBody("direct:pollChanged", List.of(annUpgraded, bob))).isEqualTo(List.of());
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void onCompletionStoresNothingWhenTheExchangeFailsSoTheItemsComeAgain(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange failed = template.request("direct:pollThenFail", e -> {
            e.getMessage().setBody(List.of(item(1, "ann")));
            e.getMessage().setHeader("fail", true);
        });

        assertThat(failed.getException()).hasMessage("processing failed");
        assertThat(repository.getValue("watchThenFail", "seen")).isEmpty();
        assertThat(template.requestBody("direct:pollThenFail", List.of(item(1, "ann")))).isEqualTo(List.of(item(1, "ann")));
        assertThat(repository.getValue("watchThenFail", "seen")).isPresent();
        assertThat(template.requestBody("direct:pollThenFail", List.of(item(1, "ann")))).isEqualTo(List.of());
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void immediateStoresTheWatermarkAtOnceEvenWhenTheExchangeFailsLater(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange failed = template.request("direct:pollImmediateThenFail", e -> {
            e.getMessage().setBody(List.of(item(1, "ann")));
            e.getMessage().setHeader("fail", true);
        });

        assertThat(failed.getException()).hasMessage("processing failed");
        assertThat(repository.getValue("watchImmediate", "seen")).isPresent();
        assertThat(template.requestBody("direct:pollImmediateThenFail", List.of(item(1, "ann")))).isEqualTo(List.of());
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void stopWhenEmptyEndsTheExchangeAndLeavesNoRun(RouteDsl dsl) throws Exception {
        load(dsl);
        MockEndpoint after = getMockEndpoint("mock:afterChanges");
        MockEndpoint items = getMockEndpoint("mock:item");
        after.expectedMessageCount(1);
        items.expectedBodiesReceived("a", "b");

        template.requestBody("direct:pollStop", List.of("a", "b"));
        Exchange empty = template.request("direct:pollStop", e -> e.getMessage().setBody(List.of("b", "a")));

        after.assertIsSatisfied();
        items.assertIsSatisfied();
        assertThat(empty.getException()).isNull();
        assertThat(empty.getMessage().getBody()).isEqualTo(List.of());
        assertThat(empty.getProperty(FlowStateConstants.EXECUTION)).isNull();
        assertThat(empty.getMessage().getHeaders()).doesNotContainKey(FlowStateConstants.EXECUTION_ID);
        assertThat(repository.find(FlowSnapshotQuery.builder().build()).items()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aBodyThatIsNotACollectionFailsAndStoresNothing(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange out = template.request("direct:poll", e -> e.getMessage().setBody("[{\"id\": 1}]"));

        assertThat(out.getException()).hasMessageContaining("flowstate:changes:seen needs a collection in the body")
                .hasMessageContaining("java.lang.String").hasMessageContaining("Nothing was stored");
        assertThat(repository.getValue("watch", "seen")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void itemsWithoutIdsFailAndChangeNothingStored(RouteDsl dsl) throws Exception {
        load(dsl);
        template.requestBody("direct:poll", List.of(item(1, "ann")));
        VersionedValue before = repository.getValue("watch", "seen").orElseThrow();

        Exchange out = template.request("direct:poll",
                e -> e.getMessage().setBody(List.of(item(1, "ann"), Map.of("name", "no id"))));

        assertThat(out.getException()).hasMessageContaining("Item 1 of the body")
                .hasMessageContaining("has no id at idPath 'id'");
        assertThat(repository.getValue("watch", "seen").orElseThrow()).isEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aCorruptedWatermarkFailsClearlyAndIsLeftAsItIs(RouteDsl dsl) throws Exception {
        load(dsl);
        long seen = repository.putValue("watch", "seen", TextNode.valueOf("garbage"), 0);
        long customers = repository.putValue("watchChanged", "customers",
                JsonNodeFactory.instance.objectNode().put("format", 1).set("items",
                        JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.objectNode().put("id", 1))),
                0);

        Exchange notAWatermark = template.request("direct:poll", e -> e.getMessage().setBody(List.of(item(1, "ann"))));
        Exchange noHash = template.request("direct:pollChanged",
                e -> e.getMessage().setBody(List.of(Map.of("customer", Map.of("id", "c1")))));

        assertThat(notAWatermark.getException())
                .hasMessageContaining("persistent key 'seen' of flow 'watch' does not hold a flowstate:changes watermark")
                .hasMessageContaining("Nothing was changed");
        assertThat(noHash.getException()).hasMessageContaining("item 0 has no id or no hash");
        assertThat(repository.getValue("watch", "seen").orElseThrow().value().textValue()).isEqualTo("garbage");
        assertThat(repository.getValue("watch", "seen").orElseThrow().version()).isEqualTo(seen);
        assertThat(repository.getValue("watchChanged", "customers").orElseThrow().version()).isEqualTo(customers);
    }
}
