package io.flowstate.camel.state;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.snapshot.VersionedValue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Set, increment and append of a persistent or global key are one atomic repository update each, which a key written
 * by very many writers at once does not make fail. A delete is a compare-and-set: when it conflicts with concurrent
 * writes on every attempt it gives up after a small bound, with an error that names the key, its scope and the
 * attempts, says the key is contended and what to do; the stored value is left as it was.
 */
class ContendedKeyTest {

    private final AlwaysContendedRepository repository = new AlwaysContendedRepository();
    private final JsonValues json = new JsonValues();
    private final AtomicInteger toldConflicts = new AtomicInteger();

    @Test
    void setIncrementAndAppendOfAKeyWhoseCompareAndSetAlwaysConflictsGoThroughAsOneAtomicUpdate() {
        RepositoryStateStore persistent = new RepositoryStateStore(repository, "orders", json, Clock.systemUTC(), toldConflicts::incrementAndGet);
        persistent.set("hot", 5);
        persistent.set("list", List.of("a"));
        repository.contend("hot");

        assertThat(persistent.increment("hot", 1)).isEqualTo(6L);
        persistent.set("hot", 10);
        assertThat(persistent.increment("hot", 2)).isEqualTo(12L);
        repository.contend("list");
        assertThat(persistent.append("list", "b")).isEqualTo(2);

        assertThat(repository.conflicts()).as("no compare-and-set was tried").isZero();
        assertThat(toldConflicts).hasValue(0);
        assertThat(persistent.getAll()).containsEntry("hot", 12L).containsEntry("list", List.of("a", "b"));
    }

    @Test
    void anIncrementOfAValueThatIsNoNumberFailsAndChangesNothing() {
        RepositoryStateStore persistent = new RepositoryStateStore(repository, "orders", json, Clock.systemUTC(), toldConflicts::incrementAndGet);
        persistent.set("name", "alice");
        VersionedValue before = repository.getValue("orders", "name").orElseThrow();

        assertThatThrownBy(() -> persistent.increment("name", 1)).isInstanceOf(StateTypeException.class)
                .hasMessageContaining("Cannot increment persistent state key 'name' of flow 'orders': it holds");

        assertThat(repository.getValue("orders", "name")).contains(before);
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
