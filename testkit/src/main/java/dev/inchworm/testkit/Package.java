package dev.inchworm.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One package of a synthetic package set. Its output holds {@code size} bytes of
 * incompressible data; its derivation is named {@code name-version}, as in nixpkgs.
 *
 * @param name              the package name, also its attribute ({@code firefox}); lower case
 *                          words joined by dashes, never a dash before a digit (Nix would
 *                          read that as the version)
 * @param version           the version ({@code 1.2}, {@code 6.6.20})
 * @param size              bytes of data in the {@code out} output
 * @param dependencies      runtime dependencies by name: their paths are written into the
 *                          output, so they are in its closure
 * @param buildDependencies build-time-only dependencies by name: present during the build,
 *                          not referenced by the output (for a package with a {@code dev}
 *                          output, its {@code dev} output is used)
 * @param devSize           bytes in a second output {@code dev}; 0 for a single output
 * @param sourceSize        bytes of a fixed-output source ({@code name-version.tar}, known
 *                          text with a known sha256) read at build time; 0 for none
 * @param broken            true: the builder fails with exit code 1
 * @param systemPackage     true: listed in the system's {@code system-path} and {@code etc};
 *                          false for libraries and tools reached only through other packages
 */
public record Package(String name, String version, long size, List<String> dependencies,
                      List<String> buildDependencies, long devSize, long sourceSize, boolean broken,
                      boolean systemPackage) {

    /** 1024 bytes. */
    public static final long KiB = 1024;
    /** 1024 KiB. */
    public static final long MiB = 1024 * KiB;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*");
    private static final Pattern VERSION = Pattern.compile("[0-9][0-9a-z.]*");

    public Package {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("package name '" + name
                    + "' must be lower-case words joined by dashes, no dash before a digit");
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("package " + name + ": version '" + version
                    + "' must start with a digit and hold only digits, letters and dots");
        }
        if (size < 0 || devSize < 0 || sourceSize < 0) {
            throw new IllegalArgumentException("package " + name + ": sizes must not be negative");
        }
        dependencies = List.copyOf(dependencies);
        buildDependencies = List.copyOf(buildDependencies);
        if (dependencies.contains(name) || buildDependencies.contains(name)) {
            throw new IllegalArgumentException("package " + name + " cannot depend on itself");
        }
    }

    /** A system package with no dependencies. */
    public static Package of(String name, String version, long size) {
        return new Package(name, version, size, List.of(), List.of(), 0, 0, false, true);
    }

    /** The derivation name, {@code name-version}. */
    public String fullName() {
        return name + "-" + version;
    }

    /** Adds runtime dependencies. */
    public Package dependsOn(String... names) {
        return new Package(name, version, size, concat(dependencies, names), buildDependencies, devSize,
                sourceSize, broken, systemPackage);
    }

    /** Adds build-time-only dependencies. */
    public Package buildsWith(String... names) {
        return new Package(name, version, size, dependencies, concat(buildDependencies, names), devSize,
                sourceSize, broken, systemPackage);
    }

    /** Gives the package a second output {@code dev} of this many bytes. */
    public Package withDev(long bytes) {
        return new Package(name, version, size, dependencies, buildDependencies, bytes, sourceSize, broken,
                systemPackage);
    }

    /** Builds the package from a fixed-output source of this many bytes. */
    public Package withSource(long bytes) {
        return new Package(name, version, size, dependencies, buildDependencies, devSize, bytes, broken,
                systemPackage);
    }

    /** A library or tool: not listed in the system itself, only reached through dependents. */
    public Package library() {
        return new Package(name, version, size, dependencies, buildDependencies, devSize, sourceSize, broken,
                false);
    }

    /** The same package at another version and size. */
    public Package at(String newVersion, long newSize) {
        return new Package(name, newVersion, newSize, dependencies, buildDependencies, devSize, sourceSize,
                broken, systemPackage);
    }

    /** The same package with a builder that fails (true) or works (false). */
    public Package withBroken(boolean isBroken) {
        return new Package(name, version, size, dependencies, buildDependencies, devSize, sourceSize, isBroken,
                systemPackage);
    }

    /** The next version: the last number in the version plus one ({@code 1.9} becomes {@code 1.10}). */
    public String nextVersion() {
        int end = version.length();
        while (end > 0 && !Character.isDigit(version.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0 && Character.isDigit(version.charAt(start - 1))) {
            start--;
        }
        long next = Long.parseLong(version.substring(start, end)) + 1;
        return version.substring(0, start) + next + version.substring(end);
    }

    private static List<String> concat(List<String> list, String... more) {
        List<String> all = new ArrayList<>(list);
        for (String name : more) {
            if (!all.contains(name)) {
                all.add(name);
            }
        }
        return all;
    }
}
