package io.flowstate.camel;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.spi.InvokeOnHeader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operations are listed once, in {@link FlowStateOperation}: each has exactly one handler in the producer, and the
 * generated metadata lists them, in order and spelled as users write them, for the URI and for header
 * CamelFlowStateOperation.
 */
class FlowStateOperationTest {

    @Test
    void theOperationsAreSpelledAsUsersWriteThem() {
        assertThat(FlowStateOperation.names()).containsExactly("get", "set", "append", "increment", "delete", "getAll",
                "clear", "start", "snapshot", "restore", "complete", "suspend", "resume", "resource", "workdir", "changes",
                "sleep", "restart", "history", "cancel", "runs");
    }

    @Test
    void everyOperationHasExactlyOneHandler() {
        Map<String, List<String>> handlers = Arrays.stream(FlowStateProducer.class.getMethods())
                .filter(m -> m.isAnnotationPresent(InvokeOnHeader.class))
                .collect(Collectors.groupingBy(m -> m.getAnnotation(InvokeOnHeader.class).value(),
                        Collectors.mapping(Method::getName, Collectors.toList())));
        assertThat(handlers.keySet()).containsExactlyInAnyOrderElementsOf(FlowStateOperation.names());
        assertThat(handlers).allSatisfy((operation, methods) -> assertThat(methods).as(operation).hasSize(1));
    }

    @Test
    void theMetadataListsTheOperationsInOrder() throws IOException {
        JsonNode metadata = TypedOptionValuesTest.metadata();
        assertThat(listed(metadata.path("properties").path("operation"))).isEqualTo(FlowStateOperation.names());
        assertThat(listed(metadata.path("headers").path(FlowStateConstants.OPERATION)))
                .isEqualTo(FlowStateOperation.names());
    }

    private static List<String> listed(JsonNode option) {
        return option.path("enum").valueStream().map(JsonNode::asText).toList();
    }
}
