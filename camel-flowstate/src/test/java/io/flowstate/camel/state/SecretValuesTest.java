package io.flowstate.camel.state;

import java.time.Clock;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Secret values: encrypted with a fresh IV each time and bound to their key, unreadable with another key or after
 * tampering (messages never show values), redacted without a key, and hidden from error messages.
 */
class SecretValuesTest {

    private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());
    private final JsonValues json = new JsonValues();

    @Test
    void encryptedValuesDifferEachTimeAndOpenToTheValue() {
        SecretValues secrets = SecretValues.of("password", KEY);
        JsonNode value = json.toJson("password", java.util.Map.of("user", "ann", "pin", 1234));

        JsonNode first = secrets.seal("password", value);
        JsonNode second = secrets.seal("password", value);

        assertThat(first.asText()).startsWith("flowstate:secret:v1:").doesNotContain("ann");
        assertThat(first).isNotEqualTo(second);
        assertThat(secrets.open("password", first, json)).isEqualTo(value);
        assertThat(secrets.seal("other", value)).isSameAs(value);
    }

    @Test
    void anEncryptedDecimalOpensExactWithItsScale() {
        SecretValues secrets = SecretValues.of("limit", KEY);

        for (String decimal : new String[] { "10.50", "5", "1.123456789012345678" }) {
            JsonNode value = json.toJson("limit", new java.math.BigDecimal(decimal));
            JsonNode opened = secrets.open("limit", secrets.seal("limit", value), json);
            assertThat(opened.isBigDecimal()).as(decimal).isTrue();
            assertThat(opened.decimalValue()).isEqualTo(new java.math.BigDecimal(decimal));
        }
    }

    @Test
    void anotherKeyATamperedValueOrAValueMovedToAnotherStateKeyCannotBeOpened() {
        SecretValues secrets = SecretValues.of("password,pin", KEY);
        JsonNode sealed = secrets.seal("password", TextNode.valueOf("hunter2"));
        String text = sealed.asText();
        JsonNode tampered = TextNode.valueOf(text.substring(0, text.length() - 2) + (text.endsWith("A") ? "BB" : "AA"));

        assertThatThrownBy(() -> SecretValues.of("password", OTHER_KEY).open("password", sealed, json))
                .isInstanceOf(FlowStateException.class).hasMessageContaining("'password'")
                .hasMessageContaining("another secretKey").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> secrets.open("password", tampered, json)).isInstanceOf(FlowStateException.class);
        assertThatThrownBy(() -> secrets.open("pin", sealed, json)).isInstanceOf(FlowStateException.class);
        assertThatThrownBy(() -> SecretValues.of("password", null).open("password", sealed, json))
                .hasMessageContaining("no secretKey to decrypt it");
    }

    @Test
    void withoutAKeyValuesAreRedactedAndOpenToNothing() {
        SecretValues secrets = SecretValues.of("password", null);

        JsonNode sealed = secrets.seal("password", TextNode.valueOf("hunter2"));

        assertThat(sealed.asText()).isEqualTo("flowstate:secret:redacted");
        assertThat(secrets.open("password", sealed, json)).isNull();
    }

    @Test
    void aPlainValueThatLooksSealedUnderAKeyThatIsNotSecretIsKeptAsItIs() {
        JsonNode redacted = TextNode.valueOf("flowstate:secret:redacted");
        JsonNode encrypted = TextNode.valueOf("flowstate:secret:v1:bm90IGEgY2lwaGVydGV4dA");
        com.fasterxml.jackson.databind.node.ObjectNode state = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode().put("note", redacted.textValue()).put("quote", encrypted.textValue());

        for (SecretValues secrets : new SecretValues[] { SecretValues.NONE, SecretValues.of("password", null),
                SecretValues.of("password", KEY) }) {
            assertThat(secrets.open("note", redacted, json)).isEqualTo(redacted);
            assertThat(secrets.open("quote", encrypted, json)).isEqualTo(encrypted);
            assertThat(secrets.openAll(state, json)).isEqualTo(state);
        }
    }

    @Test
    void aValueSealedWhileItsKeyWasSecretStillOpensAfterTheKeyIsNoLongerListed() {
        JsonNode sealed = SecretValues.of("password", KEY).seal("password", TextNode.valueOf("hunter2"));

        assertThat(SecretValues.of("other", KEY).open("password", sealed, json)).isEqualTo(TextNode.valueOf("hunter2"));
        assertThat(SecretValues.of(null, KEY).open("password", sealed, json)).isEqualTo(TextNode.valueOf("hunter2"));
        // sealed for another key, or with another secretKey: the user's text as far as this node can tell
        assertThat(SecretValues.of(null, KEY).open("other", sealed, json)).isEqualTo(sealed);
        assertThat(SecretValues.of(null, OTHER_KEY).open("password", sealed, json)).isEqualTo(sealed);
        // a node without secretKey refuses a value of the encrypted form rather than run with the ciphertext
        assertThatThrownBy(() -> SecretValues.NONE.open("password", sealed, json))
                .hasMessageContaining("no secretKey to decrypt it");
    }

    @Test
    void aKeyThatIsNotABase64AesKeyIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> SecretValues.of("password", "not base64 !!")).hasMessageContaining("not base64")
                .hasMessageNotContaining("!!");
        assertThatThrownBy(() -> SecretValues.of("password", Base64.getEncoder().encodeToString(new byte[10])))
                .hasMessageContaining("16, 24 or 32 bytes, but decodes to 10 bytes");
    }

    @Test
    void readingASecretValueAsTheWrongTypeDoesNotShowIt() {
        json.setSecrets(SecretValues.of("apiToken", KEY));
        LocalStateStore local = new LocalStateStore(json, null);
        local.set("apiToken", "hunter2");
        Runnable noConflictCount = () -> {
        };
        RepositoryStateStore persistent
                = new RepositoryStateStore(new MemoryFlowSnapshotRepository(), "orders", json, Clock.systemUTC(), noConflictCount);
        persistent.set("apiToken", "hunter2");

        for (StateStore state : new StateStore[] { local, persistent }) {
            assertThatThrownBy(() -> state.get("apiToken", Integer.class)).isInstanceOf(StateTypeException.class)
                    .hasMessageContaining("The secret value of state key 'apiToken' cannot be read as java.lang.Integer")
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(t.getMessage()).doesNotContain("hunter2");
                        }
                    });
        }
    }

    @Test
    void aSecretPersistentCounterIncrementsAsALongAndStaysEncrypted() {
        json.setSecrets(SecretValues.of("apiCalls", KEY));
        MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
        RepositoryStateStore persistent = new RepositoryStateStore(repository, "orders", json, Clock.systemUTC(), () -> {
        });

        assertThat(persistent.increment("apiCalls", 1)).isEqualTo(1L);
        assertThat(persistent.increment("apiCalls", 41)).isEqualTo(42L);

        assertThat(repository.getValue("orders", "apiCalls").orElseThrow().value().asText())
                .startsWith("flowstate:secret:v1:").doesNotContain("42");
        assertThat(persistent.get("apiCalls", Long.class)).isEqualTo(42L);
    }

    @Test
    void readingAPlainValueAsTheWrongTypeNamesTheKeyAndShowsTheValue() {
        json.setSecrets(SecretValues.of("apiToken", KEY));
        LocalStateStore state = new LocalStateStore(json, null);
        state.set("user", "ann");

        assertThatThrownBy(() -> state.get("user", Integer.class)).isInstanceOf(StateTypeException.class)
                .hasMessageContaining("state key 'user'").hasMessageContaining("\"ann\"");
    }

    @Test
    void errorMessagesAboutASecretKeyDoNotShowItsValue() {
        json.setSecrets(SecretValues.of("password", null));
        LocalStateStore state = new LocalStateStore(json, null);
        state.set("password", "hunter2");

        assertThatThrownBy(() -> state.increment("password", 1)).isInstanceOf(StateTypeException.class)
                .hasMessageContaining("'password'").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> state.append("password", "x")).hasMessageNotContaining("hunter2");
    }
}
