package io.flowstate.examples.approval;

import io.flowstate.examples.launcher.ExampleMain;

/**
 * Runs the order approval flow in Camel Main: the routes are YAML files (routes/*.yaml), the HTTP server and the
 * flowstate component are configured in application.properties.
 */
public final class OrderApprovalApplication {

    private OrderApprovalApplication() {
    }

    public static void main(String[] args) {
        ExampleMain.run(OrderApprovalApplication.class, args);
    }
}
