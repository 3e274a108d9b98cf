package io.flowstate.camel.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;

/**
 * Values under the state keys named by the component option {@code secretKeys} never reach a repository in clear.
 * With the option {@code secretKey} (a base64 AES key, from Camel properties or a vault) they are encrypted with
 * AES-GCM, a random IV per value and the state key as associated data (a value cannot be moved to another key), and
 * decrypted when the run is read back. Without it they are redacted: the snapshot holds a marker, and a restored or
 * resumed run no longer has the value (the route must set it again, e.g. from a property placeholder).
 * <p>
 * Stored forms are text: {@code flowstate:secret:v1:<base64url(iv || ciphertext)>} or {@code flowstate:secret:redacted}.
 */
public final class SecretValues {

    /** No secret keys: every call passes values through unchanged. */
    public static final SecretValues NONE = new SecretValues(Set.of(), null);

    static final String SEALED_PREFIX = "flowstate:secret:";
    static final String ENCRYPTED_PREFIX = "flowstate:secret:v1:";
    static final String REDACTED = "flowstate:secret:redacted";
    private static final int IV_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Writes a sealed value's JSON as repositories do, so its decimals open exact (a size limit applies elsewhere). */
    private static final FlowSnapshotCodec TEXT = new FlowSnapshotCodec(Integer.MAX_VALUE);

    private final Set<String> keys;
    private final SecretKeySpec key;

    private SecretValues(Set<String> keys, SecretKeySpec key) {
        this.keys = keys;
        this.key = key;
    }

    /**
     * @param  secretKeys               comma-separated state keys, may be null
     * @param  base64Key                a base64 AES key of 16, 24 or 32 bytes, or null to redact instead
     * @throws IllegalArgumentException when the key is not such a key (the message never shows it)
     */
    public static SecretValues of(String secretKeys, String base64Key) {
        Set<String> keys = new java.util.LinkedHashSet<>();
        if (secretKeys != null) {
            for (String k : secretKeys.split(",")) {
                if (!k.isBlank()) {
                    keys.add(io.flowstate.camel.support.Identifiers.requireKeyOrPath(k.trim()));
                }
            }
        }
        SecretKeySpec spec = null;
        if (base64Key != null && !base64Key.isBlank()) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(base64Key.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("The flowstate component option secretKey is not base64 text (its value"
                                                   + " is not shown, it is a secret): set it to a base64 AES key of"
                                                   + " 16, 24 or 32 bytes, such as the output of openssl rand -base64 32");
            }
            if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
                throw new IllegalArgumentException("The flowstate component option secretKey must be a base64 AES key of"
                                                   + " 16, 24 or 32 bytes, but decodes to " + bytes.length + " bytes:"
                                                   + " make one with openssl rand -base64 32");
            }
            spec = new SecretKeySpec(bytes, "AES");
        }
        // a key without secretKeys still opens values sealed while their key was listed
        return keys.isEmpty() && spec == null ? NONE : new SecretValues(Set.copyOf(keys), spec);
    }

    public boolean isSecret(String stateKey) {
        return keys.contains(stateKey);
    }

    /** Whether secret values are encrypted (true) or redacted (false). */
    public boolean encrypts() {
        return key != null;
    }

    /** The form of a value to store: encrypted or redacted when the key is secret, else the value itself. */
    public JsonNode seal(String stateKey, JsonNode value) {
        if (value == null || !keys.contains(stateKey)) {
            return value;
        }
        if (key == null) {
            return TextNode.valueOf(REDACTED);
        }
        try {
            byte[] iv = new byte[IV_LENGTH];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(stateKey.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(TEXT.encodeValue("value of secret state key '" + stateKey + "'", value));
            byte[] out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
            return TextNode.valueOf(ENCRYPTED_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out));
        } catch (GeneralSecurityException e) {
            throw new FlowStateException("Could not encrypt the value of secret state key '" + stateKey + "': "
                                         + e.getClass().getSimpleName());
        }
    }

    /**
     * A stored value as the run sees it: for a secret key, decrypted, or null (the key is dropped) when it was
     * redacted. A value of any other key is the user's own, even text that looks sealed, and is kept as it is, with one
     * exception: an encrypted value that was sealed while its key was listed in secretKeys (it decrypts with this
     * secretKey for this very key, or, on a node without secretKey, has the exact encrypted form) is opened as before.
     *
     * @throws FlowStateException when an encrypted value cannot be decrypted (no or another secretKey, or tampered
     *                            with); the message names the key, never the value
     */
    public JsonNode open(String stateKey, JsonNode stored, JsonValues json) {
        if (stored == null || !stored.isTextual() || !stored.textValue().startsWith(SEALED_PREFIX)) {
            return stored;
        }
        String text = stored.textValue();
        if (!keys.contains(stateKey)) {
            if (!text.startsWith(ENCRYPTED_PREFIX)) {
                return stored; // the redaction marker under a key that is not secret is just text
            }
            if (key != null) {
                // AES-GCM authenticates: text that merely looks encrypted, or was sealed for another key, fails
                JsonNode opened = decrypt(stateKey, text, json);
                return opened != null ? opened : stored;
            }
            if (!hasEncryptedForm(text)) {
                return stored;
            }
            // a node without secretKey (or secretKeys) must not run with a ciphertext in place of the value
        }
        if (REDACTED.equals(text)) {
            return null;
        }
        if (!text.startsWith(ENCRYPTED_PREFIX)) {
            return stored;
        }
        if (key == null) {
            throw new FlowStateException("The value of state key '" + stateKey + "' is stored encrypted, but the"
                                         + " flowstate component has no secretKey to decrypt it: configure the key it"
                                         + " was written with (camel.component.flowstate.secretKey)");
        }
        JsonNode opened = decrypt(stateKey, text, json);
        if (opened == null) {
            throw new FlowStateException("The encrypted value of state key '" + stateKey + "' cannot be decrypted: it"
                                         + " was written with another secretKey, or changed since. Nothing was changed.");
        }
        return opened;
    }

    /** Whether {@code text} is base64url of an IV and at least a GCM tag, as every encrypted value is. */
    private static boolean hasEncryptedForm(String text) {
        try {
            return Base64.getUrlDecoder().decode(text.substring(ENCRYPTED_PREFIX.length())).length
                   >= IV_LENGTH + TAG_BITS / 8;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The value sealed in {@code text} for {@code stateKey}, or null when it does not decrypt with this key. */
    private JsonNode decrypt(String stateKey, String text, JsonValues json) {
        try {
            byte[] in = Base64.getUrlDecoder().decode(text.substring(ENCRYPTED_PREFIX.length()));
            if (in.length < IV_LENGTH + TAG_BITS / 8) {
                return null; // too short to be sealed; the cipher would fail with a provider error
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_LENGTH));
            cipher.updateAAD(stateKey.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(in, IV_LENGTH, in.length - IV_LENGTH);
            return json.mapper().readTree(plain);
        } catch (GeneralSecurityException | IllegalArgumentException | java.io.IOException e) {
            return null;
        }
    }

    /** A copy of a whole state with its secret values sealed; the state itself when nothing is secret. */
    public ObjectNode sealAll(ObjectNode state) {
        if (keys.isEmpty() || !hasAny(state)) {
            return state;
        }
        ObjectNode copy = state.deepCopy();
        for (String k : keys) {
            if (copy.has(k)) {
                copy.set(k, seal(k, copy.get(k)));
            }
        }
        return copy;
    }

    /** A copy of a stored state with its secret values opened; redacted ones are left out. */
    public ObjectNode openAll(ObjectNode stored, JsonValues json) {
        if (!mayHoldSealed(stored)) {
            return stored; // open changes nothing else
        }
        ObjectNode copy = stored.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = stored.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode opened = open(field.getKey(), field.getValue(), json);
            if (opened == null) {
                copy.remove(field.getKey());
            } else if (opened != field.getValue()) {
                copy.set(field.getKey(), opened);
            }
        }
        return copy;
    }

    private boolean hasAny(ObjectNode state) {
        for (String k : keys) {
            if (state.has(k)) {
                return true;
            }
        }
        return false;
    }

    private static boolean mayHoldSealed(ObjectNode stored) {
        for (JsonNode value : stored) {
            if (value.isTextual() && value.textValue().startsWith(SEALED_PREFIX)) {
                return true;
            }
        }
        return false;
    }
}
