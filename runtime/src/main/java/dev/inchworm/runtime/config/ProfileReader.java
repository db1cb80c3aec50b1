package dev.inchworm.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.inchworm.runtime.config.ProfileShape.RawProfile;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a host profile: YAML for {@code .yaml}/{@code .yml}, JSON for {@code .json}. Applies
 * the defaults of {@code docs/host-profile.md} and rejects anything it does not know with a
 * {@link ProfileException} naming file, line, column, key path and what is allowed.
 *
 * <p>Plugin ids and their {@code settings:} are checked later, once plugins are loaded (see
 * {@link SettingsBinder}); here a selection only has to be well-formed. Relative paths are
 * resolved against the profile's folder. Instances are immutable and thread-safe.
 */
public final class ProfileReader {

    /** What a classic host evaluates by default: {@code <nixpkgs/nixos>}. */
    static final String CLASSIC_EXPRESSION = "nixos/default.nix";
    /** Default system profile. */
    public static final Path DEFAULT_NIX_PROFILE = Path.of("/nix/var/nix/profiles/system");
    /** Default state folder. */
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/inchworm");

    static final String REQUIRED_KEYS =
            "required keys: host, system.repository, system.attribute, system.expression (unless system.flake is true)";

    private final ObjectMapper yaml = configure(YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private final ObjectMapper json = configure(JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
    }

    /**
     * Reads and checks one profile file.
     *
     * @throws ProfileException for anything wrong with it, including a file that cannot be read
     */
    public HostProfile read(Path file) {
        ObjectMapper mapper = mapperFor(file);
        byte[] content;
        try {
            content = LimitedFile.read(file, LimitedFile.PROFILE_BYTES);
        } catch (NoSuchFileException e) {
            throw new ProfileException(new SourceLocation(file, 0, 0), "", "no such file", e);
        } catch (LimitedFile.Refused e) {
            throw new ProfileException(new SourceLocation(file, 0, 0), "", e.getMessage(), e);
        } catch (IOException e) {
            throw new ProfileException(new SourceLocation(file, 0, 0), "", "cannot read: " + e, e);
        }
        ProfileLocations locations;
        JsonNode tree;
        try {
            locations = ProfileLocations.index(mapper.getFactory(), content, file);
            tree = mapper.readTree(content);
        } catch (JsonProcessingException e) {
            throw ProfileErrors.syntaxError(file, e);
        } catch (IOException e) {
            throw new ProfileException(new SourceLocation(file, 0, 0), "", "cannot read: " + e, e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ProfileException(new SourceLocation(file, 1, 1), "", "the profile is empty; " + REQUIRED_KEYS);
        }
        if (!tree.isObject()) {
            throw new ProfileException(locations.at(""), "",
                    "a profile is a mapping of keys, found " + ProfileErrors.describe(tree) + "; " + REQUIRED_KEYS);
        }
        RawProfile raw;
        try {
            raw = mapper.treeToValue(tree, RawProfile.class);
        } catch (JsonMappingException e) {
            throw ProfileErrors.mappingError(e, locations, tree);
        } catch (JsonProcessingException e) {
            throw ProfileErrors.syntaxError(file, e);
        }
        return new ProfileConversion(locations, file.toAbsolutePath().getParent()).profile(raw);
    }

    /** The mapper for the file's extension; anything else is an error. */
    ObjectMapper mapperFor(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return yaml;
        }
        if (name.endsWith(".json")) {
            return json;
        }
        throw new ProfileException(new SourceLocation(file, 0, 0), "",
                "unknown file type; a host profile ends in .yaml, .yml (YAML) or .json (JSON)");
    }

}
