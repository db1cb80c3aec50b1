package dev.inchworm.runtime.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.inchworm.api.ByteSize;
import java.io.IOException;

/**
 * {@link ByteSize} as a JSON value: read from a size text ({@code "64MiB"}) or a number of
 * bytes, written as the number of bytes. A text that is not a size is an error naming the key.
 * Used by the settings binder and by the journal's state.
 */
public final class ByteSizeJson {

    private ByteSizeJson() {
    }

    /** The module to register on a mapper. */
    public static SimpleModule module() {
        SimpleModule module = new SimpleModule("inchworm-byte-size");
        module.addSerializer(ByteSize.class, new JsonSerializer<>() {
            @Override
            public void serialize(ByteSize value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeNumber(value.bytes());
            }
        });
        module.addDeserializer(ByteSize.class, new JsonDeserializer<>() {
            @Override
            public ByteSize deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                String key = parser.currentName() == null ? "size" : parser.currentName();
                try {
                    if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                        long bytes = parser.getLongValue();
                        if (bytes < 0) {
                            throw new IllegalArgumentException(key + ": a size cannot be negative: " + bytes);
                        }
                        return ByteSize.ofBytes(bytes);
                    }
                    if (parser.currentToken() == JsonToken.VALUE_STRING) {
                        return ByteSize.of(key, parser.getText());
                    }
                } catch (IllegalArgumentException e) {
                    throw JsonMappingException.from(parser, e.getMessage(), e);
                }
                return (ByteSize) context.handleUnexpectedToken(ByteSize.class, parser);
            }
        });
        return module;
    }
}
