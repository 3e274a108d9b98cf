package io.flowstate.examples.approval;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * Runs the order approval flow in Camel Main: the routes are YAML files (routes/*.yaml), the HTTP server and the
 * flowstate component are configured in application.properties.
 */
public final class OrderApprovalApplication {

    private OrderApprovalApplication() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(OrderApprovalApplication.class) {
            @Override
            protected CamelContext createCamelContext() {
                CamelContext context = super.createCamelContext();
                // Camel looks up flowstate's ContextServicePlugin (which makes every step durable) with this class
                // loader; left unset it uses the system class loader, which does not see the application's jars
                // under `mvn exec:java` (or any launcher with its own class loader), and steps would not be recorded
                context.setApplicationContextClassLoader(OrderApprovalApplication.class.getClassLoader());
                return context;
            }
        };
        main.run(args);
    }
}
