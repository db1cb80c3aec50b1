package dev.inchworm.runtime.plugin;

import dev.inchworm.api.Pluggable;
import dev.inchworm.runtime.config.HostProfile;
import dev.inchworm.runtime.config.ProfileException;
import dev.inchworm.runtime.config.Selection;
import dev.inchworm.runtime.config.SettingsBinder;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginWrapper;

/**
 * The plugins of one command: loaded once through PF4J from the bundled folder and the
 * profile's {@code pluginsDir}, each extension instantiated once, and indexed by extension
 * point and id. Immutable after {@link #load}. A plugin that fails to load becomes a
 * {@link LoadFailure} and the others load regardless; two plugins supplying the same id for
 * the same extension point are a {@link PluginException}.
 */
public final class PluginRegistry implements AutoCloseable {

    private final List<Path> roots;
    private final String apiVersion;
    private final List<PluginInfo> plugins;
    private final List<LoadFailure> failures;
    private final Map<ExtensionKind, Map<String, RegisteredExtension>> extensions;
    private final PluginFolders folders;
    private final SettingsBinder binder = new SettingsBinder();

    private PluginRegistry(List<Path> roots, String apiVersion, List<PluginInfo> plugins, List<LoadFailure> failures,
                           Map<ExtensionKind, Map<String, RegisteredExtension>> extensions, PluginFolders folders) {
        this.roots = List.copyOf(roots);
        this.apiVersion = apiVersion;
        this.plugins = List.copyOf(plugins);
        this.failures = List.copyOf(failures);
        EnumMap<ExtensionKind, Map<String, RegisteredExtension>> copy = new EnumMap<>(ExtensionKind.class);
        for (ExtensionKind kind : ExtensionKind.values()) {
            copy.put(kind, Collections.unmodifiableMap(new TreeMap<>(extensions.getOrDefault(kind, Map.of()))));
        }
        this.extensions = Collections.unmodifiableMap(copy);
        this.folders = folders;
    }

    /** Loads the plugins of the folders (missing folders are skipped) against the running api. */
    public static PluginRegistry load(List<Path> roots) {
        return load(roots, ApiVersion.current());
    }

    /**
     * Loads the plugin jars of {@code roots}, in that order, checking {@code Plugin-Requires}
     * against {@code apiVersion}.
     *
     * @throws PluginException when two plugins supply the same id for one extension point
     */
    public static PluginRegistry load(List<Path> roots, String apiVersion) {
        PluginFolders folders = new PluginFolders(roots, apiVersion);
        List<LoadFailure> failures = new ArrayList<>();
        Map<String, Path> loaded = new LinkedHashMap<>();
        List<Path> jars = folders.jars();
        PluginIds.check(jars);
        for (Path jar : jars) {
            String name = pluginName(jar);
            Optional<String> notAPlugin = PluginIds.notAPluginJar(jar);
            if (notAPlugin.isPresent()) {
                failures.add(new LoadFailure(name, jar, notAPlugin.get()));
                continue;
            }
            Optional<String> bundled = bundledFramework(jar);
            if (bundled.isPresent()) {
                failures.add(new LoadFailure(name, jar, "the jar bundles " + bundled.get()
                        + "; mark inchworm-api, pf4j and slf4j-api as provided"));
                continue;
            }
            try {
                PluginWrapper plugin = folders.load(jar);
                if (plugin == null) {
                    failures.add(new LoadFailure(name, jar, "not a plugin jar"));
                } else if (!folders.acceptsApi(plugin)) {
                    failures.add(new LoadFailure(plugin.getPluginId(), jar, "requires api "
                            + plugin.getDescriptor().getRequires() + " but this Inchworm provides api " + apiVersion));
                } else {
                    loaded.put(plugin.getPluginId(), jar);
                }
            } catch (RuntimeException | LinkageError e) {
                failures.add(new LoadFailure(name, jar, reason(e)));
            }
        }
        folders.resolve();
        folders.startPlugins();

        List<PluginInfo> plugins = new ArrayList<>();
        Map<ExtensionKind, Map<String, RegisteredExtension>> extensions = new EnumMap<>(ExtensionKind.class);
        List<String> conflicts = new ArrayList<>();
        for (Map.Entry<String, Path> entry : loaded.entrySet()) {
            PluginWrapper plugin = folders.getPlugin(entry.getKey());
            if (!plugin.getPluginState().isStarted()) {
                Throwable why = plugin.getFailedException();
                failures.add(new LoadFailure(entry.getKey(), entry.getValue(), why != null ? reason(why)
                        : "could not be started (state " + plugin.getPluginState() + "; missing dependencies?)"));
                continue;
            }
            PluginDescriptor d = plugin.getDescriptor();
            PluginInfo info = new PluginInfo(d.getPluginId(), d.getVersion(), d.getRequires(),
                    d.getPluginDescription(), entry.getValue());
            List<RegisteredExtension> own;
            try {
                own = instantiate(folders, plugin, info);
            } catch (RuntimeException | LinkageError e) {
                failures.add(new LoadFailure(info.id(), info.path(), reason(e)));
                continue;
            }
            plugins.add(info);
            for (RegisteredExtension ext : own) {
                RegisteredExtension before = extensions.computeIfAbsent(ext.kind(), k -> new LinkedHashMap<>())
                        .putIfAbsent(ext.id(), ext);
                if (before != null) {
                    conflicts.add(ext.kind().displayName() + " '" + ext.id() + "' is supplied by two plugins: "
                            + before.plugin().label() + " (" + before.plugin().path() + ") and "
                            + info.label() + " (" + info.path() + ")");
                }
            }
        }
        if (!conflicts.isEmpty()) {
            folders.unloadPlugins();
            throw new PluginException(String.join("; ", conflicts)
                    + "; extension ids must be unique, remove one of the plugins");
        }
        return new PluginRegistry(roots, apiVersion, plugins, failures, extensions, folders);
    }

    /** Makes the one instance of each extension class of a started plugin. */
    private static List<RegisteredExtension> instantiate(PluginFolders folders, PluginWrapper plugin, PluginInfo info) {
        List<String> classNames = new ArrayList<>(folders.getExtensionClassNames(plugin.getPluginId()));
        if (classNames.isEmpty()) {
            throw new IllegalStateException("no extensions: the jar has no META-INF/extensions.idx entries "
                    + "(build it with PF4J's annotation processor and @Extension on each extension)");
        }
        Collections.sort(classNames);
        List<RegisteredExtension> result = new ArrayList<>();
        for (String className : classNames) {
            Class<?> type;
            Object instance;
            try {
                type = plugin.getPluginClassLoader().loadClass(className);
                instance = type.getDeclaredConstructor().newInstance();
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("constructor of " + className + " failed: " + reason(e.getCause()), e);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create " + className + ": " + reason(e), e);
            }
            List<ExtensionKind> kinds = new ArrayList<>();
            for (ExtensionKind kind : ExtensionKind.values()) {
                if (kind.type().isInstance(instance)) {
                    kinds.add(kind);
                }
            }
            if (kinds.isEmpty()) {
                throw new IllegalStateException(className + " implements none of the extension points "
                        + java.util.Arrays.stream(ExtensionKind.values()).map(ExtensionKind::displayName)
                        .collect(Collectors.joining(", ")));
            }
            Pluggable<?> pluggable = (Pluggable<?>) instance;
            String id = pluggable.id();
            if (id == null || id.isBlank()) {
                throw new IllegalStateException(className + " has no id");
            }
            Class<?> settings = pluggable.settingsType();
            if (settings == null || !settings.isRecord()) {
                throw new IllegalStateException(className + ".settingsType() must return a record type, not "
                        + settings);
            }
            for (ExtensionKind kind : kinds) {
                result.add(new RegisteredExtension(kind, id, pluggable, info));
            }
        }
        return result;
    }

    /** The Plugin-Id of a jar's manifest, or its file name when unreadable. */
    private static String pluginName(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getManifest() != null) {
                String id = file.getManifest().getMainAttributes().getValue("Plugin-Id");
                if (id != null && !id.isBlank()) {
                    return id.trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // a broken jar is named by its file
        }
        return jar.getFileName().toString();
    }

    /** Whether the jar carries classes that must come from the runtime alone. */
    private static Optional<String> bundledFramework(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.startsWith("dev/inchworm/api/")) {
                    return Optional.of("the Inchworm api (" + name + ")");
                }
                if (name.startsWith("org/pf4j/")) {
                    return Optional.of("PF4J (" + name + ")");
                }
                if (name.startsWith("org/slf4j/")) {
                    return Optional.of("SLF4J (" + name + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: loading it reports the problem
        }
        return Optional.empty();
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while ((t instanceof InvocationTargetException || t instanceof ExceptionInInitializerError)
                && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        String type = t instanceof IllegalStateException ? "" : t.getClass().getSimpleName() + ": ";
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return (type + message).lines().findFirst().orElse("").trim();
    }

    // ---- queries ---------------------------------------------------------------------------

    /** The plugin folders, in the order they were read. */
    public List<Path> roots() {
        return roots;
    }

    /** The api version plugins were checked against. */
    public String apiVersion() {
        return apiVersion;
    }

    /** The plugins that loaded, in load order. */
    public List<PluginInfo> plugins() {
        return plugins;
    }

    /** The plugins that did not load, and why. */
    public List<LoadFailure> failures() {
        return failures;
    }

    /** The extensions of one point, by id. */
    public List<RegisteredExtension> extensions(ExtensionKind kind) {
        return List.copyOf(extensions.get(kind).values());
    }

    /** The extensions one plugin supplies. */
    public List<RegisteredExtension> extensionsOf(String pluginId) {
        List<RegisteredExtension> result = new ArrayList<>();
        for (Map<String, RegisteredExtension> byId : extensions.values()) {
            byId.values().stream().filter(e -> e.plugin().id().equals(pluginId)).forEach(result::add);
        }
        return result;
    }

    /** The extension with this id for this point. */
    public Optional<RegisteredExtension> find(ExtensionKind kind, String id) {
        return Optional.ofNullable(extensions.get(kind).get(id));
    }

    // ---- selecting from a profile ------------------------------------------------------------

    /**
     * The extension a selection names, with its settings bound.
     *
     * @param keyPath where the selection stands in the profile, e.g. {@code probe}
     * @throws ProfileException for an unknown id (naming the allowed ids and any plugin that
     *                          failed to load) or settings the extension's record rejects
     */
    public Selected select(ExtensionKind kind, Selection selection, String keyPath) {
        RegisteredExtension extension = find(kind, selection.id()).orElseThrow(() -> unknown(kind, selection, keyPath));
        Record settings = binder.bind(selection, keyPath, extension.settingsType());
        return new Selected(extension, settings, selection, keyPath);
    }

    /** Every selection of the profile, checked and bound; the first problem is thrown. */
    public ProfileSelections select(HostProfile profile) {
        return new ProfileSelections(
                selectAll(ExtensionKind.STRATEGY, profile.strategies()),
                select(ExtensionKind.PROBE, profile.probe(), ExtensionKind.PROBE.profileKey()),
                select(ExtensionKind.ROLLBACK, profile.rollback(), ExtensionKind.ROLLBACK.profileKey()),
                selectAll(ExtensionKind.RECLAIMER, profile.reclaimers()),
                selectAll(ExtensionKind.PROVISIONER, profile.provisioners()));
    }

    private List<Selected> selectAll(ExtensionKind kind, List<Selection> selections) {
        List<Selected> result = new ArrayList<>();
        for (int i = 0; i < selections.size(); i++) {
            result.add(select(kind, selections.get(i), kind.profileKey() + "[" + i + "]"));
        }
        return result;
    }

    private ProfileException unknown(ExtensionKind kind, Selection selection, String keyPath) {
        Map<String, RegisteredExtension> known = extensions.get(kind);
        StringBuilder problem = new StringBuilder("unknown ").append(kind.displayName()).append(" '")
                .append(selection.id()).append("'; allowed: ")
                .append(known.isEmpty() ? "(none loaded)" : String.join(", ", known.keySet()));
        Optional<LoadFailure> same = failures.stream().filter(f -> f.plugin().equals(selection.id())).findFirst();
        if (same.isPresent()) {
            problem.append("; plugin '").append(selection.id()).append("' failed to load: ").append(same.get().reason());
        } else if (!failures.isEmpty()) {
            problem.append("; these plugins failed to load: ")
                    .append(failures.stream().map(LoadFailure::toString).collect(Collectors.joining("; ")));
        }
        problem.append(" (plugin folders: ").append(roots.stream().map(Path::toString)
                .collect(Collectors.joining(", "))).append(')');
        return new ProfileException(selection.location(), keyPath + ".id", problem.toString());
    }

    /** Stops the plugins and closes their class loaders. */
    @Override
    public void close() {
        // unloadPlugins stops each plugin first; PF4J 3.15's stopPlugins() trips over its own list
        folders.unloadPlugins();
    }
}
