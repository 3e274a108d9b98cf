package io.flowstate.camel.springboot;

import io.flowstate.camel.FlowStateComponent;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.CamelPropertiesHelper;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;

/**
 * Configures the flowstate component from {@code camel.component.flowstate.*}, unless
 * {@code camel.component.flowstate.enabled} (or {@code camel.component.enabled}) is false. The bound options are copied
 * onto the component through Camel's property binding when Camel creates it, before it starts.
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@ConditionalOnHierarchicalProperties({ "camel.component", "camel.component.flowstate" })
@EnableConfigurationProperties({ ComponentConfigurationProperties.class, FlowStateComponentConfiguration.class })
public class FlowStateComponentAutoConfiguration {

    /** {@code #name} in a DataSource, repository or clock option: the Spring bean of that name. */
    @Bean
    @ConfigurationPropertiesBinding
    static FlowStateBeanReferenceConverter flowStateBeanReferenceConverter(ListableBeanFactory beans) {
        return new FlowStateBeanReferenceConverter(beans);
    }

    @Lazy
    @Bean
    public ComponentCustomizer configureFlowStateComponent(ApplicationContext applicationContext,
                                                           FlowStateComponentConfiguration configuration) {
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, Component target) {
                CamelPropertiesHelper.copyProperties(target.getCamelContext(), configuration, target);
            }

            @Override
            public boolean isEnabled(String name, Component target) {
                return target instanceof FlowStateComponent
                       && HierarchicalPropertiesEvaluator.evaluate(applicationContext, "camel.component.customizer",
                               "camel.component.flowstate.customizer");
            }
        };
    }
}
