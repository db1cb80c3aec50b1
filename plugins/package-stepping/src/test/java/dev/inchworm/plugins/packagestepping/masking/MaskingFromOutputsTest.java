package dev.inchworm.plugins.packagestepping.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.plugins.packagestepping.derivation.DerivationSource;
import dev.inchworm.api.nix.derivation.ModuloHashes;
import dev.inchworm.api.nix.derivation.DerivationOutput;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Masking when the current system's derivation tree is gone: the old side is only output
 * paths with their references and derivers, as a substituted system or one collected with
 * {@code keep-derivations = false} leaves it.
 */
class MaskingFromOutputsTest {

    private static final Map<String, String> CHEAP = CutAndUnitsTest.CHEAP;

    /** A derivation with the given outputs, its path and output paths filled in. */
    private static StorePath add(Map<StorePath, Derivation> all, String name, List<String> outputNames,
                                 Map<String, String> env, Map<StorePath, List<String>> inputs) {
        SortedMap<String, DerivationOutput> outputs = new TreeMap<>();
        Map<String, String> fullEnv = new TreeMap<>(env);
        fullEnv.put("name", name);
        for (String output : outputNames) {
            outputs.put(output, DerivationOutput.deferred());
            fullEnv.put(output, "");
        }
        SortedMap<StorePath, SortedSet<String>> inputDrvs = new TreeMap<>();
        inputs.forEach((drv, outs) -> inputDrvs.put(drv, new TreeSet<>(outs)));
        Derivation blank = new Derivation(name, outputs, inputDrvs, new TreeSet<>(), "x86_64-linux", "/bin/sh",
                List.of(), new TreeMap<>(fullEnv));
        Derivation drv = DerivationSource.of(all).moduloHasher().withOutputPaths(blank);
        all.put(drv.path(), drv);
        return drv.path();
    }

    private static StorePath out(Map<StorePath, Derivation> all, StorePath drv, String output) {
        return all.get(drv).outputPaths().get(output);
    }

    /** One system: app (over lib), tool, sqlite (out, and dev when the aggregators use it). */
    private record Generation(StorePath toplevel, StorePath app, StorePath tool, StorePath sqlite, StorePath lib) {

        static Generation of(Map<StorePath, Derivation> all, String appVersion, String sqliteVersion, boolean useDev) {
            StorePath lib = add(all, "libfoo-1.0", List.of("out"), Map.of(), Map.of());
            StorePath app = add(all, "app-" + appVersion, List.of("out"), Map.of(), Map.of(lib, List.of("out")));
            StorePath tool = add(all, "tool-2.0", List.of("out"), Map.of(), Map.of());
            StorePath sqlite = add(all, "sqlite-" + sqliteVersion, List.of("dev", "out"), Map.of(), Map.of());
            List<String> sqliteOutputs = useDev ? List.of("dev", "out") : List.of("out");
            String paths = out(all, app, "out").path() + " " + out(all, tool, "out").path() + " "
                    + String.join(" ", sqliteOutputs.stream().map(o -> out(all, sqlite, o).path()).toList());
            Map<String, String> env = new TreeMap<>(CHEAP);
            env.put("paths", paths);
            StorePath systemPath = add(all, "system-path", List.of("out"), env,
                    Map.of(app, List.of("out"), tool, List.of("out"), sqlite, sqliteOutputs));
            StorePath toplevel = add(all, "nixos-system-x", List.of("out"), Map.of(),
                    Map.of(systemPath, List.of("out")));
            return new Generation(toplevel, app, tool, sqlite, lib);
        }
    }

    /** What the store knows of a system whose derivations are gone: outputs, references, derivers. */
    private static Map<StorePath, PathInfo> outputClosure(Map<StorePath, Derivation> all, StorePath toplevel) {
        Map<StorePath, PathInfo> infos = new HashMap<>();
        addOutputs(all, toplevel, infos);
        return infos;
    }

    private static void addOutputs(Map<StorePath, Derivation> all, StorePath drv, Map<StorePath, PathInfo> infos) {
        Derivation d = all.get(drv);
        List<StorePath> references = new java.util.ArrayList<>();
        d.inputDrvs().forEach((input, outputs) -> {
            addOutputs(all, input, infos);
            outputs.forEach(o -> references.add(out(all, input, o)));
        });
        d.outputPaths().forEach((output, path) ->
                infos.put(path, new PathInfo(path, 1000, references, Optional.of(drv))));
    }

    @Test
    void unitsAreFoundInTheOutputClosureAndMaskedAsInputSources() {
        Map<StorePath, Derivation> oldTree = new HashMap<>();
        Generation old = Generation.of(oldTree, "1.0", "3.45", false);
        Map<StorePath, Derivation> newTree = new HashMap<>();
        Generation target = Generation.of(newTree, "1.1", "3.46", true);
        Map<StorePath, PathInfo> closure = outputClosure(oldTree, old.toplevel());
        StorePath oldToplevel = oldTree.get(old.toplevel()).outputPaths().get("out");
        // Only the target's derivations are in the store; the old outputs are known from derivers.
        Map<StorePath, SortedMap<String, StorePath>> derived = new HashMap<>();
        closure.values().forEach(i -> derived.computeIfAbsent(i.deriver().orElseThrow(), d -> new TreeMap<>())
                .put(oldTree.get(i.deriver().get()).outputPaths().entrySet().stream()
                        .filter(e -> e.getValue().equals(i.path())).findFirst().orElseThrow().getKey(), i.path()));
        // the target's sqlite uses dev; the old system (built without it) has only its out
        derived.get(old.sqlite()).remove("dev");
        closure.remove(oldTree.get(old.sqlite()).outputPaths().get("dev"));
        DerivationSource source = new DerivationSource() {
            @Override
            public Optional<Derivation> read(StorePath drv) {
                return Optional.ofNullable(newTree.get(drv));
            }

            @Override
            public SortedMap<String, StorePath> outputs(StorePath drv) {
                return newTree.containsKey(drv) ? newTree.get(drv).outputPaths() : derived.get(drv);
            }
        };

        Masking masking = Masking.fromOutputs(source, target.toplevel(), oldToplevel, closure);

        // app is found by name (libfoo below it is not a unit); tool's deriver is the target's own
        assertEquals(Set.of(old.app(), old.tool(), old.sqlite()), masking.old().units());
        assertEquals(Set.of("app", "sqlite"), masking.units().changed().keySet());
        assertEquals(Set.of("tool"), masking.units().unchanged().keySet());
        assertEquals(Set.of("sqlite"), masking.unmaskable().keySet());

        MaskedSystem masked = masking.mask(Set.of());
        assertEquals(Set.of("app"), masked.masked());
        Derivation systemPath = masked.newDerivations().stream().filter(d -> d.name().equals("system-path"))
                .findFirst().orElseThrow();
        StorePath oldApp = oldTree.get(old.app()).outputPaths().get("out");
        StorePath newApp = newTree.get(target.app()).outputPaths().get("out");
        assertTrue(systemPath.inputSrcs().contains(oldApp), systemPath.inputSrcs().toString());
        assertFalse(systemPath.inputDrvs().containsKey(target.app()), systemPath.inputDrvs().toString());
        assertTrue(systemPath.inputDrvs().containsKey(target.sqlite()), systemPath.inputDrvs().toString());
        assertTrue(systemPath.env().get("paths").contains(oldApp.path()));
        assertFalse(systemPath.env().get("paths").contains(newApp.path()));
        assertFalse(masked.toplevel().equals(target.toplevel()));

        // the next step starts from that masked system, whose .drv exists and names old app as a source
        Map<StorePath, Derivation> withMasked = new HashMap<>(newTree);
        masked.derivations().forEach(d -> withMasked.put(d.path(), d.derivation()));
        DerivationSource next = new DerivationSource() {
            @Override
            public Optional<Derivation> read(StorePath drv) {
                return Optional.ofNullable(withMasked.get(drv));
            }

            @Override
            public SortedMap<String, StorePath> outputs(StorePath drv) {
                return withMasked.containsKey(drv) ? withMasked.get(drv).outputPaths() : derived.get(drv);
            }
        };
        Masking fromStep = Masking.withSourceUnits(next, target.toplevel(), masked.toplevel(), closure);
        assertEquals(Set.of("app"), fromStep.units().changed().keySet());
        assertEquals(Optional.of(old.app()), fromStep.units().get("app").orElseThrow().oldDrv());
        assertEquals(Set.of("app"), fromStep.mask(Set.of()).masked());
        assertEquals(Set.of("app"), new Masking(next, target.toplevel(), masked.toplevel()).units().added().keySet());

        MaskedSystem last = masking.mask(masking.units().keys());
        assertEquals(target.toplevel(), last.toplevel());
        assertTrue(last.derivations().isEmpty());
    }

    @Test
    void aDeepDependencyNamedLikeAUnitIsNotTakenForIt() {
        Map<StorePath, Derivation> oldTree = new HashMap<>();
        Generation old = Generation.of(oldTree, "1.0", "3.45", false);
        Map<StorePath, PathInfo> closure = outputClosure(oldTree, old.toplevel());
        Cut cut = Cut.ofOutputs(oldTree.get(old.toplevel()).outputPaths().get("out"), closure,
                Set.of("app", "libfoo", "tool", "sqlite"));
        // libfoo is reached only through app, a unit: it goes with app, as in Cut.of
        assertEquals(Set.of(old.app(), old.tool(), old.sqlite()), cut.units());
        assertFalse(cut.units().contains(old.lib()));
    }
}
