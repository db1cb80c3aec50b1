package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.KiB;
import static dev.inchworm.testkit.Package.MiB;

import dev.inchworm.testkit.Package;
import dev.inchworm.testkit.PackageSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The per-package stepping scenarios shared by {@link PackageSteppingIT},
 * {@link ApplianceSteppingIT} and the benchmark: an initial package set, the change
 * to the target, and the packages the change rebuilds.
 */
record SteppingCases(String name, PackageSet initial, UnaryOperator<PackageSet> change, List<String> rebuilt) {

    /** Two big packages built from big sources: a plain rebuild holds both sources at once. */
    static SteppingCases twoBig() {
        return new SteppingCases("two big packages bumped", PackageSet.typical()
                .add(Package.of("blender", "4.1", 3 * MiB).withSource(3 * MiB))
                .add(Package.of("gimp", "2.10", 3 * MiB).withSource(3 * MiB)),
                p -> p.bump("blender").bump("gimp"), List.of("blender", "gimp"));
    }

    /** Five leaves of 0.5 to 4 MiB, each with a source as big, all bumped. */
    static SteppingCases fiveLeaves() {
        PackageSet leaves = PackageSet.typical();
        long[] sizes = {512 * KiB, MiB, 2 * MiB, 3 * MiB, 4 * MiB};
        List<String> names = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            String name = "leaf" + (char) ('a' + i);
            leaves = leaves.add(Package.of(name, "1.0", sizes[i]).withSource(sizes[i]));
            names.add(name);
        }
        return new SteppingCases("five leaves, mixed sizes", leaves, p -> {
            PackageSet set = p;
            for (String name : names) {
                set = set.bump(name);
            }
            return set;
        }, names);
    }

    /** A library under six apps of 1.5 MiB: bumping it changes every unit (a mass rebuild). */
    static SteppingCases libraryUnderApps() {
        PackageSet apps = PackageSet.empty().add(Package.of("libc", "2.39", MiB).library());
        List<String> names = new ArrayList<>(List.of("libc"));
        for (int i = 0; i < 6; i++) {
            String name = "app" + (char) ('a' + i);
            apps = apps.add(Package.of(name, "1.0", 1536 * KiB).withSource(1536 * KiB).dependsOn("libc"));
            names.add(name);
        }
        return new SteppingCases("library under 6 apps (mass rebuild)", apps, p -> p.bump("libc"), names);
    }

    /** The real appliance closure at 1/40: 41 packages under glibc, about 15 MiB, sources half as big. */
    static PackageSet appliance() {
        return PackageSet.fromClosure(PackageSet.applianceClosure(), 40, 40);
    }

    /** The appliance's system packages by size, biggest first (glibc, the kernel and base-files aside). */
    static List<Package> applianceBySize() {
        return appliance().packages().stream().filter(p -> p.sourceSize() > 0)
                .sorted(Comparator.comparingLong(Package::size).reversed()).toList();
    }

    /**
     * Shaped like a channel bump on a server: the kernel, the two biggest packages 5% bigger,
     * every sixth one a point release.
     */
    static SteppingCases applianceRoutine() {
        List<Package> bySize = applianceBySize();
        List<String> routine = new ArrayList<>(List.of(PackageSet.KERNEL));
        for (int i = 0; i < bySize.size(); i++) {
            if (i < 2 || i % 6 == 5) {
                routine.add(bySize.get(i).name());
            }
        }
        return new SteppingCases("appliance closure /40, routine update", appliance(), p -> {
            PackageSet set = p.bump(PackageSet.KERNEL);
            for (String name : routine.subList(1, routine.size())) {
                Package old = p.get(name);
                set = set.bump(name, old.size() + old.size() / 20);
            }
            return set;
        }, routine);
    }

    /** glibc bumped under the whole appliance closure. */
    static SteppingCases applianceMassRebuild() {
        PackageSet appliance = appliance();
        List<String> all = appliance.packages().stream().map(Package::name)
                .filter(n -> !n.equals(PackageSet.KERNEL)).toList();
        return new SteppingCases("appliance closure /40, glibc (mass rebuild)", appliance, p -> p.bump("glibc"), all);
    }

    static List<SteppingCases> all() {
        return List.of(twoBig(), fiveLeaves(), libraryUnderApps(), applianceRoutine(), applianceMassRebuild());
    }

    /** The target's package set. */
    PackageSet target() {
        return change.apply(initial);
    }

    /** Every rebuilt package's new outputs (out and dev). */
    long newOutputBytes() {
        PackageSet after = target();
        return rebuilt.stream().map(after::get).mapToLong(p -> p.size() + p.devSize()).sum();
    }

    /** The sources of the rebuilt packages: all of them, and the smallest and biggest one. */
    long sourceBytes() {
        return sources().sum();
    }

    long smallestSource() {
        return sources().min().orElse(0);
    }

    long biggestSource() {
        return sources().max().orElse(0);
    }

    private java.util.stream.LongStream sources() {
        PackageSet after = target();
        return rebuilt.stream().map(after::get).mapToLong(Package::sourceSize).filter(s -> s > 0);
    }

    /**
     * Free bytes halfway between what stepping one unit at a time needs (every new output plus
     * the biggest source) and what a plain rebuild needs (every new output and every source).
     */
    long between() {
        return newOutputBytes() + biggestSource() + (sourceBytes() - biggestSource()) / 2;
    }
}
