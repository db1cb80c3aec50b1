package dev.inchworm.plugins.packagestepping.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The cut rule and unit matching on derivations built in memory. */
class CutAndUnitsTest {

    /** Derivations made in memory, with correct output and .drv paths. */
    static final class Tree {
        final Map<StorePath, Derivation> all = new HashMap<>();

        StorePath add(String name, Map<String, String> env, StorePath... inputs) {
            TreeMap<StorePath, java.util.SortedSet<String>> inputDrvs = new TreeMap<>();
            for (StorePath input : inputs) {
                inputDrvs.put(input, new TreeSet<>(Set.of("out")));
            }
            Map<String, String> fullEnv = new TreeMap<>(env);
            fullEnv.put("name", name);
            fullEnv.put("out", "");
            Derivation blank = new Derivation(name, new TreeMap<>(Map.of("out", DerivationOutput.deferred())), inputDrvs,
                    new TreeSet<>(), "x86_64-linux", "/bin/sh", List.of(), new TreeMap<>(fullEnv));
            Derivation drv = DerivationSource.of(all).moduloHasher().withOutputPaths(blank);
            all.put(drv.path(), drv);
            return drv.path();
        }

        StorePath fixed(String name, Map<String, String> env) {
            Map<String, String> fullEnv = new TreeMap<>(env);
            fullEnv.put("name", name);
            Derivation blank = new Derivation(name, new TreeMap<>(Map.of("out", new DerivationOutput("", "sha256",
                    "0000000000000000000000000000000000000000000000000000000000000000"))),
                    new TreeMap<>(), new TreeSet<>(), "x86_64-linux", "/bin/sh", List.of(), new TreeMap<>(fullEnv));
            Derivation drv = DerivationSource.of(all).moduloHasher().withOutputPaths(blank);
            all.put(drv.path(), drv);
            return drv.path();
        }

        DerivationSource source() {
            return DerivationSource.of(all);
        }
    }

    static final Map<String, String> CHEAP = Map.of("preferLocalBuild", "1", "allowSubstitutes", "");

    @Test
    void aggregatorsAreWhatIsReachableThroughCheapDerivations() {
        Tree tree = new Tree();
        StorePath helper = tree.add("helper-script", CHEAP);
        StorePath lib = tree.add("libfoo-1.0", Map.of());
        StorePath app = tree.add("app-2.0", Map.of(), lib, helper);
        StorePath fetched = tree.fixed("font.ttf", Map.of("preferLocalBuild", "1"));
        StorePath service = tree.add("app.service", Map.of("allowSubstitutes", ""), app);
        StorePath structured = tree.add("structured-env", Map.of("__json", "{\"preferLocalBuild\":true}"), lib);
        StorePath initrd = tree.add("initrd", Map.of(), tree.add("initrd-config", CHEAP));
        StorePath systemPath = tree.add("system-path", CHEAP, app, lib, fetched);
        StorePath toplevel = tree.add("nixos-system-x", Map.of(), systemPath, service, structured, initrd);

        Cut cut = Cut.of(toplevel, tree.source());
        assertEquals(Set.of(toplevel, systemPath, service, structured), cut.aggregators());
        // The cheap helper inside app's build, the cheap config inside the initrd, and the
        // fetcher are not aggregators: they go with their unit.
        assertEquals(Set.of(app, lib, fetched, initrd), cut.units());
        assertTrue(!cut.aggregators().contains(helper) && !cut.units().contains(helper));
    }

    @Test
    void missingToplevelIsAClearErrorAndMissingUnitIsFine() {
        Tree tree = new Tree();
        StorePath unit = tree.add("leaf-1.0", Map.of());
        StorePath systemPath = tree.add("system-path", CHEAP, unit);
        StorePath toplevel = tree.add("nixos-system-x", CHEAP, systemPath);
        DerivationSource withoutUnit = drv -> drv.equals(unit) ? Optional.empty() : tree.source().read(drv);
        assertEquals(Set.of(unit), Cut.of(toplevel, withoutUnit).units());
        // A store holding a .drv holds its inputs (closure invariant): only the toplevel can be missing.
        DerivationSource withoutToplevel = drv -> drv.equals(toplevel) ? Optional.empty() : tree.source().read(drv);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cut.of(toplevel, withoutToplevel));
        assertTrue(e.getMessage().contains(toplevel.path()), e.getMessage());
    }

    static StorePath drv(String name) {
        // Paths are all Units.match looks at: a distinct valid hash per name.
        String hash = Integer.toString(Math.abs(name.hashCode()), 32).replace('e', 'x').replace('o', 'y')
                .replace('u', 'z').replace('t', 'w');
        return new StorePath(StorePath.STORE_DIR + "/" + ("0".repeat(32) + hash).substring(hash.length()) + "-" + name + ".drv");
    }

    static Cut cut(String... units) {
        StorePath top = drv("toplevel");
        return new Cut(top, new TreeSet<>(Set.of(top)),
                java.util.Arrays.stream(units).map(CutAndUnitsTest::drv).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void unitsMatchByNameWithoutVersion() {
        Units units = Units.match(
                cut("hello-2.12.1", "curl-8.5.0", "newtool-1.0", "bash-5.2"),
                cut("hello-2.12", "curl-8.4.0", "oldtool-0.3", "bash-5.2"));
        assertEquals(Set.of("hello", "curl"), units.changed().keySet());
        assertEquals(Set.of("newtool"), units.added().keySet());
        assertEquals(Set.of("oldtool"), units.removed().keySet());
        assertEquals(Set.of("bash"), units.unchanged().keySet());
        Unit hello = units.get("hello").orElseThrow();
        assertEquals(Optional.of("2.12"), hello.oldVersion());
        assertEquals(Optional.of("2.12.1"), hello.newVersion());
        assertEquals(List.of("bash", "curl", "hello", "newtool", "oldtool"), List.copyOf(units.keys()));
    }

    @Test
    void repeatedNamesPairSameDerivationThenSameVersionThenByVersion() {
        StorePath same = drv("python3-3.11.6");
        Units units = Units.match(
                cut("python3-3.11.6", "python3-3.12.1", "python3-3.13.0"),
                cut("python3-3.11.6", "python3-3.10.9", "python3-3.12.0"));
        // 3.11.6 unchanged; then in version order 3.10.9 -> 3.12.1 and 3.12.0 -> 3.13.0.
        assertEquals(3, units.all().size());
        Unit unchanged = units.unchanged().values().iterator().next();
        assertEquals(Optional.of(same), unchanged.newDrv());
        Map<String, String> pairs = units.changed().values().stream().collect(Collectors.toMap(
                u -> u.oldVersion().orElseThrow(), u -> u.newVersion().orElseThrow()));
        assertEquals(Map.of("3.10.9", "3.12.1", "3.12.0", "3.13.0"), pairs);
        assertTrue(units.keys().stream().allMatch(k -> k.startsWith("python3-3.1")), units.keys().toString());
    }

    @Test
    void nameWithoutNamePartGoesByItsFullName() {
        Units units = Units.match(cut("-1.0"), cut("-0.9"));
        assertEquals(Set.of("-1.0"), units.changed().keySet());
    }

    @Test
    void unitNeedsAnOldOrANewDerivation() {
        assertThrows(IllegalArgumentException.class, () -> new Unit("x", Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Units(List.of(
                new Unit("x", Optional.of(drv("x-1")), Optional.empty()),
                new Unit("x", Optional.empty(), Optional.of(drv("x-2"))))));
    }
}
