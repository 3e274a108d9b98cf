package io.flowstate.camel.support;

import java.util.Locale;

/**
 * Marks the enum type of a component or endpoint option whose values users write in lower camel case, as its
 * {@code toString()} gives them ({@code afterEachStep} for {@code AFTER_EACH_STEP}): the component accepts exactly
 * that spelling, and the generated metadata lists it.
 */
public interface OptionEnum {

    /** The constant's name in lower camel case: {@code AFTER_EACH_STEP} → {@code afterEachStep}. */
    static String lowerCamel(Enum<?> constant) {
        String[] words = constant.name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder written = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            written.append(Character.toUpperCase(words[i].charAt(0))).append(words[i], 1, words[i].length());
        }
        return written.toString();
    }
}
