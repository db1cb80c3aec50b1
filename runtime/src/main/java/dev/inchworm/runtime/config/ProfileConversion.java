package dev.inchworm.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inchworm.api.ByteSize;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.runtime.config.ProfileShape.FlakeRef;
import dev.inchworm.runtime.config.ProfileShape.RawEngine;
import dev.inchworm.runtime.config.ProfileShape.RawHooks;
import dev.inchworm.runtime.config.ProfileShape.RawMetrics;
import dev.inchworm.runtime.config.ProfileShape.RawNix;
import dev.inchworm.runtime.config.ProfileShape.RawProfile;
import dev.inchworm.runtime.config.ProfileShape.RawSystem;
import dev.inchworm.runtime.config.ProfileShape.RawTimeouts;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns the raw shape a profile binds to ({@link ProfileShape}) into the profile records:
 * defaults, required keys, selections, paths resolved against the profile's folder; every
 * error names the file, line, column and key path.
 */
final class ProfileConversion {

    private final ProfileLocations locations;
    private final Path baseDir;
    private final SelectionReader selections;

    ProfileConversion(ProfileLocations locations, Path baseDir) {
        this.selections = new SelectionReader(locations);
        this.locations = locations;
        this.baseDir = baseDir;
    }

    HostProfile profile(RawProfile raw) {
        String host = required(raw.host(), "host", "", "the host's name, used in reports");
        SystemConfig system = system(raw.system());
        NixConfig nix = nix(raw.nix());
        SwitchAction action = switchAction(raw.switchAction());
        Path stateDir = raw.stateDir() == null ? ProfileReader.DEFAULT_STATE_DIR : path(raw.stateDir(), "stateDir", "/stateDir");
        Optional<Path> pluginsDir = Optional.ofNullable(raw.pluginsDir())
                .map(p -> path(p, "pluginsDir", "/pluginsDir"));
        List<Selection> strategies = selections.list(raw.strategies(), "strategies",
                List.of(selections.byDefault("full-rebuild")));
        if (strategies.isEmpty()) {
            throw new ProfileException(locations.at("/strategies"), "strategies",
                    "at least one strategy is needed, e.g. [{id: full-rebuild}]");
        }
        ObjectNode storeSettings = JsonNodeFactory.instance.objectNode().put("path", "/nix/store");
        Selection probe = selections.one(raw.probe(), "probe", "/probe",
                new Selection("statvfs", storeSettings, locations.at("")));
        Selection rollback = selections.one(raw.rollback(), "rollback", "/rollback",
                selections.byDefault("generation"));
        List<Selection> reclaimers = selections.list(raw.reclaimers(), "reclaimers",
                List.of(selections.byDefault("gc")));
        List<Selection> provisioners = selections.list(raw.provisioners(), "provisioners", List.of());
        EngineConfig engine = engine(raw.engine());
        if (engine.keepInitial() == EngineConfig.KeepInitial.NEVER && rollback.id().equals("generation")) {
            throw new ProfileException(locations.at("/engine/keepInitial"), "engine.keepInitial",
                    "never releases the initial generation the 'generation' rollback needs; "
                            + "select rollback: {id: retrace}, or keepInitial: auto");
        }
        return new HostProfile(host, system, nix, action, stateDir, pluginsDir, strategies, probe, rollback,
                reclaimers, provisioners, engine, timeouts(raw.timeouts()), selections.nonVital(raw.nonVital()),
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
                        "wrong type: expected " + expected + ", found " + ProfileErrors.describe(node));
            }
            boolean nested = node.size() > 0 && node.get(0).isArray();
            List<JsonNode> entries = new ArrayList<>();
            node.forEach(entries::add);
            for (JsonNode command : nested ? entries : List.of(node)) {
                List<String> argv = new ArrayList<>();
                if (!command.isArray() || command.isEmpty()) {
                    throw new ProfileException(locations.at("/hooks/afterRun"), "hooks.afterRun",
                            "expected " + expected + ", found " + ProfileErrors.describe(command));
                }
                for (JsonNode word : command) {
                    if (!word.isTextual() || word.asText().isEmpty()) {
                        throw new ProfileException(locations.at("/hooks/afterRun"), "hooks.afterRun",
                                "expected " + expected + ", found " + ProfileErrors.describe(word));
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
                            + ProfileReader.REQUIRED_KEYS);
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
            expression = expression == null ? ProfileReader.CLASSIC_EXPRESSION : expression; // <nixpkgs/nixos>
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
                    + ProfileErrors.describe(node));
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
            return new NixConfig(ProfileReader.DEFAULT_NIX_PROFILE, Map.of(), Map.of(), List.of(), Timeouts.DEFAULTS,
                    NixConfig.SYSTEMD_RUN_AUTO, false, Optional.empty());
        }
        Path profile = raw.profile() == null ? ProfileReader.DEFAULT_NIX_PROFILE : path(raw.profile(), "nix.profile", "/nix/profile");
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
                        + "(bytes as a number, or e.g. 64MiB, 1.5GiB, 512M), found " + ProfileErrors.describe(r));
            }
            if (reserve < 0) {
                throw new ProfileException(where, "engine.reserve", "must not be negative");
            }
        }
        EngineConfig.Interrupted interrupted = choice(EngineConfig.Interrupted.class, raw.onInterrupted(),
                defaults.onInterrupted(), "onInterrupted");
        EngineConfig.KeepInitial keepInitial = choice(EngineConfig.KeepInitial.class, raw.keepInitial(),
                defaults.keepInitial(), "keepInitial");
        return new EngineConfig(reserve, interrupted, keepInitial,
                raw.lastTry() == null ? defaults.lastTry() : raw.lastTry(),
                RebootReader.read(raw.reboot(), locations));
    }

    /**
     * An {@code engine} key naming one of an enum's values in lower case ({@code rollback}),
     * or the default when it is missing; an unknown value is an error listing the allowed ones.
     */
    private <E extends Enum<E>> E choice(Class<E> type, String value, E fallback, String key) {
        if (value == null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String allowed = String.join(", ", Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
            throw new ProfileException(locations.at("/engine/" + key), "engine." + key,
                    "unknown value '" + value + "'; allowed values: " + allowed, e);
        }
    }

    private String required(String value, String key, String parentPointer, String what) {
        if (value == null || value.isBlank()) {
            throw new ProfileException(locations.at(parentPointer), key,
                    "required key is missing: " + what + "; " + ProfileReader.REQUIRED_KEYS);
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
                throw new ProfileException(locations.at(pointer + "/" + ProfileErrors.escape(e.getKey())),
                        key + "." + e.getKey(), "value is missing");
            }
        }
        return new LinkedHashMap<>(map);
    }
}
