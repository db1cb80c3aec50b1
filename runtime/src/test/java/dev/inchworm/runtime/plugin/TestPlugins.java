package dev.inchworm.runtime.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds real plugin jars in a test: compiles sources against the test class path (api, pf4j)
 * with the JDK compiler and jars them with a PF4J manifest and {@code META-INF/extensions.idx},
 * so loading goes through PF4J exactly as for a bundled plugin. The index is written here, not
 * by the annotation processor, to keep it off the test class path.
 */
public final class TestPlugins {

    private final Path workDir;

    public TestPlugins(Path workDir) {
        this.workDir = workDir;
    }

    /** A plugin being described. */
    public final class Builder {
        private final String id;
        private String version = "1.0.0";
        private String requires = ">=0.1.0";
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final List<String> extensions = new ArrayList<>();
        private final Map<String, byte[]> extraEntries = new LinkedHashMap<>();

        Builder(String id) {
            this.id = id;
        }

        public Builder version(String v) {
            version = v;
            return this;
        }

        public Builder requires(String r) {
            requires = r;
            return this;
        }

        /** A source file; {@code extension} adds the class to the extensions index. */
        public Builder source(String className, String code, boolean extension) {
            sources.put(className, code);
            if (extension) {
                extensions.add(className);
            }
            return this;
        }

        /** An extra file in the jar (e.g. a copy of an api class). */
        public Builder entry(String name, byte[] content) {
            extraEntries.put(name, content);
            return this;
        }

        /** Compiles and writes {@code folder/<id>.jar}. */
        public Path writeTo(Path folder) {
            try {
                Path classes = Files.createTempDirectory(workDir, id + "-classes");
                Path src = Files.createTempDirectory(workDir, id + "-src");
                List<String> files = new ArrayList<>();
                for (Map.Entry<String, String> e : sources.entrySet()) {
                    Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, e.getValue());
                    files.add(file.toString());
                }
                if (!files.isEmpty()) {
                    compile(classes, files);
                }
                Files.createDirectories(folder);
                Path jar = folder.resolve(id + ".jar");
                Manifest manifest = new Manifest();
                Attributes a = manifest.getMainAttributes();
                a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
                a.putValue("Plugin-Id", id);
                a.putValue("Plugin-Version", version);
                a.putValue("Plugin-Requires", requires);
                a.putValue("Plugin-Description", "test plugin " + id);
                try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
                    if (!extensions.isEmpty()) {
                        zip.putNextEntry(new JarEntry("META-INF/extensions.idx"));
                        zip.write((String.join("\n", extensions) + "\n").getBytes(StandardCharsets.UTF_8));
                        zip.closeEntry();
                    }
                    try (Stream<Path> walk = Files.walk(classes)) {
                        for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                            zip.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                            zip.write(Files.readAllBytes(p));
                            zip.closeEntry();
                        }
                    }
                    for (Map.Entry<String, byte[]> e : extraEntries.entrySet()) {
                        zip.putNextEntry(new JarEntry(e.getKey()));
                        zip.write(e.getValue());
                        zip.closeEntry();
                    }
                }
                return jar;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public Builder plugin(String id) {
        return new Builder(id);
    }

    private static void compile(Path classes, List<String> files) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-proc:none", "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), "--release", "17"));
        args.addAll(files);
        int rc = compiler.run(null, null, null, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("test plugin did not compile: " + files);
        }
    }

    /** Source of a storage probe extension with the given id, reporting fixed numbers. */
    public static String probeSource(String pkg, String className, String extensionId, String constructorBody) {
        return """
                package %1$s;

                import dev.inchworm.api.storage.*;
                import java.time.Instant;
                import java.util.Optional;

                @org.pf4j.Extension
                public class %2$s implements StorageProbe<%2$s.Settings> {
                    public record Settings(String path, Integer depth) {
                        public Settings {
                            path = path == null ? "/nix/store" : path;
                            if (depth != null && depth < 0) throw new IllegalArgumentException("depth must not be negative");
                        }
                    }
                    public %2$s() { %4$s }
                    public String id() { return "%3$s"; }
                    public Class<Settings> settingsType() { return Settings.class; }
                    public String description() { return "fixed numbers for tests"; }
                    public StorageReport measure(ProbeContext<Settings> c) {
                        String out = c.host().commands().run(dev.inchworm.api.host.Command.of("echo", c.settings().path())).stdout().trim();
                        return new StorageReport(Instant.EPOCH, new Volume(out, 1000, 400, 10, 4), Optional.empty());
                    }
                }
                """.formatted(pkg, className, extensionId, constructorBody);
    }

    /** Source of an extension of any point with no settings (for ids a profile needs). */
    public static String simpleSource(String pkg, String className, String extensionId, String point) {
        String body = switch (point) {
            case "UpgradeStrategy" -> """
                    public dev.inchworm.api.strategy.Proposal propose(dev.inchworm.api.strategy.StrategyContext<dev.inchworm.api.NoSettings> c) { return dev.inchworm.api.strategy.Proposal.pass("test"); }
                    public dev.inchworm.api.strategy.Proposal afterFailure(dev.inchworm.api.strategy.StrategyContext<dev.inchworm.api.NoSettings> c, dev.inchworm.api.strategy.Step s, dev.inchworm.api.nix.NixFailure f) { return dev.inchworm.api.strategy.Proposal.pass("test"); }
                    """;
            case "Rollback" -> """
                    public dev.inchworm.api.rollback.RollbackResult restore(dev.inchworm.api.rollback.RollbackContext<dev.inchworm.api.NoSettings> c) { return dev.inchworm.api.rollback.RollbackResult.restored("test"); }
                    """;
            case "Reclaimer" -> """
                    public int cost() { return 0; }
                    public dev.inchworm.api.reclaim.Reclaimed reclaim(dev.inchworm.api.reclaim.ReclaimContext<dev.inchworm.api.NoSettings> c, long wanted) { return dev.inchworm.api.reclaim.Reclaimed.nothing("test"); }
                    """;
            default -> throw new IllegalArgumentException(point);
        };
        String pointPackage = switch (point) {
            case "UpgradeStrategy" -> "strategy";
            case "Rollback" -> "rollback";
            default -> "reclaim";
        };
        return """
                package %1$s;

                @org.pf4j.Extension
                public class %2$s implements dev.inchworm.api.%5$s.%4$s<dev.inchworm.api.NoSettings> {
                    public String id() { return "%3$s"; }
                    public Class<dev.inchworm.api.NoSettings> settingsType() { return dev.inchworm.api.NoSettings.class; }
                    %6$s
                }
                """.formatted(pkg, className, extensionId, point, pointPackage, body);
    }
}
