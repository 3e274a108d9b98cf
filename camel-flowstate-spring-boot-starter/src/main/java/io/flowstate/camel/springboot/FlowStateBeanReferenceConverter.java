package io.flowstate.camel.springboot;

import java.time.Clock;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;

/**
 * Turns a bean reference written in {@code camel.component.flowstate.*} ({@code data-source=#dataSource}, also
 * {@code #bean:dataSource}) into that Spring bean, while the options are bound: the component then uses the
 * application's own bean (its connection pool, its repository, its clock). A reference to a bean that does not exist, or a value
 * that is not a reference, fails the binding with a message naming the bean; Spring adds the property's name.
 */
final class FlowStateBeanReferenceConverter implements GenericConverter {

    private static final Set<Class<?>> BEAN_TYPES = Set.of(DataSource.class, FlowSnapshotRepository.class, Clock.class);

    private final ListableBeanFactory beans;

    FlowStateBeanReferenceConverter(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        return BEAN_TYPES.stream().map(type -> new ConvertiblePair(String.class, type)).collect(Collectors.toSet());
    }

    @Override
    public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        if (source == null) {
            return null;
        }
        Class<?> type = targetType.getType();
        if (!BEAN_TYPES.contains(type)) {
            throw new IllegalArgumentException("Cannot convert to " + type.getName() + ": not a flowstate bean option");
        }
        String name = beanName(source.toString().trim(), type);
        if (!beans.containsBean(name)) {
            throw new IllegalArgumentException("No bean named '" + name + "' in the application context; beans of type "
                                               + type.getName() + ": " + namesOf(type));
        }
        if (!beans.isTypeMatch(name, type)) {
            throw new IllegalArgumentException("The bean named '" + name + "' is not a " + type.getName()
                                               + "; beans of that type: " + namesOf(type));
        }
        return beans.getBean(name, type);
    }

    /** The name in {@code #name} or {@code #bean:name}. */
    private String beanName(String reference, Class<?> type) {
        if (!reference.startsWith("#") || reference.length() == 1) {
            throw new IllegalArgumentException("Expected a reference to a " + type.getName()
                                               + " bean, written #beanName, was '" + reference + "'");
        }
        return reference.startsWith("#bean:") ? reference.substring("#bean:".length()) : reference.substring(1);
    }

    private String namesOf(Class<?> type) {
        String[] names = beans.getBeanNamesForType(type);
        return names.length == 0 ? "none" : String.join(", ", Arrays.asList(names));
    }
}
