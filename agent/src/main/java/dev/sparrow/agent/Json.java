package dev.sparrow.agent;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON for the CLI's machine-readable output and the agent's payloads, through Jackson: one compact line,
 * maps in their iteration order, and NaN or infinities as {@code null} (JSON has no such numbers; Jackson
 * would otherwise write them as strings).
 */
public final class Json {
    /** The one configured mapper; thread-safe once built. */
    public static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new SimpleModule("sparrow-numbers")
            .addSerializer(Double.class, new NonFiniteAsNull<>())
            .addSerializer(double.class, new NonFiniteAsNull<>())
            .addSerializer(Float.class, new NonFiniteAsNull<>())
            .addSerializer(float.class, new NonFiniteAsNull<>()));

    private Json() {}

    /** @return {@code value} as compact JSON text */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static final class NonFiniteAsNull<T extends Number> extends JsonSerializer<T> {
        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            double d = value.doubleValue();
            if (Double.isFinite(d)) {
                if (value instanceof Float f) {
                    gen.writeNumber(f);
                } else {
                    gen.writeNumber(d);
                }
            } else {
                gen.writeNull();
            }
        }
    }
}
