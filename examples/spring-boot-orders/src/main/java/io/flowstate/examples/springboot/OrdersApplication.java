package io.flowstate.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The order approval flow in a Spring Boot application: the routes are {@link OrderRoutes}, served over HTTP by Spring
 * MVC (camel-platform-http-starter); the flowstate component keeps its runs on the application's DataSource, set in
 * application.properties ({@code camel.component.flowstate.data-source=#dataSource}).
 */
@SpringBootApplication
public class OrdersApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }
}
