package io.flowstate.camel.dsl;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The three ways a user writes routes. {@link #load} adds the same scenario to a CamelContext: a Java RouteBuilder, or
 * a real route file from the classpath read by camel-yaml-dsl or camel-xml-io-dsl.
 */
enum Dsl {

    JAVA(null),
    YAML("yaml"),
    XML("xml");

    private final String extension;

    Dsl(String extension) {
        this.extension = extension;
    }

    /**
     * Adds the routes named {@code baseName}: {@code classpath:routes/<baseName>.yaml|.xml}, or the Java twin.
     */
    void load(CamelContext context, String baseName, RoutesBuilder javaTwin) throws Exception {
        if (extension == null) {
            context.addRoutes(javaTwin);
            return;
        }
        Resource resource = ResourceHelper.resolveMandatoryResource(
                context, "classpath:routes/" + baseName + "." + extension);
        PluginHelper.getRoutesLoader(context).loadRoutes(resource);
    }
}
