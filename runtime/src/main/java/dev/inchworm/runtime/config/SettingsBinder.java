package dev.inchworm.runtime.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;

/**
 * Binds a selection's {@code settings:} node to the plugin's settings record. Unknown keys
 * are errors, and the message names the profile location, the plugin id and the keys the
 * record accepts. Missing keys arrive as {@code null}: a settings record applies its defaults
 * (and checks values) in its compact constructor, whose exceptions are reported the same way.
 * Thread-safe.
 */
public final class SettingsBinder {

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .addModule(ByteSizeJson.module())
            .build();

    /**
     * @param selection the selection from the profile
     * @param keyPath   where the selection stands, e.g. {@code probe} or {@code reclaimers[1]}
     * @param type      the plugin's settings record type
     * @throws ProfileException when the settings do not fit the record
     */
    public <S extends Record> S bind(Selection selection, String keyPath, Class<S> type) {
        String settingsPath = keyPath + ".settings";
        String plugin = "settings of '" + selection.id() + "'";
        List<String> allowed = ProfileErrors.keysOf(type);
        String allowedText = allowed.isEmpty() ? "it takes no settings" : "allowed keys: " + String.join(", ", allowed);
        try {
            return mapper.treeToValue(selection.settings(), type);
        } catch (UnrecognizedPropertyException e) {
            throw new ProfileException(selection.location(), join(settingsPath, e),
                    plugin + ": unknown key '" + e.getPropertyName() + "'; " + allowedText, e);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ProfileException(selection.location(), settingsPath,
                    plugin + ": " + cause.getMessage() + "; " + allowedText, e);
        } catch (MismatchedInputException e) {
            String expected = e.getTargetType() == null ? "another type" : ProfileErrors.describe(e.getTargetType());
            String pointer = ProfileErrors.pointer(e.getPath());
            throw new ProfileException(selection.location(), join(settingsPath, e), plugin
                    + ": wrong type: expected " + expected + ", found "
                    + ProfileErrors.describe(selection.settings().at(pointer)) + "; " + allowedText, e);
        } catch (JsonMappingException e) {
            throw new ProfileException(selection.location(), join(settingsPath, e),
                    plugin + ": " + e.getOriginalMessage() + "; " + allowedText, e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ProfileException(selection.location(), settingsPath, plugin + ": " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            // treeToValue wraps some binding failures (and constructor exceptions) this way
            throw new ProfileException(selection.location(), settingsPath,
                    plugin + ": " + e.getMessage() + "; " + allowedText, e);
        }
    }

    /** The keys a settings record accepts, in declaration order. */
    public static List<String> keys(Class<? extends Record> type) {
        return ProfileErrors.keysOf(type);
    }

    private static String join(String settingsPath, JsonMappingException e) {
        String inner = ProfileErrors.keyPath(e.getPath());
        if (inner.isEmpty()) {
            return settingsPath;
        }
        return inner.startsWith("[") ? settingsPath + inner : settingsPath + "." + inner;
    }
}
