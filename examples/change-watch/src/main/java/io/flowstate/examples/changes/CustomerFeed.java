package io.flowstate.examples.changes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;

/**
 * The polled source: a customer list that grows between polls, as a CRM's "all customers" query would. The first poll
 * lists two customers, the second four.
 */
public class CustomerFeed {

    private static final List<Map<String, Object>> CUSTOMERS = List.of(
            customer("c1", "Ann"), customer("c2", "Bob"), customer("c3", "Cy"), customer("c4", "Dee"));

    private final AtomicInteger polls = new AtomicInteger();

    /** All customers the source holds now; header {@code poll} := the number of this poll. */
    public List<Map<String, Object>> poll(Exchange exchange) {
        int poll = polls.incrementAndGet();
        exchange.getMessage().setHeader("poll", poll);
        return CUSTOMERS.subList(0, Math.min(CUSTOMERS.size(), 2 * poll));
    }

    private static Map<String, Object> customer(String id, String name) {
        Map<String, Object> customer = new LinkedHashMap<>();
        customer.put("id", id);
        customer.put("name", name);
        return customer;
    }
}
