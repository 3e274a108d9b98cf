package io.flowstate.camel.state;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.execution.FlowExecution;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's own value type becomes JSON through the Jackson module named in {@code jacksonModuleRefs}, and reads back as
 * that type when the caller asks for it.
 */
class CustomValueTypesTest extends CamelTestSupport {

    /** A value type Jackson cannot handle on its own: no getters, no setters, no default constructor. */
    public static final class Money {
        private final BigDecimal amount;
        private final String currency;

        public Money(BigDecimal amount, String currency) {
            this.amount = amount;
            this.currency = currency;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Money m && m.amount.equals(amount) && m.currency.equals(currency);
        }

        @Override
        public int hashCode() {
            return amount.hashCode() * 31 + currency.hashCode();
        }

        @Override
        public String toString() {
            return amount.toPlainString() + " " + currency;
        }

        static Money parse(String text) {
            String[] parts = text.split(" ");
            return new Money(new BigDecimal(parts[0]), parts[1]);
        }
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        SimpleModule money = new SimpleModule("money");
        money.addSerializer(Money.class, new JsonSerializer<>() {
            @Override
            public void serialize(Money value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.toString());
            }
        });
        money.addDeserializer(Money.class, new JsonDeserializer<>() {
            @Override
            public Money deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return Money.parse(p.getValueAsString());
            }
        });
        registry.bind("money", money);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getComponent("flowstate", FlowStateComponent.class).setJacksonModuleRefs("#money");
        return context;
    }

    @Test
    void aValueTypeWithAModuleIsStoredAsItsJsonAndReadBackAsItself() {
        Money price = new Money(new BigDecimal("12.50"), "EUR");
        Exchange out = template.request("direct:price", e -> e.getMessage().setBody(Map.of("price", price)));
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo(Map.of("order", Map.of("price", "12.50 EUR")));
        assertThat(FlowExecution.find(out).orElseThrow().state().get("total", Money.class)).isEqualTo(price);
    }

    @Test
    void aModuleReferenceToNoBeanStopsTheStartNamingIt() {
        CamelContext other = new org.apache.camel.impl.DefaultCamelContext();
        other.getComponent("flowstate", FlowStateComponent.class).setJacksonModuleRefs("#money, #nope");
        other.getRegistry().bind("money", new SimpleModule("money"));
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                other.start();
                other.getComponent("flowstate").start();
            }).hasStackTraceContaining("jacksonModuleRefs names 'nope'");
        } finally {
            other.stop();
        }
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:price")
                        .to("flowstate:set:order")
                        .process(e -> FlowExecution.of(e).state().set("total", Money.parse("12.50 EUR")))
                        .to("flowstate:getAll")
                        .process(e -> e.getMessage().getBody(Map.class).remove("total"));
            }
        };
    }
}
