package dev.inchworm.runtime.journal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.runtime.config.ByteSizeJson;
import java.io.IOException;
import java.time.Instant;
import java.util.function.Function;

/**
 * The one JSON form of the state folder's files (journal, installed revisions, reports):
 * store paths, revisions and instants as plain strings, unknown keys rejected.
 */
public final class StateJson {

    private static final ObjectMapper MAPPER = create();

    private StateJson() {
    }

    /** The shared, thread-safe mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper create() {
        SimpleModule module = new SimpleModule("inchworm-state");
        asString(module, StorePath.class, StorePath::new);
        asString(module, Revision.class, Revision::new);
        asString(module, Instant.class, Instant::parse);
        return new ObjectMapper()
                .registerModule(module)
                .registerModule(ByteSizeJson.module())
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    private static <T> void asString(SimpleModule module, Class<T> type, Function<String, T> parse) {
        module.addSerializer(type, new JsonSerializer<T>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.toString());
            }
        });
        module.addDeserializer(type, new JsonDeserializer<T>() {
            @Override
            public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                String text = parser.getValueAsString();
                try {
                    return parse.apply(text);
                } catch (RuntimeException e) {
                    return type.cast(context.handleWeirdStringValue(type, text, e.getMessage()));
                }
            }
        });
    }
}
