package dev.inchworm.runtime.config;

import dev.inchworm.api.ByteSize;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.inchworm.api.nix.SwitchAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

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

    private static final String REQUIRED_KEYS =
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
            throw syntaxError(file, e);
        } catch (IOException e) {
            throw new ProfileException(new SourceLocation(file, 0, 0), "", "cannot read: " + e, e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ProfileException(new SourceLocation(file, 1, 1), "", "the profile is empty; " + REQUIRED_KEYS);
        }
        if (!tree.isObject()) {
            throw new ProfileException(locations.at(""), "",
                    "a profile is a mapping of keys, found " + describe(tree) + "; " + REQUIRED_KEYS);
        }
        RawProfile raw;
        try {
            raw = mapper.treeToValue(tree, RawProfile.class);
        } catch (JsonMappingException e) {
            throw mappingError(e, locations, tree);
        } catch (JsonProcessingException e) {
            throw syntaxError(file, e);
        }
        return new Conversion(locations, file.toAbsolutePath().getParent()).profile(raw);
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

    private static ProfileException syntaxError(Path file, JsonProcessingException e) {
        var loc = e.getLocation();
        SourceLocation where = loc == null || loc.getLineNr() <= 0
                ? new SourceLocation(file, 0, 0)
                : new SourceLocation(file, loc.getLineNr(), Math.max(1, loc.getColumnNr()));
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Duplicate field")) {
            message = "key " + message.substring("Duplicate field ".length()) + " appears twice";
        } else {
            message = "syntax error: " + firstLine(message);
        }
        return new ProfileException(where, "", message, e);
    }

    // ---- errors from binding the tree ---------------------------------------------------

    static ProfileException mappingError(JsonMappingException e, ProfileLocations locations, JsonNode tree) {
        String keyPath = keyPath(e.getPath());
        String pointer = pointer(e.getPath());
        SourceLocation where = locations.at(pointer);
        if (e instanceof UnrecognizedPropertyException unknown) {
            return new ProfileException(where, keyPath, "unknown key '" + unknown.getPropertyName()
                    + "'; allowed keys: " + String.join(", ", keysOf(unknown.getReferringClass())), e);
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return new ProfileException(where, keyPath, "wrong type: expected "
                    + describe(mismatch.getTargetType()) + ", found " + describe(tree.at(pointer)), e);
        }
        return new ProfileException(where, keyPath, firstLine(e.getOriginalMessage()), e);
    }

    /** The keys a record accepts, in declaration order, under their profile names. */
    static List<String> keysOf(Class<?> type) {
        if (type == null || !type.isRecord()) {
            return List.of();
        }
        return Arrays.stream(type.getRecordComponents()).map(c -> {
            JsonProperty renamed = c.getAccessor().getAnnotation(JsonProperty.class);
            return renamed != null && !renamed.value().isEmpty() ? renamed.value() : c.getName();
        }).toList();
    }

    static String keyPath(List<JsonMappingException.Reference> path) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    static String pointer(List<JsonMappingException.Reference> path) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                b.append('/').append(escape(r.getFieldName()));
            } else if (r.getIndex() >= 0) {
                b.append('/').append(r.getIndex());
            }
        }
        return b.toString();
    }

    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    static String describe(Class<?> type) {
        if (type == String.class || type == Path.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || type == ObjectNode.class) {
            return "a mapping (key: value)";
        }
        if (Iterable.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return type.getSimpleName();
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "the string '" + node.asText() + "'";
        }
        if (node.isBoolean()) {
            return node.asText();
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        return node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }

    // ---- the shape Jackson binds to; everything optional, checked in Conversion -------------

    record RawProfile(String host, RawSystem system, RawNix nix, @JsonProperty("switch") String switchAction,
                      String stateDir, String pluginsDir, JsonNode strategies, JsonNode probe, JsonNode rollback,
                      JsonNode reclaimers, JsonNode provisioners, RawEngine engine, RawTimeouts timeouts,
                      JsonNode nonVital, RawMetrics metrics, RawHooks hooks) {
    }

    record RawMetrics(String textfile) {
    }

    record RawHooks(JsonNode afterRun, String timeout) {
    }

    record RawSystem(String repository, String expression, String attribute, Map<String, Object> args,
                     JsonNode flake, String overrideInput, String remote, String branch, Integer fetchDepth,
                     String nixosConfig) {
    }

    /** The host's flake and its host name, from {@code flake: PATH#HOST}. */
    record FlakeRef(String flake, String host) {
        /** The input overridden unless the profile names another. */
        static final String NIXPKGS = "nixpkgs";

        /** The toplevel's attribute, as nixos-rebuild builds it. */
        String attribute() {
            return "nixosConfigurations." + (host.matches("[A-Za-z0-9_'-]+") ? host : "\"" + host + "\"")
                    + ".config.system.build.toplevel";
        }
    }

    record RawNix(String profile, Map<String, String> options, Map<String, String> environment,
                  List<String> prefix, String systemdRun, Boolean installBootloader, String specialisation,
                  String bootedSystem, String currentSystem) {
    }

    record RawEngine(JsonNode reserve, String onInterrupted, String keepInitial, Boolean lastTry, RawReboot reboot) {
    }

    record RawReboot(Boolean allowed, RawWindow window, List<String> command) {
    }

    record RawWindow(String lower, String upper) {
    }

    record RawTimeouts(String evaluation, String build, String gc, String query, String pluginCall) {
    }

    /** Turns the raw shape into the profile records: defaults, required keys, selections. */
    private static final class Conversion {

        private final ProfileLocations locations;
        private final Path baseDir;

        Conversion(ProfileLocations locations, Path baseDir) {
            this.locations = locations;
            this.baseDir = baseDir;
        }

        HostProfile profile(RawProfile raw) {
            String host = required(raw.host(), "host", "", "the host's name, used in reports");
            SystemConfig system = system(raw.system());
            NixConfig nix = nix(raw.nix());
            SwitchAction action = switchAction(raw.switchAction());
            Path stateDir = raw.stateDir() == null ? DEFAULT_STATE_DIR : path(raw.stateDir(), "stateDir", "/stateDir");
            Optional<Path> pluginsDir = Optional.ofNullable(raw.pluginsDir())
                    .map(p -> path(p, "pluginsDir", "/pluginsDir"));
            List<Selection> strategies = selections(raw.strategies(), "strategies",
                    List.of(defaultSelection("full-rebuild")));
            if (strategies.isEmpty()) {
                throw new ProfileException(locations.at("/strategies"), "strategies",
                        "at least one strategy is needed, e.g. [{id: full-rebuild}]");
            }
            ObjectNode storeSettings = JsonNodeFactory.instance.objectNode().put("path", "/nix/store");
            Selection probe = selection(raw.probe(), "probe", "/probe",
                    new Selection("statvfs", storeSettings, locations.at("")));
            Selection rollback = selection(raw.rollback(), "rollback", "/rollback", defaultSelection("generation"));
            List<Selection> reclaimers = selections(raw.reclaimers(), "reclaimers", List.of(defaultSelection("gc")));
            List<Selection> provisioners = selections(raw.provisioners(), "provisioners", List.of());
            EngineConfig engine = engine(raw.engine());
            if (engine.keepInitial() == EngineConfig.KeepInitial.NEVER && rollback.id().equals("generation")) {
                throw new ProfileException(locations.at("/engine/keepInitial"), "engine.keepInitial",
                        "never releases the initial generation the 'generation' rollback needs; "
                                + "select rollback: {id: retrace}, or keepInitial: auto");
            }
            return new HostProfile(host, system, nix, action, stateDir, pluginsDir, strategies, probe, rollback,
                    reclaimers, provisioners, engine, timeouts(raw.timeouts()), nonVital(raw.nonVital()),
                    metrics(raw.metrics()), hooks(raw.hooks()));
        }

        private MetricsConfig metrics(RawMetrics raw) {
            if (raw == null || raw.textfile() == null) {
                return MetricsConfig.NONE;
            }
            return new MetricsConfig(Optional.of(path(raw.textfile(), "metrics.textfile", "/metrics/textfile")));
        }

        /** {@code hooks.afterRun}: one command as a list of strings, or a list of such commands. */
        private HooksConfig hooks(RawHooks raw) {
            if (raw == null) {
                return HooksConfig.NONE;
            }
            java.time.Duration timeout = HooksConfig.DEFAULT_TIMEOUT;
            if (raw.timeout() != null) {
                try {
                    timeout = Timeouts.parse(raw.timeout());
                } catch (IllegalArgumentException e) {
                    throw new ProfileException(locations.at("/hooks/timeout"), "hooks.timeout", e.getMessage(), e);
                }
            }
            JsonNode node = raw.afterRun();
            List<List<String>> commands = new ArrayList<>();
            String expected = "a command as a list of strings ([/usr/bin/notify, --to, admin]; never a shell line), "
                    + "or a list of such commands";
            if (node != null && !node.isNull() && !(node.isArray() && node.isEmpty())) {
                if (!node.isArray()) {
                    throw new ProfileException(locations.at("/hooks/afterRun"), "hooks.afterRun",
                            "wrong type: expected " + expected + ", found " + describe(node));
                }
                boolean nested = node.size() > 0 && node.get(0).isArray();
                List<JsonNode> entries = new ArrayList<>();
                node.forEach(entries::add);
                for (JsonNode command : nested ? entries : List.of(node)) {
                    List<String> argv = new ArrayList<>();
                    if (!command.isArray() || command.isEmpty()) {
                        throw new ProfileException(locations.at("/hooks/afterRun"), "hooks.afterRun",
                                "expected " + expected + ", found " + describe(command));
                    }
                    for (JsonNode word : command) {
                        if (!word.isTextual() || word.asText().isEmpty()) {
                            throw new ProfileException(locations.at("/hooks/afterRun"), "hooks.afterRun",
                                    "expected " + expected + ", found " + describe(word));
                        }
                        argv.add(word.asText());
                    }
                    commands.add(argv);
                }
            }
            return new HooksConfig(commands, timeout);
        }

        private SystemConfig system(RawSystem raw) {
            if (raw == null) {
                throw new ProfileException(locations.at(""), "system",
                        "required key is missing: the system source (repository, expression, attribute); "
                                + REQUIRED_KEYS);
            }
            Path repository = path(required(raw.repository(), "system.repository", "/system",
                    "the git repository of the system source"), "system.repository", "/system/repository");
            Optional<FlakeRef> ref = flakeRef(raw);
            boolean flake = ref.isPresent() || (raw.flake() != null && raw.flake().asBoolean());
            String attribute = ref.isPresent() && raw.attribute() == null ? ref.get().attribute()
                    : required(raw.attribute(), "system.attribute", "/system",
                            "the attribute path of the toplevel, e.g. system");
            String expression = ref.map(FlakeRef::flake).orElse(raw.expression());
            String overrideInput = raw.overrideInput() == null ? ref.map(r -> FlakeRef.NIXPKGS).orElse(null)
                    : raw.overrideInput();
            if (raw.nixosConfig() != null) {
                if (flake || raw.nixosConfig().isBlank()) {
                    throw new ProfileException(locations.at("/system/nixosConfig"), "system.nixosConfig",
                            flake ? "a classic host's configuration.nix, not used with flake: true"
                                    : "must name the host's configuration.nix");
                }
                expression = expression == null ? CLASSIC_EXPRESSION : expression; // <nixpkgs/nixos>
            }
            if (!flake) {
                expression = required(expression, "system.expression", "/system",
                        "the file nix-instantiate evaluates, e.g. nixos/default.nix (or set flake: true)");
            }
            Map<String, Object> args = noNulls(raw.args(), "system.args", "/system/args");
            if (raw.overrideInput() != null && !flake) {
                throw new ProfileException(locations.at("/system/overrideInput"), "system.overrideInput",
                        "only used with flake: true");
            }
            return new SystemConfig(repository, expression == null ? "" : expression, attribute, args, flake,
                    Optional.ofNullable(overrideInput), remote(raw), branch(raw), fetchDepth(raw),
                    Optional.ofNullable(raw.nixosConfig()).map(c -> path(c, "system.nixosConfig", "/system/nixosConfig")
                            .toString()));
        }

        /**
         * {@code flake: PATH-OR-URL#HOST}, as {@code nixos-rebuild --flake} takes it: the host's
         * flake, whose {@code nixpkgs} input is overridden with each revision tried; empty for
         * {@code true}, {@code false} or no key.
         */
        private Optional<FlakeRef> flakeRef(RawSystem raw) {
            JsonNode node = raw.flake();
            if (node == null || node.isNull() || node.isBoolean()) {
                return Optional.empty();
            }
            String text = node.isTextual() ? node.asText() : "";
            int hash = text.lastIndexOf('#');
            if (hash <= 0 || hash == text.length() - 1 || text.startsWith("-")) {
                throw new ProfileException(locations.at("/system/flake"), "system.flake", "wrong type: expected "
                        + "true, false or the host's flake as PATH#HOST (e.g. /etc/nixos#vps-1), found "
                        + describe(node));
            }
            if (raw.expression() != null) {
                throw new ProfileException(locations.at("/system/expression"), "system.expression",
                        "not used with flake: " + text + " (the flake is named there)");
            }
            String flake = text.substring(0, hash);
            // a path, unlike a URL (github:..., git+https://...), is resolved like every other path
            String resolved = flake.contains(":") ? flake : path(flake, "system.flake", "/system/flake").toString();
            return Optional.of(new FlakeRef(resolved, text.substring(hash + 1)));
        }

        private Optional<String> remote(RawSystem raw) {
            if (raw.remote() != null && (raw.remote().isBlank() || raw.remote().startsWith("-"))) {
                throw new ProfileException(locations.at("/system/remote"), "system.remote",
                        "not a git remote URL: '" + raw.remote() + "'");
            }
            return Optional.ofNullable(raw.remote());
        }

        private String branch(RawSystem raw) {
            if (raw.branch() == null) {
                return SystemConfig.DEFAULT_BRANCH;
            }
            if (raw.remote() == null) {
                throw new ProfileException(locations.at("/system/branch"), "system.branch",
                        "only used with system.remote (the branch fetched from it)");
            }
            if (!raw.branch().matches("[A-Za-z0-9._/-]+") || raw.branch().startsWith("-") || raw.branch().contains("..")) {
                throw new ProfileException(locations.at("/system/branch"), "system.branch",
                        "not a branch name: '" + raw.branch() + "'");
            }
            return raw.branch();
        }

        private int fetchDepth(RawSystem raw) {
            if (raw.fetchDepth() == null) {
                return SystemConfig.DEFAULT_FETCH_DEPTH;
            }
            if (raw.fetchDepth() < 1) {
                throw new ProfileException(locations.at("/system/fetchDepth"), "system.fetchDepth",
                        "must be at least 1 (commits fetched at first), not " + raw.fetchDepth());
            }
            return raw.fetchDepth();
        }

        private NixConfig nix(RawNix raw) {
            if (raw == null) {
                return new NixConfig(DEFAULT_NIX_PROFILE, Map.of(), Map.of(), List.of(), Timeouts.DEFAULTS,
                        NixConfig.SYSTEMD_RUN_AUTO, false, Optional.empty());
            }
            Path profile = raw.profile() == null ? DEFAULT_NIX_PROFILE : path(raw.profile(), "nix.profile", "/nix/profile");
            List<String> prefix = raw.prefix() == null ? List.of() : raw.prefix();
            for (int i = 0; i < prefix.size(); i++) {
                if (prefix.get(i) == null) {
                    throw new ProfileException(locations.at("/nix/prefix/" + i), "nix.prefix[" + i + "]",
                            "value is missing; the prefix is a list of strings");
                }
            }
            Path booted = raw.bootedSystem() == null ? NixConfig.DEFAULT_BOOTED_SYSTEM
                    : path(raw.bootedSystem(), "nix.bootedSystem", "/nix/bootedSystem");
            Path current = raw.currentSystem() == null ? NixConfig.DEFAULT_CURRENT_SYSTEM
                    : path(raw.currentSystem(), "nix.currentSystem", "/nix/currentSystem");
            String systemdRun = raw.systemdRun() == null ? NixConfig.SYSTEMD_RUN_AUTO : raw.systemdRun();
            if (!systemdRun.equals(NixConfig.SYSTEMD_RUN_AUTO) && !systemdRun.equals(NixConfig.SYSTEMD_RUN_OFF)
                    && !systemdRun.startsWith("/")) {
                throw new ProfileException(locations.at("/nix/systemdRun"), "nix.systemdRun", "'" + systemdRun
                        + "' is neither auto, off nor the absolute path of a systemd-run");
            }
            if (raw.specialisation() != null && !raw.specialisation().matches("[A-Za-z0-9_.+-]+")) {
                throw new ProfileException(locations.at("/nix/specialisation"), "nix.specialisation",
                        "not a specialisation name: '" + raw.specialisation() + "'");
            }
            return new NixConfig(profile, noNulls(raw.options(), "nix.options", "/nix/options"),
                    noNulls(raw.environment(), "nix.environment", "/nix/environment"), prefix, Timeouts.DEFAULTS, systemdRun,
                    Boolean.TRUE.equals(raw.installBootloader()), Optional.ofNullable(raw.specialisation()))
                    .withLiveSystems(booted, current);
        }

        private SwitchAction switchAction(String raw) {
            if (raw == null) {
                return SwitchAction.SWITCH;
            }
            for (SwitchAction a : SwitchAction.values()) {
                if (a.argument().equals(raw)) {
                    return a;
                }
            }
            throw new ProfileException(locations.at("/switch"), "switch", "unknown value '" + raw
                    + "'; allowed values: " + Arrays.stream(SwitchAction.values()).map(SwitchAction::argument)
                    .collect(Collectors.joining(", ")));
        }

        private Timeouts timeouts(RawTimeouts raw) {
            Timeouts t = Timeouts.DEFAULTS;
            if (raw == null) {
                return t;
            }
            t = raw.evaluation() == null ? t : t.withEvaluation(duration(raw.evaluation(), "evaluation"));
            t = raw.build() == null ? t : t.withBuild(duration(raw.build(), "build"));
            t = raw.gc() == null ? t : t.withGc(duration(raw.gc(), "gc"));
            t = raw.query() == null ? t : t.withQuery(duration(raw.query(), "query"));
            return raw.pluginCall() == null ? t : t.withPluginCall(duration(raw.pluginCall(), "pluginCall"));
        }

        private java.time.Duration duration(String text, String key) {
            try {
                return Timeouts.parse(text);
            } catch (IllegalArgumentException e) {
                throw new ProfileException(locations.at("/timeouts/" + key), "timeouts." + key, e.getMessage(), e);
            }
        }

        private EngineConfig engine(RawEngine raw) {
            EngineConfig defaults = EngineConfig.defaults();
            if (raw == null) {
                return defaults;
            }
            long reserve = defaults.reserveBytes();
            JsonNode r = raw.reserve();
            if (r != null && !r.isNull()) {
                SourceLocation where = locations.at("/engine/reserve");
                if (r.isIntegralNumber() && r.canConvertToLong()) {
                    reserve = r.asLong();
                } else if (r.isTextual()) {
                    try {
                        reserve = ByteSize.parse(r.asText());
                    } catch (IllegalArgumentException e) {
                        throw new ProfileException(where, "engine.reserve", e.getMessage(), e);
                    }
                } else {
                    throw new ProfileException(where, "engine.reserve", "wrong type: expected a size "
                            + "(bytes as a number, or e.g. 64MiB, 1.5GiB, 512M), found " + describe(r));
                }
                if (reserve < 0) {
                    throw new ProfileException(where, "engine.reserve", "must not be negative");
                }
            }
            EngineConfig.Interrupted interrupted = defaults.onInterrupted();
            if (raw.onInterrupted() != null) {
                try {
                    interrupted = EngineConfig.Interrupted.valueOf(raw.onInterrupted().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new ProfileException(locations.at("/engine/onInterrupted"), "engine.onInterrupted",
                            "unknown value '" + raw.onInterrupted() + "'; allowed values: resume, rollback", e);
                }
            }
            EngineConfig.KeepInitial keepInitial = defaults.keepInitial();
            if (raw.keepInitial() != null) {
                try {
                    keepInitial = EngineConfig.KeepInitial.valueOf(raw.keepInitial().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new ProfileException(locations.at("/engine/keepInitial"), "engine.keepInitial",
                            "unknown value '" + raw.keepInitial() + "'; allowed values: auto, always, never", e);
                }
            }
            return new EngineConfig(reserve, interrupted, keepInitial,
                    raw.lastTry() == null ? defaults.lastTry() : raw.lastTry(),
                    RebootReader.read(raw.reboot(), locations));
        }

        /**
         * {@code nonVital}: unit names, each kept with where it stands. Whether a name is a unit
         * is only known once both systems are read: the strategies check that
         * ({@code UpgradeStrategy.checkProfile}) before the first step and before a plan.
         */
        private List<dev.inchworm.api.strategy.NonVital> nonVital(JsonNode node) {
            if (node == null || node.isNull()) {
                return List.of();
            }
            if (!node.isArray()) {
                throw new ProfileException(locations.at("/nonVital"), "nonVital",
                        "wrong type: expected a list of unit names, e.g. [texlive, gimp], found " + describe(node));
            }
            List<dev.inchworm.api.strategy.NonVital> names = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode name = node.get(i);
                SourceLocation where = locations.at("/nonVital/" + i);
                String key = "nonVital[" + i + "]";
                if (!name.isTextual() || name.asText().isBlank()) {
                    throw new ProfileException(where, key, "expected a unit name as inchworm plan shows units, found "
                            + describe(name));
                }
                if (!seen.add(name.asText())) {
                    throw new ProfileException(where, key, "'" + name.asText() + "' is listed twice");
                }
                names.add(new dev.inchworm.api.strategy.NonVital(name.asText(), where.toString()));
            }
            return List.copyOf(names);
        }

        private List<Selection> selections(JsonNode node, String key, List<Selection> defaults) {
            String pointer = "/" + key;
            if (node == null || node.isNull()) {
                return defaults;
            }
            if (!node.isArray()) {
                throw new ProfileException(locations.at(pointer), key, "wrong type: expected a list of plugin "
                        + "selections, e.g. [{id: gc}], found " + describe(node));
            }
            List<Selection> result = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < node.size(); i++) {
                Selection s = selection(node.get(i), key + "[" + i + "]", pointer + "/" + i, null);
                if (!seen.add(s.id())) {
                    throw new ProfileException(s.location(), key + "[" + i + "]",
                            "'" + s.id() + "' is selected twice in " + key);
                }
                result.add(s);
            }
            return List.copyOf(result);
        }

        private Selection selection(JsonNode node, String key, String pointer, Selection fallback) {
            SourceLocation where = locations.at(pointer);
            if (node == null || node.isNull()) {
                if (fallback != null) {
                    return fallback;
                }
                throw new ProfileException(where, key, "value is missing; expected a plugin selection {id: ..., settings: {...}}");
            }
            if (node.isTextual()) {
                return new Selection(nonBlankId(node.asText(), key, where), JsonNodeFactory.instance.objectNode(), where);
            }
            if (!node.isObject()) {
                throw new ProfileException(where, key, "wrong type: expected a plugin selection: an id, or a "
                        + "mapping {id: ..., settings: {...}}; found " + describe(node));
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("id") && !name.equals("settings")) {
                    throw new ProfileException(locations.at(pointer + "/" + escape(name)), key + "." + name,
                            "unknown key '" + name + "'; allowed keys: id, settings");
                }
            }
            JsonNode id = node.get("id");
            if (id == null || id.isNull()) {
                throw new ProfileException(where, key + ".id", "required key is missing: the plugin's id");
            }
            SourceLocation idWhere = locations.at(pointer + "/id");
            if (!id.isTextual()) {
                throw new ProfileException(idWhere, key + ".id", "wrong type: expected a string, found " + describe(id));
            }
            JsonNode settings = node.get("settings");
            if (settings == null || settings.isNull()) {
                settings = JsonNodeFactory.instance.objectNode();
            } else if (!settings.isObject()) {
                throw new ProfileException(locations.at(pointer + "/settings"), key + ".settings",
                        "wrong type: expected a mapping (key: value), found " + describe(settings));
            }
            return new Selection(nonBlankId(id.asText(), key + ".id", idWhere), settings.deepCopy(), idWhere);
        }

        private String nonBlankId(String id, String key, SourceLocation where) {
            if (id.isBlank()) {
                throw new ProfileException(where, key, "a plugin id must not be empty");
            }
            return id;
        }

        private Selection defaultSelection(String id) {
            return new Selection(id, JsonNodeFactory.instance.objectNode(), locations.at(""));
        }

        private String required(String value, String key, String parentPointer, String what) {
            if (value == null || value.isBlank()) {
                throw new ProfileException(locations.at(parentPointer), key,
                        "required key is missing: " + what + "; " + REQUIRED_KEYS);
            }
            return value;
        }

        private Path path(String value, String key, String pointer) {
            if (value.isBlank()) {
                throw new ProfileException(locations.at(pointer), key, "must not be empty; give a folder");
            }
            if (value.chars().anyMatch(Character::isISOControl)) {
                throw new ProfileException(locations.at(pointer), key,
                        "must not contain control characters (a newline, a tab)");
            }
            try {
                return baseDir.resolve(value).normalize();
            } catch (InvalidPathException e) {
                throw new ProfileException(locations.at(pointer), key, "not a valid path: " + e.getMessage(), e);
            }
        }

        private <V> Map<String, V> noNulls(Map<String, V> map, String key, String pointer) {
            if (map == null) {
                return Map.of();
            }
            for (Map.Entry<String, V> e : map.entrySet()) {
                if (e.getValue() == null) {
                    throw new ProfileException(locations.at(pointer + "/" + escape(e.getKey())),
                            key + "." + e.getKey(), "value is missing");
                }
            }
            return new LinkedHashMap<>(map);
        }
    }
}
