package io.flowstate.camel.state;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.snapshot.VersionedValue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A persistent or global write that conflicts with concurrent writes on every attempt gives up after a small bound,
 * with an error that names the key, its scope and the attempts, says the key is contended and what to do; the stored
 * value is left as it was.
 */
class ContendedKeyTest {

    private final AlwaysContendedRepository repository = new AlwaysContendedRepository();
    private final JsonValues json = new JsonValues();
    private final AtomicInteger toldConflicts = new AtomicInteger();

    @Test
    void anIncrementOfAContendedPersistentKeyGivesUpAfterTheBoundAndChangesNothing() {
        RepositoryStateStore persistent = new RepositoryStateStore(repository, "orders", json, Clock.systemUTC(), toldConflicts::incrementAndGet);
        persistent.set("hot", 5);
        VersionedValue before = repository.getValue("orders", "hot").orElseThrow();
        repository.contend("hot");

        assertThatThrownBy(() -> persistent.increment("hot", 1))
                .isInstanceOf(ContendedKeyException.class)
                .hasMessageContaining("persistent state key 'hot' of flow 'orders'")
                .hasMessageContaining("after " + ConflictRetries.MAX_ATTEMPTS + " attempts")
                .hasMessageContaining("contended")
                .hasMessageContaining("Nothing was changed")
                .hasMessageContaining("Spread the writes over more keys");

        assertThat(repository.conflicts()).isEqualTo(ConflictRetries.MAX_ATTEMPTS);
        assertThat(toldConflicts).as("each conflict is told (metrics count them)").hasValue(ConflictRetries.MAX_ATTEMPTS);
        assertThat(repository.getValue("orders", "hot")).contains(before);
        assertThat(persistent.increment("cold", 1)).as("other keys are written as usual").isEqualTo(1L);
    }

    @Test
    void aDeleteOfAContendedGlobalValueGivesUpAfterTheBoundAndKeepsIt() {
        RepositoryStateStore global = RepositoryStateStore.global(repository, json, Clock.systemUTC(), toldConflicts::incrementAndGet);
        global.set("hot", "kept");
        VersionedValue before = repository.getValue(RepositoryStateStore.GLOBAL_NAMESPACE, "hot").orElseThrow();
        repository.contend("hot");

        assertThatThrownBy(() -> global.delete("hot"))
                .isInstanceOf(ContendedKeyException.class)
                .hasMessageContaining("global value 'hot'")
                .hasMessageContaining("after " + ConflictRetries.MAX_ATTEMPTS + " attempts");

        assertThat(repository.conflicts()).isEqualTo(ConflictRetries.MAX_ATTEMPTS);
        assertThat(toldConflicts).as("each conflict is told (metrics count them)").hasValue(ConflictRetries.MAX_ATTEMPTS);
        assertThat(repository.getValue(RepositoryStateStore.GLOBAL_NAMESPACE, "hot")).contains(before);
    }
}
