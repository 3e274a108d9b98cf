package io.flowstate.camel.dsl;

import java.util.UUID;

import io.flowstate.camel.FlowStateConstants;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards that the persistent scope works when no repository is configured and none is in the registry: the component
 * then uses its default repository (DESIGN section 8: "autowired if exactly one FlowSnapshotRepository bean, else
 * file"; issue 2: the persistent scope has an in-memory implementation now). Keys are unique per test run so a durable
 * default does not make a rerun fail.
 */
class FlowStatePersistentDefaultRepositoryTest extends CamelTestSupport {

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void persistentScopeWorksWithoutAConfiguredRepository(Dsl dsl) throws Exception {
        dsl.load(context, "flowstate-persistent", new FlowStatePersistentJavaDslRoutes());
        String customer = "customer-" + UUID.randomUUID();

        assertThat(template.requestBodyAndHeader("direct:lastSeen", "monday", FlowStateConstants.KEY, customer))
                .isEqualTo("never");
        assertThat(template.requestBodyAndHeader("direct:lastSeen", "tuesday", FlowStateConstants.KEY, customer))
                .isEqualTo("monday");
    }
}
