package dev.inchworm.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inchworm.api.estimate.FootprintEstimate;
import dev.inchworm.api.estimate.StoreEstimator;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.testkit.MemoryNix;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The shared estimator on recorded trees: the fake store's systems, with {@code .drv} texts
 * (fixed-output or not) and a binary cache's narinfo sizes supplied around it.
 */
class StoreEstimatorTest {

    static final long MIB = 1L << 20;
    static final long T = StoreEstimator.TRANSIENT_PER_PATH;

    final MemoryNix memory = new MemoryNix(1024 * MIB);
    final MemoryNix.Drv lib1 = memory.pkg("lib-1.0", 10 * MIB);
    final MemoryNix.Drv app1 = memory.pkg("app-1.0", 20 * MIB, lib1);
    final MemoryNix.Drv sys1 = memory.system("1", app1, lib1);
    final MemoryNix.Drv src2 = memory.pkg("app-src-2.0.tar.gz", 14 * MIB);
    final MemoryNix.Drv app2 = memory.pkg("app-2.0", 22 * MIB, src2);
    final MemoryNix.Drv sys2 = memory.system("2", app2, lib1);
    /** narinfo sizes by output path: what the binary cache knows. */
    final Map<StorePath, Long> cache = new HashMap<>();
    /** Fixed-output derivations (sources), by .drv. */
    final List<StorePath> sources = List.of(src2.drv());
    /** The input derivations each .drv text names (none unless a test says). */
    final Map<StorePath, List<StorePath>> inputs = new HashMap<>();

    StoreEstimatorTest() {
        memory.install(sys1);
    }

    /** The fake store, with ATerm texts for the .drvs and the cache's narinfo. */
    Nix nix() {
        return (Nix) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Nix.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("cachedPathInfo")) {
                        return ((Collection<?>) args[0]).stream().map(StorePath.class::cast).filter(cache::containsKey)
                                .map(p -> new PathInfo(p, cache.get(p), List.of(), Optional.empty())).toList();
                    }
                    if (method.getName().equals("readDerivations") || method.getName().equals("forEachDerivation")) {
                        Map<StorePath, String> texts = new HashMap<>();
                        for (Object o : (Collection<?>) args[0]) {
                            StorePath drv = (StorePath) o;
                            texts.put(drv, aterm(memory.outputs(drv).get("out"), sources.contains(drv),
                                    inputs.getOrDefault(drv, List.of())));
                        }
                        if (method.getName().equals("forEachDerivation")) {
                            @SuppressWarnings("unchecked")
                            var each = (java.util.function.BiConsumer<StorePath, String>) args[1];
                            texts.forEach(each);
                            return null;
                        }
                        return texts;
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static String aterm(StorePath out, boolean fixed, List<StorePath> inputs) {
        String hash = fixed ? "\"sha256\",\"" + "0".repeat(64) + "\"" : "\"\",\"\"";
        String inputDrvs = String.join(",", inputs.stream().map(i -> "(\"" + i + "\",[\"out\"])").toList());
        return "Derive([(\"out\",\"" + out + "\"," + hash + ")],[" + inputDrvs + "],[],\"x86_64-linux\",\"/bin/sh\",[],"
                + "[(\"out\",\"" + out + "\")])";
    }

    Map<String, FootprintEstimate.Term> terms(FootprintEstimate estimate) {
        Map<String, FootprintEstimate.Term> byName = new HashMap<>();
        estimate.terms().forEach(t -> byName.put(t.name() + "/" + t.basis(), t));
        return byName;
    }

    @Test
    void withoutACacheBuildsAreSizedByTheirOldCounterpartsAndUnknownSourcesByTheDefault() {
        FootprintEstimate estimate = new StoreEstimator(nix(), sys1.out(), MemoryNix.notes()).estimate(sys2.drv());
        Map<String, FootprintEstimate.Term> terms = terms(estimate);
        // app as big as the old app, the toplevel as the old toplevel; the source is unknown: the
        // median path of the current system (the 10 MiB lib)
        assertEquals(20 * MIB + memory.narSize(sys1.out()), terms.get("built/old-counterpart").bytes());
        assertEquals(2, terms.get("built/old-counterpart").paths());
        assertEquals(new FootprintEstimate.Term("sources", "default", 1, 10 * MIB), terms.get("sources/default"));
        assertEquals(new FootprintEstimate.Term("nix-transient", "per-path", 3, 3 * T), terms.get("nix-transient/per-path"));
        assertEquals(estimate.terms().stream().mapToLong(FootprintEstimate.Term::bytes).sum(), estimate.bytes());
        assertEquals(3, estimate.toBuild());
    }

    @Test
    void aNewSourceWhoseOldOneIsGoneIsSizedByWhatIsBuiltFromIt() {
        inputs.put(app2.drv(), List.of(src2.drv()));
        Map<String, FootprintEstimate.Term> terms = terms(new StoreEstimator(nix(), sys1.out(), MemoryNix.notes())
                .estimate(sys2.drv()));
        // app-src has no counterpart of its own; app, built from it, was 20 MiB
        assertEquals(new FootprintEstimate.Term("sources", "built-from-it", 1, 20 * MIB), terms.get("sources/built-from-it"));
        assertEquals(null, terms.get("sources/default"));
    }

    @Test
    void aUnitLearnedBeforeCountsOnceForItsSourceAndItsOutputs() {
        PluginState learned = MemoryNix.notes();
        MemoryNix.Drv src = memory.pkg("tool-2.0.tar.gz", 5 * MIB);
        MemoryNix.Drv tool = memory.pkg("tool-2.0", 7 * MIB, src);
        MemoryNix.Drv sys = memory.system("t", tool, app1, lib1);
        learned.put(StoreEstimator.LEARNED_KEY + "tool", new StoreEstimator.Learned(12 * MIB, 13 * MIB));

        FootprintEstimate.Term term = terms(new StoreEstimator(nix(), sys1.out(), learned).estimate(sys.drv()))
                .get("learned/learned");

        assertEquals(2, term.paths(), "the source and the package, both of unit tool");
        assertEquals(13 * MIB, term.bytes(), "the unit's learned peak once, not once per derivation");
    }

    @Test
    void nixsReservedFileCountsWhileItIsMissingAndNotOnceItIsBack() {
        memory.reservedMissing(8 * MIB); // a collection on a full disk deleted it
        FootprintEstimate missing = new StoreEstimator(nix(), sys1.out(), MemoryNix.notes()).estimate(sys2.drv());
        memory.reservedMissing(0);
        FootprintEstimate back = new StoreEstimator(nix(), sys1.out(), MemoryNix.notes()).estimate(sys2.drv());

        assertEquals(new FootprintEstimate.Term("nix-reserved", "missing", 1, 8 * MIB), terms(missing).get("nix-reserved/missing"));
        assertEquals(null, terms(back).get("nix-reserved/missing"));
        assertEquals(back.bytes() + 8 * MIB, missing.bytes());
    }

    @Test
    void aCacheKnowsSourcesAndOutputsByTheirNarSize() {
        cache.put(src2.out(), 14 * MIB);
        cache.put(app2.out(), 22 * MIB);
        Map<String, FootprintEstimate.Term> terms = terms(new StoreEstimator(nix(), sys1.out(), MemoryNix.notes())
                .estimate(sys2.drv()));
        assertEquals(new FootprintEstimate.Term("sources", "cache", 1, 14 * MIB), terms.get("sources/cache"));
        assertEquals(new FootprintEstimate.Term("built", "cache", 1, 22 * MIB), terms.get("built/cache"));
        assertEquals(1, terms.get("built/old-counterpart").paths());
    }

    @Test
    void whatAStepMeasuredIsLearnedPerUnitAndUsedByLaterEstimatesAndRuns() {
        PluginState learned = MemoryNix.notes();
        StoreEstimator first = new StoreEstimator(nix(), sys1.out(), learned);
        first.estimate(sys2.drv());
        memory.realise(sys2.drv(), Optional.empty(), line -> { });
        long outputs = memory.narSize(src2.out()) + memory.narSize(app2.out()) + memory.narSize(sys2.out());
        first.learn(sys2.drv(), 2 * outputs);

        assertEquals(Optional.of(new StoreEstimator.Learned(14 * MIB, 28 * MIB)),
                learned.get(StoreEstimator.LEARNED_KEY + "app-src", StoreEstimator.Learned.class));
        // a later run on the same host (a new estimator over the same notes) rebuilding the
        // same units estimates each by its share of the measured peak
        MemoryNix.Drv src3 = memory.pkg("app-src-3.0.tar.gz", 15 * MIB);
        MemoryNix.Drv app3 = memory.pkg("app-3.0", 23 * MIB, src3);
        MemoryNix.Drv sys3 = memory.system("3", app3, lib1);
        FootprintEstimate later = new StoreEstimator(nix(), sys2.out(), learned).estimate(sys3.drv());
        FootprintEstimate.Term term = terms(later).get("learned/learned");
        assertEquals(3, term.paths());
        assertEquals(2 * outputs, term.bytes(), 3);
        assertEquals(later.bytes(), term.bytes());
    }

    @Test
    void aStepItDidNotEstimateTeachesNothing() {
        PluginState learned = MemoryNix.notes();
        new StoreEstimator(nix(), sys1.out(), learned).learn(sys2.drv(), 100 * MIB);
        assertEquals(Map.of(), learned.all());
    }
}
