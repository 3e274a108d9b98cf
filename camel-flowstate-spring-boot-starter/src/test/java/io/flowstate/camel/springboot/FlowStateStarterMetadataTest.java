package io.flowstate.camel.springboot;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter binds every option of the component, as the component's generated metadata (what Camel's tooling and
 * catalog show) lists them: same names (in kebab-case), same types, same descriptions and same defaults, in the
 * {@code spring-configuration-metadata.json} IDEs read and in the values the starter copies onto the component. An
 * option added to the component and not to {@link FlowStateComponentConfiguration} fails here.
 */
class FlowStateStarterMetadataTest {

    private static final String PREFIX = "camel.component.flowstate.";
    private static final String COMPONENT_METADATA = "META-INF/io/flowstate/camel/flowstate.json";
    private static final String SPRING_METADATA = "META-INF/spring-configuration-metadata.json";
    /** The starter's own switches, which are not component options. */
    private static final Set<String> STARTER_ONLY = Set.of(PREFIX + "enabled", PREFIX + "customizer.enabled");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Map<String, JsonNode> componentOptions;
    private static Map<String, JsonNode> springProperties;

    @BeforeAll
    static void read() throws IOException {
        componentOptions = new LinkedHashMap<>();
        try (InputStream in = FlowStateStarterMetadataTest.class.getClassLoader().getResourceAsStream(COMPONENT_METADATA)) {
            assertThat(in).as("%s on the classpath (camel-flowstate's generated metadata)", COMPONENT_METADATA).isNotNull();
            JSON.readTree(in).path("componentProperties").properties()
                    .forEach(e -> componentOptions.put(e.getKey(), e.getValue()));
        }
        assertThat(componentOptions).isNotEmpty();
        springProperties = new LinkedHashMap<>();
        starterSpringMetadata().path("properties")
                .forEach(property -> springProperties.put(property.path("name").asText(), property));
    }

    @Test
    void everyComponentOptionIsAStarterPropertyAndNothingElse() {
        Set<String> expected = new TreeSet<>(STARTER_ONLY);
        componentOptions.keySet().forEach(option -> expected.add(PREFIX + kebab(option)));
        assertThat(springProperties.keySet()).as("camel.component.flowstate.* in spring-configuration-metadata.json")
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void typesAreTheComponentSetterTypes() {
        componentOptions.forEach((option, metadata) -> {
            String javaType = metadata.path("javaType").asText();
            Class<?> type = ClassUtils.resolvePrimitiveClassName(javaType);
            String boxed = type != null ? ClassUtils.resolvePrimitiveIfNecessary(type).getName() : javaType;
            assertThat(springProperty(option).path("type").asText()).as("type of %s", option).isEqualTo(boxed);
        });
    }

    @Test
    void descriptionsAreTheComponentDescriptions() {
        componentOptions.forEach((option, metadata) -> assertThat(springProperty(option).path("description").asText())
                .as("javadoc of FlowStateComponentConfiguration.%s", option)
                .isEqualTo(metadata.path("description").asText()));
    }

    @Test
    void defaultsAreTheComponentDefaults() {
        BeanWrapperImpl fresh = new BeanWrapperImpl(new FlowStateComponentConfiguration());
        componentOptions.forEach((option, metadata) -> {
            JsonNode spring = springProperty(option);
            Object starterValue = fresh.getPropertyValue(option);
            if (!metadata.has("defaultValue")) {
                assertThat(spring.has("defaultValue")).as("%s has no default in the component", option).isFalse();
                assertThat(starterValue).as("%s has no default in the component", option).isNull();
                return;
            }
            Class<?> type = fresh.getPropertyType(option);
            Object componentDefault = bind(type, metadata.path("defaultValue").asText());
            assertThat(spring.has("defaultValue")).as("default of %s in the Spring metadata", option).isTrue();
            assertThat(bind(type, spring.path("defaultValue").asText()))
                    .as("default of %s in the Spring metadata (%s) against the component's (%s)", option,
                            spring.path("defaultValue").asText(), metadata.path("defaultValue").asText())
                    .isEqualTo(componentDefault);
            assertThat(starterValue).as("default the starter copies onto the component for %s", option)
                    .isEqualTo(componentDefault);
        });
    }

    /** A value as Spring Boot binds it from a property, with the conversions and relaxed forms users rely on. */
    private static Object bind(Class<?> type, String value) {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("value", value)));
        return binder.bind("value", Bindable.of(type)).get();
    }

    private static JsonNode springProperty(String option) {
        JsonNode property = springProperties.get(PREFIX + kebab(option));
        assertThat(property).as("%s%s in spring-configuration-metadata.json", PREFIX, kebab(option)).isNotNull();
        return property;
    }

    /** dataDirectory -> data-directory, as Spring Boot names properties. */
    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Of the Spring metadata files on the classpath, the one the starter's annotation processor wrote. */
    private static JsonNode starterSpringMetadata() throws IOException {
        Enumeration<URL> files = FlowStateStarterMetadataTest.class.getClassLoader().getResources(SPRING_METADATA);
        while (files.hasMoreElements()) {
            JsonNode metadata = JSON.readTree(files.nextElement());
            for (JsonNode group : metadata.path("groups")) {
                if (group.path("type").asText().equals(FlowStateComponentConfiguration.class.getName())) {
                    return metadata;
                }
            }
        }
        throw new AssertionError("No " + SPRING_METADATA + " describing " + FlowStateComponentConfiguration.class.getName()
                                 + " on the classpath: spring-boot-configuration-processor did not run");
    }
}
