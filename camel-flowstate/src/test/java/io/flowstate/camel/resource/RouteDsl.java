package io.flowstate.camel.resource;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The three ways a user writes routes: a Java RouteBuilder, or a real route file from the classpath read by
 * camel-yaml-dsl or camel-xml-io-dsl. Tests of resources, scratch directories and triggers run the same scenario in
 * each.
 */
public enum RouteDsl {

    JAVA(null),
    YAML("yaml"),
    XML("xml");

    private final String extension;

    RouteDsl(String extension) {
        this.extension = extension;
    }

    /** Adds {@code classpath:<path>.yaml|.xml}, or the Java twin. */
    public void load(CamelContext context, String path, RoutesBuilder javaTwin) throws Exception {
        if (extension == null) {
            context.addRoutes(javaTwin);
            return;
        }
        Resource resource = ResourceHelper.resolveMandatoryResource(context, "classpath:" + path + "." + extension);
        PluginHelper.getRoutesLoader(context).loadRoutes(resource);
    }
}
