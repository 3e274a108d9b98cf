package io.flowstate.camel.dsl;

import io.flowstate.camel.state.UnsupportedValueException;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guards that a cyclic POJO set from a route of any DSL is rejected with the path of the offending field counted from
 * the value's root (DESIGN section 3: "rejected when it is set, with the key and the path of the bad field"), the same
 * path every time: here {@code left.right}, the field that refers back to the root, as {@code self} is named for a
 * map that contains itself.
 */
class FlowStateCyclicValuePathTest extends CamelTestSupport {

    /** root.left is a child whose right refers back to root. */
    public static final class Node {
        public Node left;
        public Node right;

        static Node cycle() {
            Node root = new Node();
            root.left = new Node();
            root.left.right = root;
            return root;
        }
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void cyclicPojoIsRejectedNamingThePathFromItsRoot(Dsl dsl) throws Exception {
        dsl.load(context, "flowstate-operations", new FlowStateJavaDslRoutes());

        assertThatThrownBy(() -> template.requestBody("direct:setFromBody", Node.cycle()))
                .isInstanceOf(CamelExecutionException.class)
                .cause()
                .isInstanceOf(UnsupportedValueException.class)
                .hasMessageContaining("state key 'greeting'")
                .hasMessageContaining("The field 'left.right' of the value")
                .hasMessageContaining("cyclic reference");
    }
}
