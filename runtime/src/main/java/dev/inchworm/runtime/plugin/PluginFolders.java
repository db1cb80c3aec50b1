package dev.inchworm.runtime.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.IndexedExtensionFinder;
import org.pf4j.JarPluginLoader;
import org.pf4j.JarPluginRepository;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRepository;
import org.pf4j.PluginStatusProvider;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;
import org.pf4j.processor.ExtensionStorage;

/**
 * PF4J's manager, narrowed to what Inchworm needs: plugin jars (with a manifest) from several
 * folders, always in deployment mode, none disabled by side files, and extensions read from
 * each plugin jar's own {@code META-INF/extensions.idx} only - never from the application's
 * class path, so no "system extension" is registered by accident.
 */
final class PluginFolders extends DefaultPluginManager {

    PluginFolders(List<Path> roots, String systemVersion) {
        super(List.copyOf(roots));
        setSystemVersion(systemVersion);
        // One plugin with a missing dependency must not take the others down.
        setResolveRecoveryStrategy(ResolveRecoveryStrategy.IGNORE_PLUGIN_AND_CONTINUE);
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        return RuntimeMode.DEPLOYMENT;
    }

    @Override
    protected PluginRepository createPluginRepository() {
        return new JarPluginRepository(getPluginsRoots());
    }

    @Override
    protected PluginDescriptorFinder createPluginDescriptorFinder() {
        return new ManifestPluginDescriptorFinder();
    }

    @Override
    protected PluginStatusProvider createPluginStatusProvider() {
        return new PluginStatusProvider() {
            @Override
            public boolean isPluginDisabled(String pluginId) {
                return false;
            }

            @Override
            public void disablePlugin(String pluginId) {
                throw new UnsupportedOperationException("Inchworm does not disable plugins; remove the jar");
            }

            @Override
            public void enablePlugin(String pluginId) {
                // every loaded plugin is enabled
            }
        };
    }

    @Override
    protected PluginLoader createPluginLoader() {
        ClassLoader runtime = PluginFolders.class.getClassLoader();
        return new JarPluginLoader(this) {
            @Override
            protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                // Application first: a library a plugin bundles never shadows the runtime's copy
                // (the api, slf4j), so values cross the boundary with one class identity.
                return new PluginClassLoader(pluginManager, descriptor, runtime, ClassLoadingStrategy.APD);
            }
        };
    }

    @Override
    protected ExtensionFinder createExtensionFinder() {
        IndexedExtensionFinder finder = new IndexedExtensionFinder(this) {
            @Override
            public Map<String, Set<String>> readClasspathStorages() {
                return Map.of();
            }

            @Override
            public Map<String, Set<String>> readPluginsStorages() {
                Map<String, Set<String>> result = new LinkedHashMap<>();
                for (PluginWrapper plugin : pluginManager.getPlugins()) {
                    result.put(plugin.getPluginId(), indexOf(plugin.getPluginPath()));
                }
                return result;
            }
        };
        addPluginStateListener(finder);
        return finder;
    }

    /**
     * The extension class names in a jar's own index. Read from the file, not through the
     * class loader, which (application first) could find another jar's index.
     */
    static Set<String> indexOf(Path jar) {
        Set<String> names = new HashSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("META-INF/extensions.idx");
            if (entry != null) {
                try (InputStream in = zip.getInputStream(entry);
                     Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    ExtensionStorage.read(reader, names);
                }
            }
        } catch (IOException e) {
            // an unreadable jar has no extensions; loading it already failed and was reported
        }
        return names;
    }

    /** Loads one jar; PF4J's own loop would only log what went wrong. */
    PluginWrapper load(Path jar) {
        return loadPluginFromPath(jar);
    }

    /** Resolves dependencies between the loaded plugins. */
    void resolve() {
        resolvePlugins();
    }

    /** True when the plugin's {@code Plugin-Requires} accepts the runtime's api version. */
    boolean acceptsApi(PluginWrapper plugin) {
        return isPluginValid(plugin);
    }

    /** The jars of the folders: folder by folder, by file name within one (PF4J sorts by date). */
    List<Path> jars() {
        List<Path> jars = new ArrayList<>();
        for (Path root : getPluginsRoots()) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            PluginPaths.requireSafe(root);
            try (Stream<Path> files = Files.list(root)) {
                files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                        .sorted().forEach(jars::add);
            } catch (IOException e) {
                throw new PluginException("cannot list plugin folder " + root + ": " + e.getMessage(), e);
            }
        }
        jars.forEach(PluginPaths::requireSafe);
        return jars;
    }
}
