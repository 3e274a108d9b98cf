package io.flowstate.camel.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import java.util.function.BiFunction;

import org.apache.camel.CamelContext;
import org.apache.camel.support.CamelContextHelper;

/**
 * What the component knows about resources outside a running route: the {@code resource.NAME=#bean} options of a
 * flow's {@code flowstate:start} (resolved when the endpoint is created) and, before a stored run is restored or
 * resumed, whether every resource it recorded can be resolved again.
 */
public final class FlowResourceCatalog {

    /** The prefix of the multi-value option on flowstate:start. */
    public static final String OPTION_PREFIX = "resource.";

    private final CamelContext context;
    private final BiFunction<String, String, Map<String, Object>> declared;

    /**
     * @param declared the resources declared by flow {@code flowId} (second argument) in route {@code routeId} (first
     *                 argument), an empty map when none
     */
    public FlowResourceCatalog(CamelContext context, BiFunction<String, String, Map<String, Object>> declared) {
        this.context = context;
        this.declared = declared;
    }

    /**
     * Resolves the {@code resource.NAME} options of a flowstate:start URI: {@code #name} or {@code #bean:name} are
     * registry references, any other value is used as it is (e.g. a plain text setting).
     *
     * @throws IllegalArgumentException naming the option when a referenced bean does not exist
     */
    public static Map<String, Object> resolveOptions(CamelContext context, String uri, Map<String, Object> options) {
        Map<String, Object> resolved = new LinkedHashMap<>();
        options.forEach((name, value) -> {
            if (!io.flowstate.camel.support.Identifiers.isName(name)) {
                throw new IllegalArgumentException("The resource name '" + name + "' in " + uri
                                                   + " is not valid: use letters, digits and _ . : -");
            }
            if (value instanceof String text && text.startsWith("#")) {
                String ref = text.startsWith("#bean:") ? text.substring(6) : text.substring(1);
                Object bean = CamelContextHelper.lookup(context, ref);
                if (bean == null) {
                    throw new IllegalArgumentException("The option " + OPTION_PREFIX + name + "=" + text + " of " + uri
                                                       + " refers to bean '" + ref
                                                       + "', which the Camel registry does not hold");
                }
                resolved.put(name, bean);
            } else if (value != null) {
                resolved.put(name, value);
            }
        });
        return resolved;
    }

    /**
     * The resources the flow {@code flowId} declares on the flowstate:start endpoints of route {@code routeId}: what a
     * run stored from that route gets when it is continued.
     */
    public Map<String, Object> flowResources(String routeId, String flowId) {
        return routeId == null ? Map.of() : declared.apply(routeId, flowId);
    }

    /**
     * Checks, before a stored run continues, that each resource it recorded can be resolved again: from the resources
     * given now ({@code own}), the flow's, or the registry.
     *
     * @throws ResourceNotFoundException naming every missing resource; nothing is changed
     */
    public void check(String executionId, String flowId, String routeId, List<String> names, Map<String, Object> own) {
        if (names.isEmpty()) {
            return;
        }
        Map<String, Object> flow = flowResources(routeId, flowId);
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (!own.containsKey(name) && !flow.containsKey(name) && context.getRegistry().lookupByName(name) == null) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new ResourceNotFoundException("Run " + executionId + " of flow '" + flowId + "' used resource"
                                                + (missing.size() > 1 ? "s " : " ") + missing
                                                + ", which cannot be resolved again: not given in header"
                                                + " CamelFlowStateResources " + own.keySet()
                                                + ", not declared by the flow's flowstate:start " + flow.keySet()
                                                + ", no bean of that name in the Camel registry. The run is left as it"
                                                + " was; give the resources (header CamelFlowStateResources on"
                                                + " flowstate:resume or restore) or bind beans of those names, then"
                                                + " try again.");
        }
    }
}
