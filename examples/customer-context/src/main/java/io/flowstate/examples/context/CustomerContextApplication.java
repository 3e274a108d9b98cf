package io.flowstate.examples.context;

import org.apache.camel.main.Main;

/**
 * Runs the customer-context routes in Camel Main; application.properties makes it stop once it is idle.
 */
public final class CustomerContextApplication {

    private CustomerContextApplication() {
    }

    public static void main(String[] args) throws Exception {
        // the routes in this package (CustomerRoutes) are found by Camel Main's package scan
        new Main(CustomerContextApplication.class).run(args);
    }
}
