package dev.inchworm.api.estimate;

import dev.inchworm.api.Api;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.DryRun;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The estimator over a host's Nix (docs/estimates.md): for a derivation, what
 * {@code nix-store --realise --dry-run} says would be fetched and built, each path sized by
 * the best source known, in this order: a binary cache's narinfo {@code NarSize}; what this
 * host measured when it built the unit before ({@code learned}, kept in {@code learned} notes);
 * the old counterpart (the paths of the current system with the same package name, versions
 * stripped); for a source whose old one is gone, the old counterpart of what is built from it;
 * else the median path of the current system. Plus Nix's transient growth per path
 * registered ({@link #TRANSIENT_PER_PATH}), and Nix's reserved file while it is missing.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public final class StoreEstimator implements Estimator {

    /**
     * Nix's SQLite write-ahead log grows while paths are registered, and is checkpointed only
     * later: measured on this project's sandbox hosts at about 21-28 KiB per derivation while
     * {@code nix-instantiate} registers a system (of which about 4.5 KiB per derivation stays
     * in the database), by sampling the size of {@code /nix/var/nix/db} before, during and
     * after. The upper figure is used per path a step registers.
     */
    public static final long TRANSIENT_PER_PATH = 28 * 1024;

    /** Key prefix of the learned notes, one per unit name. */
    public static final String LEARNED_KEY = "unit.";

    // name-1.2.3[-output]: the package name is what comes before the first "-<digit>".
    private static final Pattern VERSION = Pattern.compile("-[0-9]");

    /**
     * What a finished step taught about one unit.
     *
     * @param outputBytes NAR bytes of the unit's outputs as built
     * @param peakBytes   the unit's share of the step's measured peak growth (in proportion to
     *                    its outputs): covers its sources, intermediate outputs and Nix's growth
     */
    public record Learned(long outputBytes, long peakBytes) {
    }

    private final Nix nix;
    private final StorePath current;
    private final PluginState learned;
    /** Per estimated derivation, what it builds and each of those derivations' outputs (read once). */
    private final Map<StorePath, Map<StorePath, List<StorePath>>> built = new ConcurrentHashMap<>();
    private Map<String, Long> byPackage;
    private long median;

    /**
     * @param nix     the host's Nix
     * @param current the current system's toplevel (its paths are the old counterparts)
     * @param learned where learned sizes are read and kept
     */
    public StoreEstimator(Nix nix, StorePath current, PluginState learned) {
        this.nix = nix;
        this.current = current;
        this.learned = learned;
    }

    @Override
    public FootprintEstimate estimate(StorePath drv) {
        DryRun dryRun = nix.dryRun(drv);
        List<FootprintEstimate.Term> terms = new ArrayList<>();
        if (!dryRun.toFetch().isEmpty()) {
            // The narinfo NarSize of each path when the caches answer for all of them (exact);
            // else the unpacked size the dry run printed (rounded to two decimals of a MiB).
            Set<StorePath> toFetch = new HashSet<>(dryRun.toFetch());
            List<PathInfo> infos = nix.cachedPathInfo(dryRun.toFetch()).stream()
                    .filter(i -> toFetch.contains(i.path())).toList();
            long known = infos.stream().map(PathInfo::path).distinct().count();
            long fetched = known == toFetch.size() || dryRun.unpackedBytes().isEmpty()
                    ? infos.stream().mapToLong(PathInfo::narSize).sum()
                    : dryRun.unpackedBytes().getAsLong();
            terms.add(new FootprintEstimate.Term(FootprintEstimate.FETCHED, "narinfo", dryRun.toFetch().size(), fetched));
        }
        Map<StorePath, List<StorePath>> outputsOf = new LinkedHashMap<>();
        Map<StorePath, Boolean> fixedOutput = new HashMap<>();
        Map<StorePath, Set<StorePath>> inputsOf = new HashMap<>();
        readDerivations(dryRun.toBuild(), outputsOf, fixedOutput, inputsOf);
        built.put(drv, outputsOf);
        List<StorePath> outputs = new ArrayList<>();
        outputsOf.values().forEach(outputs::addAll);
        Map<StorePath, Long> cached = new HashMap<>();
        if (!outputs.isEmpty()) {
            nix.cachedPathInfo(outputs).forEach(i -> cached.put(i.path(), i.narSize()));
        }
        Map<String, long[]> sums = new LinkedHashMap<>();
        int registered = dryRun.toFetch().size();
        // A unit learned before counts once, whatever number of its derivations (its source,
        // its outputs) the dry run lists: what was learned is the whole unit's share of a peak.
        Set<String> learnedCounted = new HashSet<>();
        Map<StorePath, String> builtFrom = consumers(dryRun.toBuild(), fixedOutput, inputsOf);
        for (StorePath path : dryRun.toBuild()) {
            String unit = unitName(path);
            boolean source = fixedOutput.getOrDefault(path, false);
            String kind = source ? FootprintEstimate.SOURCES : FootprintEstimate.BUILT;
            List<StorePath> outs = outputsOf.getOrDefault(path, List.of());
            long bytes;
            String basis;
            if (!outs.isEmpty() && cached.keySet().containsAll(outs)) {
                bytes = outs.stream().mapToLong(cached::get).sum();
                basis = "cache";
                registered += outs.size();
            } else if (learnedPeak(unit).isPresent()) {
                bytes = learnedCounted.add(unit) ? learnedPeak(unit).getAsLong() : 0;
                kind = FootprintEstimate.LEARNED;
                basis = "learned";
            } else if (oldCounterparts().containsKey(unit)) {
                bytes = oldCounterparts().get(unit);
                basis = "old-counterpart";
                registered += Math.max(1, outs.size());
            } else if (source && builtFrom.containsKey(path) && oldCounterparts().containsKey(builtFrom.get(path))) {
                // A new source (its old one was collected): as big as what is built from it.
                bytes = oldCounterparts().get(builtFrom.get(path));
                basis = "built-from-it";
                registered += Math.max(1, outs.size());
            } else {
                bytes = median;
                basis = "default";
                registered += Math.max(1, outs.size());
            }
            long[] sum = sums.computeIfAbsent(kind + "/" + basis, k -> new long[2]);
            sum[0]++;
            sum[1] += bytes;
        }
        for (String kind : List.of(FootprintEstimate.BUILT, FootprintEstimate.SOURCES, FootprintEstimate.LEARNED)) {
            for (String basis : List.of("cache", "learned", "old-counterpart", "built-from-it", "default")) {
                long[] sum = sums.get(kind + "/" + basis);
                if (sum != null) {
                    terms.add(new FootprintEstimate.Term(kind, basis, (int) sum[0], sum[1]));
                }
            }
        }
        if (registered > 0) {
            terms.add(new FootprintEstimate.Term(FootprintEstimate.TRANSIENT, "per-path", registered,
                    registered * TRANSIENT_PER_PATH));
        }
        // Asked after the dry run: Nix writes the file back whenever it opens the store with room,
        // so a file still missing now takes its bytes as soon as the step makes room.
        long reserved = nix.reservedSpaceMissing().orElse(0);
        if (reserved > 0) {
            terms.add(new FootprintEstimate.Term(FootprintEstimate.RESERVED, "missing", 1, reserved));
        }
        List<String> units = dryRun.toBuild().stream().map(StoreEstimator::unitName).distinct().toList();
        return new FootprintEstimate(terms, units, dryRun.toBuild().size(), dryRun.toFetch().size());
    }

    /**
     * The outputs of each derivation and whether it is fixed-output (a source), from the
     * {@code .drv} files read in one go; a backend that cannot read them (or a file that does
     * not parse) gives the outputs alone, and the derivation counts as a build.
     */
    private void readDerivations(List<StorePath> drvs, Map<StorePath, List<StorePath>> outputsOf,
                                 Map<StorePath, Boolean> fixedOutput, Map<StorePath, Set<StorePath>> inputsOf) {
        // Streamed, each text parsed and dropped: the dry run of a mass rebuild lists thousands.
        try {
            if (!drvs.isEmpty()) {
                nix.forEachDerivation(drvs, (path, text) -> {
                    try {
                        Derivation d = Derivation.read(path, text);
                        outputsOf.put(path, List.copyOf(d.outputPaths().values()));
                        fixedOutput.put(path, d.isFixedOutput());
                        inputsOf.put(path, Set.copyOf(d.inputDrvs().keySet()));
                    } catch (RuntimeException e) {
                        // read its outputs from Nix below
                    }
                });
            }
        } catch (RuntimeException e) {
            // the outputs from Nix below, one by one
        }
        for (StorePath path : drvs) {
            if (outputsOf.containsKey(path)) {
                continue;
            }
            try {
                outputsOf.put(path, List.copyOf(nix.outputs(path).values()));
            } catch (RuntimeException e) {
                outputsOf.put(path, List.of());
            }
        }
    }

    /**
     * For each source to build (a fixed-output derivation), the unit of a derivation built from
     * it: the biggest old counterpart among them, so that a source shared by several builds is
     * sized by the biggest.
     */
    private Map<StorePath, String> consumers(List<StorePath> toBuild, Map<StorePath, Boolean> fixedOutput,
                                             Map<StorePath, Set<StorePath>> inputsOf) {
        Map<StorePath, String> builtFrom = new HashMap<>();
        for (StorePath path : toBuild) {
            if (fixedOutput.getOrDefault(path, false)) {
                continue;
            }
            String unit = unitName(path);
            long size = oldCounterparts().getOrDefault(unit, -1L);
            for (StorePath input : inputsOf.getOrDefault(path, Set.of())) {
                if (fixedOutput.getOrDefault(input, false)) {
                    builtFrom.merge(input, unit, (a, b) ->
                            oldCounterparts().getOrDefault(a, -1L) >= size ? a : b);
                }
            }
        }
        return builtFrom;
    }

    @Override
    public OptionalLong learnedPeak(String unit) {
        Learned l = learned(unit);
        return l == null ? OptionalLong.empty() : OptionalLong.of(Math.max(l.outputBytes(), l.peakBytes()));
    }

    /** True when this estimator estimated {@code drv} and has not learned from it yet. */
    public boolean knows(StorePath drv) {
        return built.containsKey(drv);
    }

    @Override
    public void learn(StorePath drv, long peakGrowthBytes) {
        // The outputs were read with the estimate: a .drv's outputs never change.
        Map<StorePath, List<StorePath>> toBuild = built.remove(drv);
        if (toBuild == null || toBuild.isEmpty()) {
            return;
        }
        Map<String, Long> units = new LinkedHashMap<>();
        List<StorePath> outputs = new ArrayList<>();
        Map<StorePath, String> unitOf = new HashMap<>();
        toBuild.forEach((path, outs) -> {
            for (StorePath out : outs) {
                outputs.add(out);
                unitOf.put(out, unitName(path));
            }
        });
        for (PathInfo info : nix.pathInfo(outputs)) {
            units.merge(unitOf.get(info.path()), info.narSize(), Long::sum);
        }
        long total = units.values().stream().mapToLong(Long::longValue).sum();
        if (total <= 0) {
            return;
        }
        long peak = Math.max(peakGrowthBytes, 0);
        units.forEach((unit, bytes) -> learned.put(LEARNED_KEY + unit,
                new Learned(bytes, Math.round((double) peak * bytes / total))));
    }

    private Learned learned(String unit) {
        return learned.get(LEARNED_KEY + unit, Learned.class).orElse(null);
    }

    private synchronized Map<String, Long> oldCounterparts() {
        if (byPackage == null) {
            Map<String, Long> sizes = new HashMap<>();
            List<Long> all = new ArrayList<>();
            // One bulk read of the closure's facts (a backend streams them), not a query per path.
            for (PathInfo info : nix.closureInfo(current)) {
                sizes.merge(packageName(info.path().name()), info.narSize(), Long::sum);
                all.add(info.narSize());
            }
            all.sort(null);
            median = all.isEmpty() ? 0 : all.get(all.size() / 2);
            byPackage = sizes;
        }
        return byPackage;
    }

    /** The unit (package) name of a derivation: {@code firefox-128.0.drv} -> {@code firefox}. */
    public static String unitName(StorePath drv) {
        String name = drv.name();
        return packageName(name.endsWith(".drv") ? name.substring(0, name.length() - ".drv".length()) : name);
    }

    /** {@code firefox-127.0-dev} -> {@code firefox}; a name without a version is its own. */
    public static String packageName(String name) {
        Matcher m = VERSION.matcher(name);
        return m.find() ? name.substring(0, m.start()) : name;
    }
}
