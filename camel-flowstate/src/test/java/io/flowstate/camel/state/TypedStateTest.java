package io.flowstate.camel.state;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.flowstate.camel.OrderState;
import io.flowstate.camel.TaskState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Typed state (a record or POJO declares the keys, their types and defaults) and the atomic edit of the whole state.
 */
class TypedStateTest {

    private final JsonValues json = new JsonValues();

    /** A POJO state: defaults from field initializers. */
    public static class Counters {
        public int seen = 10;
        public String label = "none";
    }

    @Test
    void recordStateStartsWithTheDefaultsOfItsCompactConstructor() {
        LocalStateStore state = new LocalStateStore(json, new StateSchema(OrderState.class, json.mapper()));
        assertThat(state.getState(OrderState.class)).isEqualTo(new OrderState(null, 0, 0, List.of()));
        assertThat(state.get("lines")).isEqualTo(List.of());
    }

    @Test
    void pojoStateStartsWithItsFieldInitializers() {
        LocalStateStore state = new LocalStateStore(json, new StateSchema(Counters.class, json.mapper()));
        assertThat(state.getAll()).containsEntry("seen", 10).containsEntry("label", "none");
    }

    @Test
    void writesAreConvertedToThePropertyType() {
        LocalStateStore state = new LocalStateStore(json, new StateSchema(OrderState.class, json.mapper()));
        state.set("attempts", "5");
        state.set("total", 7);
        state.append("lines", "first");
        assertThat(state.get("attempts")).isEqualTo(5);
        assertThat(state.getState(OrderState.class)).isEqualTo(new OrderState(null, 5, 7.0, List.of("first")));
    }

    @Test
    void anEnumWithJacksonNamesIsAcceptedByATypedPropertyOfItsType() {
        LocalStateStore state = new LocalStateStore(json, new StateSchema(TaskState.class, json.mapper()));

        state.set("status", TaskState.Status.IN_PROGRESS);
        state.set("priority", TaskState.Priority.HIGH);

        assertThat(state.getState(TaskState.class))
                .isEqualTo(new TaskState(TaskState.Status.IN_PROGRESS, TaskState.Priority.HIGH));
        assertThat(state.get("status")).isEqualTo("in-progress");
        assertThat(state.get("status", TaskState.Status.class)).isEqualTo(TaskState.Status.IN_PROGRESS);
    }

    @Test
    void anEnumReadsBackAsItsTypeFromUntypedState() {
        LocalStateStore state = new LocalStateStore(json, null);

        state.set("status", TaskState.Status.IN_PROGRESS);

        assertThat(state.get("status", TaskState.Status.class)).isEqualTo(TaskState.Status.IN_PROGRESS);
    }

    @Test
    void incrementOfATypedIntStaysAnInt() {
        LocalStateStore state = new LocalStateStore(json, new StateSchema(OrderState.class, json.mapper()));
        assertThat(state.increment("attempts", 2L)).isEqualTo(2);
    }

    @Test
    void aDecimalIntoAnIntPropertyIsRejectedNotTruncated() {
        LocalStateStore state = new LocalStateStore(json, new StateSchema(OrderState.class, json.mapper()));
        assertThatThrownBy(() -> state.set("attempts", 2.5)).isInstanceOf(StateTypeException.class)
                .hasMessageContaining("'attempts'").hasMessageContaining("int");
        assertThat(state.get("attempts")).isEqualTo(0);
    }

    @Test
    void deletingATypedPropertyRestoresItsDefault() {
        LocalStateStore state = new LocalStateStore(json, new StateSchema(Counters.class, json.mapper()));
        state.set("seen", 99);
        assertThat(state.delete("seen")).isTrue();
        assertThat(state.get("seen")).isEqualTo(10);
    }

    @Test
    void typedEditReplacesTheWholeStateAtomically() {
        LocalStateStore state = new LocalStateStore(json, new StateSchema(OrderState.class, json.mapper()));
        OrderState after = state.edit(OrderState.class,
                s -> new OrderState("acme", s.attempts() + 1, s.total() + 9.5, List.of("x")));
        assertThat(after).isEqualTo(new OrderState("acme", 1, 9.5, List.of("x")));
        assertThat(state.get("customer")).isEqualTo("acme");
    }

    @Test
    void typedEditThatBreaksTheClassRuleChangesNothing() {
        LocalStateStore state = new LocalStateStore(json, new StateSchema(OrderState.class, json.mapper()));
        state.set("customer", "acme");
        assertThatThrownBy(() -> state.edit(OrderState.class, s -> new OrderState("other", 1, -1, null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(state.get("customer")).isEqualTo("acme");
    }

    @Test
    void editThatThrowsHalfWayKeepsNothingOfWhatItDid() {
        LocalStateStore state = new LocalStateStore(json, null);
        state.set("a", 1);
        assertThatThrownBy(() -> state.edit(s -> {
            s.set("a", 2);
            s.set("b", 3);
            throw new IllegalStateException("business rule failed");
        })).hasMessage("business rule failed");
        assertThat(state.getAll()).containsOnlyKeys("a").containsEntry("a", 1);
    }

    @Test
    void editOfTypedStateChecksKeysAndTypesAtTheEnd() {
        LocalStateStore state = new LocalStateStore(json, new StateSchema(OrderState.class, json.mapper()));
        assertThatThrownBy(() -> state.edit(s -> s.set("colour", "red"))).isInstanceOf(StateTypeException.class)
                .hasMessageContaining("'colour'");
        assertThatThrownBy(() -> state.edit(s -> s.set("attempts", "many"))).isInstanceOf(StateTypeException.class)
                .hasMessageContaining("'attempts'");
        assertThat(state.getState(OrderState.class)).isEqualTo(new OrderState(null, 0, 0, List.of()));
    }

    @Test
    void editIsAnAtomicReadModifyWriteUnderContention() throws Exception {
        LocalStateStore state = new LocalStateStore(json, null);
        state.set("a", 0);
        state.set("b", 0);
        int threads = 8;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        // a read-modify-write of two keys that must move together
                        state.edit(s -> {
                            long a = s.get("a", Long.class);
                            s.set("a", a + 1);
                            s.set("b", s.get("b", Long.class) + 2);
                        });
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(state.get("a", Long.class)).isEqualTo((long) threads * perThread);
        assertThat(state.get("b", Long.class)).isEqualTo(2L * threads * perThread);
    }

    @Test
    void aRejectedSecretValueIsNotShownInTheError() {
        JsonValues withSecrets = new JsonValues();
        withSecrets.setSecrets(SecretValues.of("customer,attempts", null));
        LocalStateStore state = new LocalStateStore(withSecrets, new StateSchema(OrderState.class, withSecrets));
        assertThatThrownBy(() -> state.set("customer", java.util.Map.of("pin", "4711")))
                .isInstanceOf(StateTypeException.class)
                .hasMessageContaining("'customer'")
                .hasMessageContaining("(a secret value)")
                .hasMessageNotContaining("4711");
        assertThatThrownBy(() -> state.set("attempts", "pin-4711"))
                .isInstanceOf(StateTypeException.class)
                .hasMessageNotContaining("4711")
                .hasNoCause();
    }

    @Test
    void readingUntypedStateAsAClassFailsClearly() {
        LocalStateStore state = new LocalStateStore(json, null);
        assertThatThrownBy(() -> state.getState(OrderState.class)).isInstanceOf(StateTypeException.class)
                .hasMessageContaining("stateClass=" + OrderState.class.getName());
    }
}
