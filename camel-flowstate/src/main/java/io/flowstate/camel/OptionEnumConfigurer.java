package io.flowstate.camel;

import java.util.Arrays;
import java.util.List;

import io.flowstate.camel.support.OptionEnum;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.PropertyConfigurerGetter;

/**
 * The generated configurer of the component or its endpoints, reading the values of {@link OptionEnum} options as users
 * write them. Camel's own String-to-enum conversion matches constant names loosely and, for a wrong value, names neither
 * the allowed values nor their spelling; this one accepts exactly the written values and says which they are.
 */
final class OptionEnumConfigurer implements PropertyConfigurer, PropertyConfigurerGetter {

    private final PropertyConfigurer generated;
    private final PropertyConfigurerGetter getter;
    private final String owner;

    /** @param owner whose options these are, as error messages name them ("flowstate component") */
    private OptionEnumConfigurer(PropertyConfigurer generated, String owner) {
        this.generated = generated;
        this.getter = (PropertyConfigurerGetter) generated;
        this.owner = owner;
    }

    /** {@code generated} reading OptionEnum values as written; null (no generated configurer) stays null. */
    static PropertyConfigurer wrap(PropertyConfigurer generated, String owner) {
        return generated instanceof PropertyConfigurerGetter ? new OptionEnumConfigurer(generated, owner) : generated;
    }

    @Override
    public boolean configure(CamelContext camelContext, Object target, String name, Object value, boolean ignoreCase) {
        Class<?> type = getter.getOptionType(name, ignoreCase);
        Object typed = value instanceof String text && type != null && type.isEnum()
                && OptionEnum.class.isAssignableFrom(type) ? constant(type, name, text) : value;
        return generated.configure(camelContext, target, name, typed, ignoreCase);
    }

    private Object constant(Class<?> type, String name, String text) {
        Object[] constants = type.getEnumConstants();
        List<String> written = Arrays.stream(constants).map(Object::toString).toList();
        int index = written.indexOf(text);
        if (index < 0) {
            throw new IllegalArgumentException("The " + owner + " option " + name + " must be "
                                               + String.join(", ", written.subList(0, written.size() - 1)) + " or "
                                               + written.get(written.size() - 1) + ", was '" + text + "'");
        }
        return constants[index];
    }

    @Override
    public Class<?> getOptionType(String name, boolean ignoreCase) {
        return getter.getOptionType(name, ignoreCase);
    }

    @Override
    public Object getOptionValue(Object target, String name, boolean ignoreCase) {
        return getter.getOptionValue(target, name, ignoreCase);
    }

    @Override
    public String[] getAutowiredNames() {
        return getter.getAutowiredNames();
    }

    @Override
    public Object getCollectionValueType(Object target, String name, boolean ignoreCase) {
        return getter.getCollectionValueType(target, name, ignoreCase);
    }
}
