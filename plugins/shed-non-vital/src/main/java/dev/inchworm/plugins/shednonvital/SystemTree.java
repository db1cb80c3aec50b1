package dev.inchworm.plugins.shednonvital;

import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A system's derivation tree, split as package-stepping splits it: the aggregators are what
 * the toplevel reaches through cheap derivations ({@code preferLocalBuild} or
 * {@code allowSubstitutes = false}, not fetchers); a unit is a package-layer derivation an
 * aggregator references directly, named without its version.
 *
 * @param toplevel    the toplevel {@code .drv}
 * @param derivations every derivation of the tree, by path
 * @param aggregators the aggregators, each after the aggregators it uses (toplevel last)
 * @param units       unit {@code .drv} to its name without version
 */
record SystemTree(StorePath toplevel, Map<StorePath, Derivation> derivations, List<StorePath> aggregators,
                  SortedMap<StorePath, String> units) {

    private static final Pattern CHEAP_JSON =
            Pattern.compile("\"preferLocalBuild\"\\s*:\\s*true|\"allowSubstitutes\"\\s*:\\s*false");

    /** Reads the whole derivation closure of {@code toplevel} from the store (its hashes need it). */
    static SystemTree read(Nix nix, StorePath toplevel) {
        if (!nix.isValid(toplevel)) {
            throw new Refused("the derivation " + toplevel + " is not in the store");
        }
        List<StorePath> drvs = nix.closure(toplevel, false).stream().filter(StorePath::isDerivation).toList();
        Map<StorePath, Derivation> derivations = new HashMap<>();
        nix.forEachDerivation(drvs, (path, text) -> derivations.put(path, Derivation.read(path, text)));
        return of(toplevel, derivations);
    }

    /** Cuts a tree held in memory. */
    static SystemTree of(StorePath toplevel, Map<StorePath, Derivation> derivations) {
        if (!derivations.containsKey(toplevel)) {
            throw new Refused("the derivation " + toplevel + " is not in the store");
        }
        List<StorePath> order = new ArrayList<>();
        SortedMap<StorePath, String> units = new TreeMap<>();
        visit(toplevel, derivations, new HashSet<>(), order, units);
        return new SystemTree(toplevel, Map.copyOf(derivations), List.copyOf(order), units);
    }

    private static void visit(StorePath aggregator, Map<StorePath, Derivation> derivations, Set<StorePath> done,
                              List<StorePath> order, SortedMap<StorePath, String> units) {
        if (!done.add(aggregator)) {
            return;
        }
        Derivation drv = derivations.get(aggregator);
        if (drv.kind() != Derivation.Kind.INPUT_ADDRESSED) {
            throw new Refused("aggregator " + aggregator.name() + " is not input-addressed: it cannot be re-derived");
        }
        for (StorePath input : drv.inputDrvs().keySet()) {
            Derivation child = derivations.get(input);
            if (child != null && isCheap(child)) {
                visit(input, derivations, done, order, units);
            } else {
                units.put(input, UnitName.of(Derivation.nameOf(input)));
            }
        }
        order.add(aggregator);
    }

    /** Cheap: marked to build locally or not to substitute, and not a fetcher. */
    static boolean isCheap(Derivation drv) {
        if (drv.outputs().values().stream().anyMatch(o -> !o.hashAlgo().isEmpty())) {
            return false;
        }
        if ("1".equals(drv.env().get("preferLocalBuild")) || "".equals(drv.env().get("allowSubstitutes"))) {
            return true;
        }
        String json = drv.env().get("__json");
        return json != null && CHEAP_JSON.matcher(json).find();
    }

    /** Every unit name of the tree. */
    Set<String> unitNames() {
        return new TreeSet<>(units.values());
    }

    /** The unit derivations named {@code name}. */
    List<StorePath> unitsNamed(String name) {
        return units.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey).toList();
    }

    Derivation get(StorePath drv) {
        return Optional.ofNullable(derivations.get(drv))
                .orElseThrow(() -> new Refused("derivation " + drv + " is not in the store"));
    }

    /** The version of the unit named {@code name} ("" when none or not there). */
    String versionOf(String name) {
        return unitsNamed(name).stream().findFirst().map(d -> UnitName.versionOf(Derivation.nameOf(d))).orElse("");
    }
}
