package dev.inchworm.runtime.plugin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * The plugin ids of the jars, checked before any is loaded: an id is lower-case letters,
 * digits, {@code .}, {@code _} and {@code -} (it names folders and journal keys), and no two
 * jars share one (PF4J would keep the first and drop the other silently). Either is a
 * {@link PluginException} naming the jars (exit 2). A jar without a readable manifest is left
 * to the loader, which reports it as a load failure.
 */
final class PluginIds {

    static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private PluginIds() {
    }

    static void check(List<Path> jars) {
        Map<String, Path> seen = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Path jar : jars) {
            Optional<String> id = manifestId(jar);
            if (id.isEmpty()) {
                continue;
            }
            if (!VALID.matcher(id.get()).matches()) {
                problems.add(jar + " declares the plugin id '" + printable(id.get()) + "'; an id is 1 to 64 of a-z, 0-9, "
                        + "'.', '_', '-', starting with a letter or digit");
                continue;
            }
            Path before = seen.putIfAbsent(id.get(), jar);
            if (before != null) {
                problems.add("the plugin id '" + id.get() + "' is declared by two jars: " + before + " and " + jar
                        + "; remove one");
            }
        }
        if (!problems.isEmpty()) {
            throw new PluginException(String.join("; ", problems));
        }
    }

    /** Why a file is no plugin jar at all (not a zip, no manifest, no Plugin-Id), if it is not one. */
    static Optional<String> notAPluginJar(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                return Optional.of("a jar without a manifest; a plugin jar's manifest names its Plugin-Id");
            }
            String id = manifest.getMainAttributes().getValue("Plugin-Id");
            return id == null || id.isBlank() ? Optional.of("no Plugin-Id in its manifest; not a plugin jar")
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("not a jar (zip) file: " + e.getMessage());
        }
    }

    /** The {@code Plugin-Id} of a jar's manifest, if it has one. */
    static Optional<String> manifestId(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return manifest == null ? Optional.empty()
                    : Optional.ofNullable(manifest.getMainAttributes().getValue("Plugin-Id")).map(String::strip);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String printable(String id) {
        StringBuilder b = new StringBuilder();
        id.codePoints().limit(100).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }
}
