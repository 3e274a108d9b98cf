package io.flowstate.camel.language;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The three ways a user writes routes: a Java RouteBuilder, or a real route file from the classpath read by
 * camel-yaml-dsl or camel-xml-io-dsl.
 */
public enum RouteDsl {

    JAVA(null),
    YAML("yaml"),
    XML("xml");

    private final String extension;

    RouteDsl(String extension) {
        this.extension = extension;
    }

    /** Adds the routes {@code classpath:<folder>/<baseName>.yaml|.xml}, or the Java twin. */
    public void load(CamelContext context, String folder, String baseName, RoutesBuilder javaTwin) throws Exception {
        if (extension == null) {
            context.addRoutes(javaTwin);
            return;
        }
        Resource resource = ResourceHelper.resolveMandatoryResource(
                context, "classpath:" + folder + "/" + baseName + "." + extension);
        PluginHelper.getRoutesLoader(context).loadRoutes(resource);
    }
}
