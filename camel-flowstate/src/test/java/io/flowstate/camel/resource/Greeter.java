package io.flowstate.camel.resource;

/** A live object given to runs as a resource: it is never serialized, only its name is recorded. */
public final class Greeter {

    private final String prefix;

    public Greeter(String prefix) {
        this.prefix = prefix;
    }

    public String getPrefix() {
        return prefix;
    }

    public String greet(String name) {
        return prefix + " " + name;
    }

    @Override
    public String toString() {
        return "Greeter[" + prefix + "]";
    }
}
