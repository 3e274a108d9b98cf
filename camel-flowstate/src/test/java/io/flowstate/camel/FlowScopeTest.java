package io.flowstate.camel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.flowstate.camel.execution.FlowExecution;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flow scope is shared by every run of a flow (and only that flow), and warns on every use unless told not to.
 */
class FlowScopeTest extends CamelTestSupport {

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            if (event.getLevel() == Level.WARN) {
                warnings.add(event.getMessage().getFormattedMessage());
            }
        }
    };

    @BeforeEach
    void captureWarnings() {
        capture.start();
        ((Logger) LogManager.getLogger(FlowExecution.class)).addAppender(capture);
    }

    @AfterEach
    void stopCapturing() {
        ((Logger) LogManager.getLogger(FlowExecution.class)).removeAppender(capture);
        capture.stop();
    }

    @Test
    void valuesSetByOneRunAreSeenByTheNextRunOfTheSameFlow() {
        template.sendBody("direct:write", "shared");
        assertThat(template.requestBody("direct:read", "x")).isEqualTo("shared");
    }

    @Test
    void otherFlowsDoNotSeeIt() {
        template.sendBody("direct:write", "shared");
        assertThat(template.requestBody("direct:otherFlow", "x")).isNull();
    }

    @Test
    void everyUseWarnsNamingTheFlowUnlessNoWarning() {
        template.sendBody("direct:write", "a");
        template.sendBody("direct:write", "b");
        assertThat(warnings).hasSize(2).allMatch(w -> w.contains("flow 'board'") && w.contains("noWarning=true"));

        warnings.clear();
        template.requestBody("direct:read", "x");
        assertThat(warnings).isEmpty();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:write").to("flowstate:start:board").to("flowstate:set:note?scope=flow");
                from("direct:read").to("flowstate:start:board").to("flowstate:get:note?scope=flow&noWarning=true");
                from("direct:otherFlow").to("flowstate:get:note?scope=flow&noWarning=true");
            }
        };
    }
}
