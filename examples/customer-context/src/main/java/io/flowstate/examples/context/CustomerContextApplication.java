package io.flowstate.examples.context;

import io.flowstate.examples.launcher.ExampleMain;

/**
 * Runs the customer-context routes in Camel Main; application.properties makes it stop once it is idle.
 */
public final class CustomerContextApplication {

    private CustomerContextApplication() {
    }

    public static void main(String[] args) {
        // the routes in this package (CustomerRoutes) are found by Camel Main's package scan
        ExampleMain.run(CustomerContextApplication.class, args);
    }
}
