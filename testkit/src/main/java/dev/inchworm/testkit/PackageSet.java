package dev.inchworm.testkit;

import static dev.inchworm.testkit.Package.KiB;
import static dev.inchworm.testkit.Package.MiB;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * An immutable synthetic package set: what one revision of a {@link Scenario} holds. Every
 * change returns a new set. A package named {@value #KERNEL} is the system's kernel (the
 * toplevel links its data as {@code kernel}, next to an {@code initrd} built for it).
 */
public final class PackageSet {

    /** The name of the package that serves as kernel. */
    public static final String KERNEL = "linux";

    private final Map<String, Package> packages;
    private final String systemVersion;
    private final List<String> services;
    private final List<String> linkedOnly;

    private PackageSet(Map<String, Package> packages, String systemVersion) {
        this(packages, systemVersion, List.of(), List.of());
    }

    private PackageSet(Map<String, Package> packages, String systemVersion, List<String> services,
                       List<String> linkedOnly) {
        this.packages = packages;
        this.systemVersion = systemVersion;
        this.services = List.copyOf(services);
        this.linkedOnly = List.copyOf(linkedOnly);
    }

    /** No packages; system version {@code 26.05}. */
    public static PackageSet empty() {
        return new PackageSet(Map.of(), "26.05");
    }

    /**
     * Ten packages of 64 KiB to 2 MiB (about 9 MiB in all) shaped like a small server: a
     * kernel {@code linux}; libraries {@code glibc} (under everything: bump it for a mass
     * rebuild), {@code zlib}, {@code openssl} (outputs {@code out} and {@code dev}); a
     * build-time-only tool {@code cmake}; system packages {@code curl}, {@code git},
     * {@code htop}, {@code hello} (built from a fixed-output source) and {@code firefox}
     * (the biggest, built with cmake).
     */
    public static PackageSet typical() {
        return empty()
                .add(Package.of(KERNEL, "6.6.20", 1536 * KiB).library())
                .add(Package.of("glibc", "2.39", 1 * MiB).library())
                .add(Package.of("zlib", "1.3.1", 128 * KiB).dependsOn("glibc").library())
                .add(Package.of("openssl", "3.0.13", 768 * KiB).dependsOn("glibc").withDev(64 * KiB).library())
                .add(Package.of("cmake", "3.28.3", 1 * MiB).dependsOn("glibc").library())
                .add(Package.of("curl", "8.6.0", 512 * KiB).dependsOn("openssl", "zlib").buildsWith("openssl"))
                .add(Package.of("git", "2.44.0", 1536 * KiB).dependsOn("curl", "zlib", "openssl"))
                .add(Package.of("htop", "3.3.0", 256 * KiB).dependsOn("glibc"))
                .add(Package.of("hello", "2.12.1", 64 * KiB).dependsOn("glibc").withSource(16 * KiB))
                .add(Package.of("firefox", "123.0", 2 * MiB).dependsOn("glibc", "openssl", "zlib")
                        .buildsWith("cmake"));
    }

    /** The real appliance closure bundled with the kit (306 paths, 610 MiB by {@code du}). */
    public static final String APPLIANCE_CLOSURE = "closures/oyster-green-nixos-25.05-appliance-closure-du.tsv";

    /**
     * A package set shaped like a real system closure, scaled down: the closure's
     * {@code glibc} becomes the library {@code glibc} under every package, {@code linux} the
     * kernel, the {@code units - 1} biggest other paths system packages (each built from a
     * fixed-output source of half its size, as real builds fetch sources), and the rest one
     * package {@code base-files} of their summed size. Sizes are divided by {@code divisor}
     * (at least 4 KiB each); names are made valid package names (unique).
     *
     * @param tsv     the closure listing: {@code du_bytes, du_human, hash, name, pname, version}
     *                rows, tab-separated, {@code #} comments and a header line
     * @param divisor how much smaller the set is than the closure
     * @param units   how many system packages to make, {@code base-files} included
     */
    public static PackageSet fromClosure(List<String> tsv, int divisor, int units) {
        if (divisor < 1 || units < 1) {
            throw new IllegalArgumentException("divisor and units must be at least 1");
        }
        record Row(long bytes, String pname, String version) { }
        List<Row> rows = new java.util.ArrayList<>();
        for (String line : tsv) {
            String[] cells = line.split("\t", -1);
            if (line.startsWith("#") || cells.length < 6 || !cells[0].matches("\\d+")) {
                continue;
            }
            rows.add(new Row(Long.parseLong(cells[0]), cells[4], cells[5]));
        }
        rows.sort(java.util.Comparator.comparingLong(Row::bytes).reversed());
        PackageSet set = empty();
        java.util.Set<String> taken = new java.util.HashSet<>();
        Row glibc = rows.stream().filter(r -> r.pname().equals("glibc")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the closure has no glibc"));
        set = set.add(Package.of("glibc", packageVersion(glibc.version()), scaled(glibc.bytes(), divisor)).library());
        taken.add("glibc");
        rows.remove(glibc);
        Row kernel = rows.stream().filter(r -> r.pname().equals(KERNEL)).findFirst().orElse(null);
        rows.remove(kernel);
        if (kernel != null) {
            set = set.add(Package.of(KERNEL, packageVersion(kernel.version()), scaled(kernel.bytes(), divisor)).library());
            taken.add(KERNEL);
        }
        long rest = 0;
        int made = 0;
        for (Row row : rows) {
            if (made < units - 1) {
                String name = packageName(row.pname(), taken);
                long size = scaled(row.bytes(), divisor);
                set = set.add(Package.of(name, packageVersion(row.version()), size).dependsOn("glibc")
                        .withSource(Math.max(4 * Package.KiB, size / 2)));
                taken.add(name);
                made++;
            } else {
                rest += row.bytes();
            }
        }
        if (rest > 0) {
            set = set.add(Package.of(packageName("base-files", taken), "1.0", scaled(rest, divisor)).dependsOn("glibc"));
        }
        return set;
    }

    /** The bundled appliance closure's lines. */
    public static List<String> applianceClosure() {
        try (var in = PackageSet.class.getResourceAsStream(APPLIANCE_CLOSURE)) {
            if (in == null) {
                throw new IllegalStateException("the test kit lacks its resource " + APPLIANCE_CLOSURE);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long scaled(long bytes, int divisor) {
        return Math.max(4 * Package.KiB, bytes / divisor);
    }

    private static String packageName(String pname, java.util.Set<String> taken) {
        StringBuilder name = new StringBuilder();
        for (String word : pname.toLowerCase(java.util.Locale.ROOT).split("[^a-z0-9]+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (name.length() > 0) {
                name.append('-');
            }
            name.append(Character.isLetter(word.charAt(0)) ? word : "v" + word);
        }
        String base = name.length() == 0 ? "package" : name.toString();
        String unique = base;
        for (int i = 2; taken.contains(unique); i++) {
            unique = base + "-n" + i;
        }
        return unique;
    }

    private static String packageVersion(String version) {
        if (version.isEmpty()) {
            return "1.0";
        }
        String cleaned = version.toLowerCase(java.util.Locale.ROOT).replaceAll("[^0-9a-z.]+", ".");
        return cleaned.matches("[0-9][0-9a-z.]*") ? cleaned : "0." + cleaned.replaceAll("^[^0-9a-z]+", "") + "0";
    }

    /** The packages, in the order they were added. */
    public List<Package> packages() {
        return List.copyOf(packages.values());
    }

    /** The package of this name. */
    public Package get(String name) {
        Package p = packages.get(name);
        if (p == null) {
            throw new NoSuchElementException("no package '" + name + "' in the set; it has " + packages.keySet());
        }
        return p;
    }

    /** Whether a package of this name is in the set. */
    public boolean contains(String name) {
        return packages.containsKey(name);
    }

    /** The kernel package, when the set has one. */
    public Optional<Package> kernel() {
        return Optional.ofNullable(packages.get(KERNEL));
    }

    /** The version in the toplevel's name, {@code nixos-system-HOST-VERSION}. */
    public String systemVersion() {
        return systemVersion;
    }

    /** The same set with another system version (the toplevel's name changes). */
    public PackageSet systemVersion(String version) {
        if (version == null || !version.matches("[0-9][0-9a-z.]*")) {
            throw new IllegalArgumentException("system version '" + version
                    + "' must start with a digit and hold only digits, letters and dots");
        }
        return new PackageSet(packages, version, services, linkedOnly);
    }

    /** Adds a package; its dependencies must be in the set already. */
    public PackageSet add(Package p) {
        if (packages.containsKey(p.name())) {
            throw new IllegalArgumentException("package " + p.name() + " is already in the set");
        }
        requirePresent(p, p.dependencies());
        requirePresent(p, p.buildDependencies());
        Map<String, Package> next = new LinkedHashMap<>(packages);
        next.put(p.name(), p);
        return new PackageSet(ordered(next), systemVersion, services, linkedOnly);
    }

    /** Adds a system package of this version and size, with runtime dependencies. */
    public PackageSet add(String name, String version, long size, String... dependencies) {
        return add(Package.of(name, version, size).dependsOn(dependencies));
    }

    /** Removes a package no other package depends on. */
    public PackageSet remove(String name) {
        get(name);
        List<String> users = packages.values().stream()
                .filter(p -> p.dependencies().contains(name) || p.buildDependencies().contains(name))
                .map(Package::name).toList();
        if (!users.isEmpty()) {
            throw new IllegalArgumentException("cannot remove " + name + ": " + users + " depend on it");
        }
        Map<String, Package> next = new LinkedHashMap<>(packages);
        next.remove(name);
        return new PackageSet(ordered(next), systemVersion, services.stream().filter(s -> !s.equals(name)).toList(),
                linkedOnly.stream().filter(s -> !s.equals(name)).toList());
    }

    /** Replaces a package by what {@code change} makes of it (same name). */
    public PackageSet update(String name, UnaryOperator<Package> change) {
        Package changed = change.apply(get(name));
        if (!changed.name().equals(name)) {
            throw new IllegalArgumentException("an update of " + name + " must keep its name, not " + changed.name());
        }
        requirePresent(changed, changed.dependencies());
        requirePresent(changed, changed.buildDependencies());
        Map<String, Package> next = new LinkedHashMap<>(packages);
        next.put(name, changed);
        requireAcyclic(next);
        return new PackageSet(ordered(next), systemVersion, services, linkedOnly);
    }

    /**
     * A new version of the package, same size. Every package that depends on it, directly or
     * not, gets a new derivation too: bumping a library is a mass rebuild.
     */
    public PackageSet bump(String name) {
        return update(name, p -> p.at(p.nextVersion(), p.size()));
    }

    /** A new version of the package with a new size. */
    public PackageSet bump(String name, long newSize) {
        return update(name, p -> p.at(p.nextVersion(), newSize));
    }

    /** This version and size of the package. */
    public PackageSet bump(String name, String newVersion, long newSize) {
        return update(name, p -> p.at(newVersion, newSize));
    }

    /** The same version with another size (its derivation changes, its name does not). */
    public PackageSet resize(String name, long newSize) {
        return update(name, p -> p.at(p.version(), newSize));
    }

    /** Makes the package's builder fail with exit code 1. */
    public PackageSet breakBuild(String name) {
        return update(name, p -> p.withBroken(true));
    }

    /** Makes a broken package build again. */
    public PackageSet repair(String name) {
        return update(name, p -> p.withBroken(false));
    }

    /** Every package that depends on {@code name}, directly or not, at runtime or build time. */
    public Set<String> dependents(String name) {
        get(name);
        Set<String> found = new LinkedHashSet<>();
        List<String> frontier = new ArrayList<>(List.of(name));
        while (!frontier.isEmpty()) {
            String current = frontier.remove(frontier.size() - 1);
            for (Package p : packages.values()) {
                if ((p.dependencies().contains(current) || p.buildDependencies().contains(current))
                        && found.add(p.name())) {
                    frontier.add(p.name());
                }
            }
        }
        return found;
    }

    private void requirePresent(Package p, Collection<String> names) {
        for (String dependency : names) {
            if (!packages.containsKey(dependency) || dependency.equals(p.name())) {
                throw new IllegalArgumentException("package " + p.name() + " depends on " + dependency
                        + ", which is not in the set (add it first)");
            }
        }
    }

    private static void requireAcyclic(Map<String, Package> all) {
        Set<String> done = new LinkedHashSet<>();
        for (String name : all.keySet()) {
            visit(name, all, done, new LinkedHashSet<>());
        }
    }

    private static void visit(String name, Map<String, Package> all, Set<String> done, Set<String> path) {
        if (done.contains(name)) {
            return;
        }
        if (!path.add(name)) {
            throw new IllegalArgumentException("dependency cycle: " + String.join(" -> ", path) + " -> " + name);
        }
        Package p = all.get(name);
        for (String dependency : p.dependencies()) {
            visit(dependency, all, done, path);
        }
        for (String dependency : p.buildDependencies()) {
            visit(dependency, all, done, path);
        }
        path.remove(name);
        done.add(name);
    }

    private static Map<String, Package> ordered(Map<String, Package> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PackageSet set && set.packages.equals(packages)
                && set.systemVersion.equals(systemVersion) && set.services.equals(services)
                && set.linkedOnly.equals(linkedOnly);
    }

    @Override
    public int hashCode() {
        return Objects.hash(packages, systemVersion, services, linkedOnly);
    }

    /** The system packages that get a unit file ({@code unit-NAME.service}, in {@code system-units}). */
    public List<String> services() {
        return services;
    }

    /**
     * System packages only {@code system-path} links, as NixOS's {@code environment.systemPackages}:
     * {@code etc} does not write their paths into its text.
     */
    public List<String> linkedOnly() {
        return linkedOnly;
    }

    /** The same set where these system packages (and only these) are only linked by {@code system-path}. */
    public PackageSet withLinkedOnly(List<String> names) {
        for (String name : names) {
            if (!get(name).systemPackage()) {
                throw new IllegalArgumentException("only a system package is linked by system-path, not " + name);
            }
        }
        return new PackageSet(packages, systemVersion, services, names);
    }

    /** The same set where these system packages (and only these) get a unit file. */
    public PackageSet withServices(List<String> names) {
        for (String name : names) {
            if (!get(name).systemPackage()) {
                throw new IllegalArgumentException("only a system package can have a unit file, not " + name);
            }
        }
        return new PackageSet(packages, systemVersion, names, linkedOnly);
    }

    /**
     * A package set shaped like a NixOS system's closure, for tests at scale: a glibc-like
     * root {@code glibc} under every package, then {@code count - 1} packages {@code pkgN} in
     * ten layers, each depending at run time on one to four packages of lower layers (and
     * glibc), two of three built from a fixed-output source; the last {@code systemPackages}
     * are the system's packages (the {@code system-path} buildEnv), the first
     * {@code services} of those get a unit file (aggregators under {@code system-units}).
     * Sizes are small (1 to 8 KiB) so that thousands build quickly; the same seed gives the
     * same set. Bump {@code glibc} for a mass rebuild, or some of {@link #leaves()}.
     */
    public static PackageSet nixosShaped(int count, int systemPackages, int services, long seed) {
        if (count < 2 || systemPackages < 1 || systemPackages >= count || services > systemPackages) {
            throw new IllegalArgumentException("need 2 or more packages, fewer system packages than packages, "
                    + "and no more services than system packages: " + count + ", " + systemPackages + ", " + services);
        }
        java.util.Random random = new java.util.Random(seed);
        Map<String, Package> all = new LinkedHashMap<>();
        all.put("glibc", Package.of("glibc", "2.39", 8 * KiB).withSource(KiB).library());
        List<String> names = new ArrayList<>();
        int layerSize = Math.max(1, (count - 1) / 10);
        for (int i = 1; i < count; i++) {
            String name = "pkg" + i;
            int layerStart = 1 + ((i - 1) / layerSize) * layerSize;
            List<String> dependencies = new ArrayList<>(List.of("glibc"));
            int below = Math.min(layerStart - 1, names.size());
            for (int d = 1 + random.nextInt(4); d > 0 && below > 0; d--) {
                String dependency = names.get(random.nextInt(below));
                if (!dependencies.contains(dependency)) {
                    dependencies.add(dependency);
                }
            }
            Package p = new Package(name, "1." + random.nextInt(20), (1 + random.nextInt(8)) * KiB, dependencies,
                    List.of(), 0, i % 3 == 0 ? 0 : KiB, false, i >= count - systemPackages);
            all.put(name, p);
            names.add(name);
        }
        List<String> system = names.subList(names.size() - systemPackages, names.size());
        return new PackageSet(ordered(all), "26.05", system.subList(0, services), List.of());
    }

    /** Packages no other package depends on, in the set's order. */
    public List<String> leaves() {
        Set<String> used = new java.util.HashSet<>();
        packages.values().forEach(p -> {
            used.addAll(p.dependencies());
            used.addAll(p.buildDependencies());
        });
        return packages.keySet().stream().filter(n -> !used.contains(n)).toList();
    }

    @Override
    public String toString() {
        return "PackageSet" + packages.values().stream().map(Package::fullName).toList();
    }
}
