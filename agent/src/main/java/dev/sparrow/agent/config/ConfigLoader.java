package dev.sparrow.agent.config;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Reads {@link AgentConfig} from YAML (Jackson over SnakeYAML) and turns every problem into one line naming
 * the file and the key's path: unknown keys (with the known ones), values of the wrong type, values out of
 * range. Relative paths are resolved against the file's folder.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private ConfigLoader() {}

    /** Reads and checks {@code file}; throws {@link IllegalArgumentException} with one line naming the problem. */
    public static AgentConfig load(Path file) throws IOException {
        byte[] yaml;
        try {
            yaml = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such configuration file");
        }
        AgentConfig raw = parse(file, yaml);
        return resolve(raw, file.toAbsolutePath().getParent());
    }

    static AgentConfig parse(Path file, byte[] yaml) throws IOException {
        try {
            AgentConfig config = YAML.readValue(yaml, AgentConfig.class);
            if (config == null) {
                throw new IllegalArgumentException(file + ": empty configuration (robot_id, source and recognizer are needed)");
            }
            return config;
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
            throw new IllegalArgumentException(file + ": unknown key '" + path(e) + "' (known here: " + known + ")");
        } catch (InvalidFormatException e) {
            String expected = e.getTargetType().isEnum()
                    ? "one of " + Arrays.toString(e.getTargetType().getEnumConstants())
                    : "a " + e.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT);
            throw new IllegalArgumentException(file + ": key '" + path(e) + "': '" + e.getValue() + "' is not " + expected);
        } catch (MismatchedInputException e) {
            throw new IllegalArgumentException(file + ": key '" + path(e) + "': " + e.getOriginalMessage()
                    .replaceAll(" \\(for .*", "").replaceAll("`[a-zA-Z.$]*\\.", "`"));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof ConfigValueException v) {
                String section = path(e);
                String key = section.isEmpty() ? v.key() : section + "." + v.key();
                throw new IllegalArgumentException(file + ": key '" + key + "': " + v.getMessage());
            }
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid YAML at line " + e.getLocation().getLineNr() + ": "
                    + e.getOriginalMessage());
        }
    }

    /** The dotted key path of a mapping error ({@code mqtt.ca_file}, {@code source.rate}). */
    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static AgentConfig resolve(AgentConfig c, Path base) {
        AgentConfig.Source s = c.source();
        AgentConfig.Source source = new AgentConfig.Source(s.type(), against(base, s.path()), s.rate(), s.loop(),
                s.width(), s.height(), s.format());
        AgentConfig.Recognizer recognizer = c.recognizer() == null ? null
                : new AgentConfig.Recognizer(against(base, c.recognizer().network()), c.recognizer().sequence());
        AgentConfig.Model model = c.model() == null ? null
                : new AgentConfig.Model(against(base, c.model().file()), c.model().threads(), c.model().inputRange());
        AgentConfig.Mqtt m = c.mqtt();
        AgentConfig.Mqtt mqtt = new AgentConfig.Mqtt(m.uri(), m.clientId(), against(base, m.caFile()), m.username(),
                against(base, m.passwordFile()), m.passwordEnv(), m.keepaliveS());
        Path outboxDir = c.outbox().dir() != null ? against(base, c.outbox().dir()) : base.resolve("outbox");
        return new AgentConfig(c.robotId(), source, recognizer, model, mqtt,
                new AgentConfig.Outbox(outboxDir, c.outbox().maxMb()), c.metricsIntervalS(), c.gpio(), c.firmware());
    }

    private static Path against(Path base, Path p) {
        if (p == null || p.toString().equals("-")) {
            return p;
        }
        return base.resolve(p).normalize();
    }
}
