package io.flowstate.camel.durable;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The three ways a user writes a durable flow: a Java RouteBuilder, or a real route file from the classpath
 * ({@code durable/<name>.yaml} read by camel-yaml-dsl, {@code durable/<name>.xml} read by camel-xml-io-dsl).
 */
enum DurableDsl {

    JAVA(null),
    YAML("yaml"),
    XML("xml");

    private final String extension;

    DurableDsl(String extension) {
        this.extension = extension;
    }

    void load(CamelContext context, String baseName, RoutesBuilder javaTwin) throws Exception {
        if (extension == null) {
            context.addRoutes(javaTwin);
            return;
        }
        Resource resource = ResourceHelper.resolveMandatoryResource(
                context, "classpath:durable/" + baseName + "." + extension);
        PluginHelper.getRoutesLoader(context).loadRoutes(resource);
    }
}
