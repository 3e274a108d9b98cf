package io.flowstate.camel.seed;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.resource.RouteDsl;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * One CamelContext ("node") with the flowstate component on the file repository in a directory: tests stop one and
 * start a fresh one on the same directory to check what survives a restart.
 */
final class SeedNode implements AutoCloseable {

    private final CamelContext context;
    private final ProducerTemplate template;

    private SeedNode(CamelContext context) {
        this.context = context;
        this.template = context.createProducerTemplate();
    }

    /**
     * @param configure more component settings (may be null)
     * @param beans     bound into the registry before the routes are added
     */
    static SeedNode start(
            Path dataDirectory, RouteDsl dsl, String routes, RoutesBuilder javaTwin, Consumer<FlowStateComponent> configure,
            Map<String, Object> beans)
            throws Exception {
        CamelContext context = new DefaultCamelContext();
        beans.forEach((name, bean) -> context.getRegistry().bind(name, bean));
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setDataDirectory(dataDirectory.resolve("data").toString());
        component.setWorkDirectory(dataDirectory.resolve("work").toString());
        if (configure != null) {
            configure.accept(component);
        }
        dsl.load(context, routes, javaTwin);
        context.start();
        return new SeedNode(context);
    }

    CamelContext context() {
        return context;
    }

    FlowStateComponent component() {
        return context.getComponent("flowstate", FlowStateComponent.class);
    }

    Exchange request(String uri, Object body, Map<String, Object> headers) {
        return template.request(uri, e -> {
            e.getMessage().setBody(body);
            e.getMessage().setHeaders(new java.util.HashMap<>(headers));
        });
    }

    Exchange request(String uri, Object body) {
        return request(uri, body, Map.of());
    }

    @Override
    public void close() {
        template.stop();
        context.stop();
    }
}
