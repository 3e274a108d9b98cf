package io.flowstate.camel.repository;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.SagaPropagation;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The order saga of the saga tests as users write it in each DSL: direct:order runs steps 1 to 3 (each with its
 * compensation direct:cancelN) and fails; each compensation sends body cancelN on to direct:cancelled, which the test
 * defines. The YAML and XML forms are {@code classpath:routes/flowstate-saga.yaml|.xml}.
 */
public final class OrderSagaRoutes {

    private OrderSagaRoutes() {
    }

    /** Adds the routes in {@code dsl} ({@code java}, {@code yaml} or {@code xml}) to {@code context}. */
    public static void load(CamelContext context, String dsl) throws Exception {
        if (dsl.equals("java")) {
            context.addRoutes(java());
        } else {
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    ResourceHelper.resolveMandatoryResource(context, "classpath:routes/flowstate-saga." + dsl));
        }
    }

    /** The Java form. */
    public static RouteBuilder java() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:order").saga()
                        .to("direct:step1", "direct:step2", "direct:step3")
                        .throwException(new IllegalStateException("payment refused"));
                for (int i = 1; i <= 3; i++) {
                    from("direct:step" + i).saga().propagation(SagaPropagation.MANDATORY)
                            .compensation("direct:cancel" + i).log("step " + i);
                    from("direct:cancel" + i).setBody(constant("cancel" + i)).to("direct:cancelled");
                }
            }
        };
    }
}
