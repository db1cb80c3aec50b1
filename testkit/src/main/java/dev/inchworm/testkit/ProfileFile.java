package dev.inchworm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An Inchworm host profile (YAML) for a {@link SandboxHost} and a {@link Scenario}: the system
 * source is the scenario's repository ({@code nixos/default.nix}, attribute {@code system}),
 * Nix runs inside the host through its prefix and environment. Plugin selections start as
 * {@code strategies: [full-rebuild]}, {@code probe: statvfs} on the host's store seen from
 * outside ({@code /proc/PID/root/nix/store}), {@code rollback: generation},
 * {@code reclaimers: [gc]}, {@code provisioners: []}; change them before {@link #write(Path)}.
 */
public final class ProfileFile {

    private final Map<String, Object> profile = new LinkedHashMap<>();
    private final Map<String, Object> options = new LinkedHashMap<>();
    private final Map<String, Object> nix = new LinkedHashMap<>();

    ProfileFile(SandboxHost host, Scenario scenario) {
        profile.put("host", host.name());
        profile.put("system", Map.of("repository", scenario.repository().toString(),
                "expression", Scenario.EXPRESSION, "attribute", Scenario.ATTRIBUTE, "args", Map.of()));
        nix.put("profile", SandboxHost.SYSTEM_PROFILE);
        nix.put("options", options);
        nix.put("environment", host.nixEnvironment());
        nix.put("prefix", host.prefix());
        nix.put("systemdRun", "off"); // the recording switch-to-configuration runs as a direct child
        profile.put("nix", nix);
        profile.put("switch", "switch");
        profile.put("stateDir", host.stateDir().resolve("inchworm").toString());
        Path plugins = host.workDir().resolve("plugins");
        try {
            Files.createDirectories(plugins); // a pluginsDir that does not exist is refused
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + plugins, e);
        }
        profile.put("pluginsDir", plugins.toString());
        strategies("full-rebuild");
        probe("statvfs", Map.of("path", host.storeRoot().resolve("store").toString()));
        rollback("generation");
        reclaimers("gc");
        provisioners();
    }

    /** A key of the {@code nix:} block ({@code systemdRun}, {@code installBootloader}, ...). */
    public ProfileFile nixSetting(String key, Object value) {
        nix.put(Objects.requireNonNull(key, "key"), value);
        return this;
    }

    /**
     * The host's booted and current system links as the profile's live-system pins
     * ({@code nix.bootedSystem}, {@code nix.currentSystem}), and {@code engine.reboot} with the
     * test kit's stand-in command ({@link SandboxHost#rebootCommand()}), allowed or not.
     */
    public ProfileFile rebootsWithStandIn(SandboxHost host, boolean allowed) {
        nix.put("bootedSystem", host.stateDir().resolve("booted-system").toString());
        nix.put("currentSystem", host.stateDir().resolve("current-system").toString());
        Map<String, Object> engine = new LinkedHashMap<>();
        if (profile.get("engine") instanceof Map<?, ?> set) {
            set.forEach((k, v) -> engine.put(String.valueOf(k), v));
        }
        engine.put("reboot", Map.of("allowed", allowed, "command", host.rebootCommand()));
        profile.put("engine", engine);
        return this;
    }

    /** The strategies, by id without settings, in the order they are asked. */
    public ProfileFile strategies(String... ids) {
        profile.put("strategies", selections(ids));
        return this;
    }

    /** Appends a strategy with settings. */
    public ProfileFile addStrategy(String id, Map<String, ?> settings) {
        return append("strategies", id, settings);
    }

    /** The storage probe and its settings. */
    public ProfileFile probe(String id, Map<String, ?> settings) {
        profile.put("probe", selection(id, settings));
        return this;
    }

    /** The rollback, without settings. */
    public ProfileFile rollback(String id) {
        return rollback(id, Map.of());
    }

    /** The rollback and its settings. */
    public ProfileFile rollback(String id, Map<String, ?> settings) {
        profile.put("rollback", selection(id, settings));
        return this;
    }

    /** The reclaimers, by id without settings. */
    public ProfileFile reclaimers(String... ids) {
        profile.put("reclaimers", selections(ids));
        return this;
    }

    /** Appends a reclaimer with settings. */
    public ProfileFile addReclaimer(String id, Map<String, ?> settings) {
        return append("reclaimers", id, settings);
    }

    /** The provisioners, by id without settings. */
    public ProfileFile provisioners(String... ids) {
        profile.put("provisioners", selections(ids));
        return this;
    }

    /** Appends a provisioner with settings. */
    public ProfileFile addProvisioner(String id, Map<String, ?> settings) {
        return append("provisioners", id, settings);
    }

    /** A Nix option passed to every Nix command ({@code nix.options}). */
    public ProfileFile nixOption(String name, String value) {
        options.put(name, value);
        return this;
    }

    /** The activation after each step: {@code switch}, {@code boot} or {@code test}. */
    public ProfileFile switchAction(String action) {
        profile.put("switch", action);
        return this;
    }

    /** The folder of third-party plugins. */
    public ProfileFile pluginsDir(Path folder) {
        profile.put("pluginsDir", folder.toString());
        return this;
    }

    /** Sets any top-level key ({@code engine}, {@code stateDir} ...) to a scalar, list or map value. */
    public ProfileFile set(String key, Object value) {
        profile.put(Objects.requireNonNull(key, "key"), value);
        return this;
    }

    /** The profile as YAML text. */
    public String text() {
        StringBuilder yaml = new StringBuilder("# Written by the Inchworm test kit.\n");
        profile.forEach((key, value) -> yaml.append(key).append(": ").append(json(value)).append('\n'));
        return yaml.toString();
    }

    /** Writes the profile (YAML; give the file a {@code .yaml} name) and returns the file. */
    public Path write(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, text());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write profile " + file, e);
        }
    }

    private ProfileFile append(String key, String id, Map<String, ?> settings) {
        @SuppressWarnings("unchecked")
        List<Object> list = new ArrayList<>((List<Object>) profile.get(key));
        list.add(selection(id, settings));
        profile.put(key, list);
        return this;
    }

    private static List<Object> selections(String... ids) {
        List<Object> list = new ArrayList<>();
        for (String id : ids) {
            list.add(selection(id, Map.of()));
        }
        return list;
    }

    private static Map<String, Object> selection(String id, Map<String, ?> settings) {
        Map<String, Object> selection = new LinkedHashMap<>();
        selection.put("id", Objects.requireNonNull(id, "id"));
        if (!settings.isEmpty()) {
            selection.put("settings", settings);
        }
        return selection;
    }

    /** YAML is a superset of JSON: values are written as JSON, keys at the top in block style. */
    static String json(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Boolean || value instanceof Number) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> map) {
            List<String> entries = new ArrayList<>();
            map.forEach((k, v) -> entries.add(quote(k.toString()) + ": " + json(v)));
            return "{" + String.join(", ", entries) + "}";
        }
        if (value instanceof Collection<?> list) {
            return "[" + String.join(", ", list.stream().map(ProfileFile::json).toList()) + "]";
        }
        return quote(value.toString());
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
