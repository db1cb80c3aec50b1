package dev.inchworm.plugins.commitwalk;

import dev.inchworm.api.nix.DryRun;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The estimate of what building a commit's system adds to the store. Nix does not know the
 * size of a path it has not built, so each derivation to build is guessed from the current
 * system: all paths of its closure with the same package name (hash and version stripped, all
 * outputs: a new {@code firefox-128.0} is about the old {@code firefox-127.0} and its
 * {@code -dev}), times the growth factor. A derivation whose package the current system lacks
 * counts as the median path of the current closure, and at least {@code unknownBytes}. Plus
 * the unpacked size of what Nix would fetch, when it says.
 */
final class NewBytes {

    // name-1.2.3[-output]: the package name is what comes before the first "-<digit>".
    private static final Pattern VERSION = Pattern.compile("-[0-9]");

    private final Map<String, Long> byPackage;
    private final long unknown;
    private final double growthFactor;

    private NewBytes(Map<String, Long> byPackage, long unknown, double growthFactor) {
        this.byPackage = byPackage;
        this.unknown = unknown;
        this.growthFactor = growthFactor;
    }

    /**
     * Sizes from the closure of the current system's toplevel. When the toplevel is not in the
     * store (a step {@code inchworm plan} only imagined), nothing is known and every
     * derivation counts as unknown.
     */
    static NewBytes of(Nix nix, StorePath toplevel, double growthFactor, long unknownBytes) {
        Map<String, Long> byPackage = new HashMap<>();
        List<Long> sizes = new ArrayList<>();
        if (nix.isValid(toplevel)) {
            for (PathInfo info : nix.pathInfo(nix.closure(toplevel, false))) {
                byPackage.merge(packageName(info.path().name()), info.narSize(), Long::sum);
                sizes.add(info.narSize());
            }
        }
        sizes.sort(null);
        long median = sizes.isEmpty() ? 0 : sizes.get(sizes.size() / 2);
        return new NewBytes(byPackage, Math.max(median, unknownBytes), growthFactor);
    }

    /** Bytes the build of {@code dryRun}'s derivation adds at its peak. */
    long of(DryRun dryRun) {
        long bytes = dryRun.unpackedBytes().orElse(0);
        for (StorePath drv : dryRun.toBuild()) {
            Long old = byPackage.get(packageName(drv));
            bytes += old == null ? unknown : (long) Math.ceil(old * growthFactor);
        }
        return bytes;
    }

    /** The package names of the derivations to build. */
    static List<String> units(DryRun dryRun) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        dryRun.toBuild().forEach(drv -> names.add(packageName(drv)));
        return List.copyOf(names);
    }

    private static String packageName(StorePath drv) {
        String name = drv.name();
        return packageName(drv.isDerivation() ? name.substring(0, name.length() - ".drv".length()) : name);
    }

    /** {@code firefox-127.0-dev} -> {@code firefox}; a name without a version is its own. */
    static String packageName(String name) {
        Matcher m = VERSION.matcher(name);
        return m.find() ? name.substring(0, m.start()) : name;
    }
}
