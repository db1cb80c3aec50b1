package dev.inchworm.plugins.shednonvital;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.api.nix.derivation.DerivationOutput;
import dev.inchworm.api.nix.derivation.ModuloHashes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A system with some units removed from its aggregators, re-derived: each aggregator that
 * links a shed unit loses it (its {@code .drv} input and its paths in the linked-path list),
 * and every aggregator above is re-derived with the new paths, up to the toplevel. Nothing
 * below the aggregators changes, so building it builds aggregators only.
 *
 * <p>Editable: aggregators whose only mention of the unit is a list of linked paths
 * ({@link LinkedPaths}). Refused: a unit file (the unit is a service: shedding it would stop
 * it), and any aggregator that writes the unit's path into other text (an {@code etc} file, a
 * script, the builder's arguments), with the aggregator and the variable named.
 *
 * @param derivations the re-derived aggregators, each after those it uses (toplevel last)
 * @param drv         the new toplevel {@code .drv}
 * @param toplevel    its output
 * @param shed        the shed units' {@code .drv}s by name
 */
record Shedding(List<Derivation> derivations, StorePath drv, StorePath toplevel, Map<String, List<StorePath>> shed) {

    private static final Pattern UNIT_FILE =
            Pattern.compile("unit-.*|.*\\.(service|socket|timer|path|mount|automount|target|slice)|(system|user)-units");

    /**
     * The tree without the units named {@code names} (those it has).
     *
     * @throws Refused naming the aggregator and why it cannot be edited
     */
    static Shedding of(SystemTree tree, Set<String> names) {
        Map<String, List<StorePath>> shed = new TreeMap<>();
        Map<StorePath, String> shedDrvs = new HashMap<>();
        for (String name : names) {
            List<StorePath> drvs = tree.unitsNamed(name);
            if (!drvs.isEmpty()) {
                shed.put(name, drvs);
                drvs.forEach(d -> shedDrvs.put(d, name));
            }
        }
        ModuloHashes hashes = new ModuloHashes(p -> Optional.ofNullable(tree.derivations().get(p)));
        Map<StorePath, StorePath> newDrv = new HashMap<>();
        Map<String, String> rewrites = new HashMap<>();
        List<Derivation> derived = new ArrayList<>();
        for (StorePath path : tree.aggregators()) {
            Derivation drv = tree.get(path);
            Derivation edited = without(tree, path, drv, shedDrvs);
            boolean changed = edited != drv;
            SortedMap<StorePath, SortedSet<String>> inputs = new TreeMap<>();
            for (Map.Entry<StorePath, SortedSet<String>> input : edited.inputDrvs().entrySet()) {
                StorePath replaced = newDrv.getOrDefault(input.getKey(), input.getKey());
                changed |= !replaced.equals(input.getKey());
                inputs.computeIfAbsent(replaced, p -> new TreeSet<>()).addAll(input.getValue());
            }
            if (!changed) {
                continue;
            }
            SortedMap<String, DerivationOutput> outputs = new TreeMap<>();
            SortedMap<String, String> env = new TreeMap<>();
            edited.env().forEach((k, v) -> env.put(k, rewrite(v, rewrites)));
            edited.outputs().keySet().forEach(o -> {
                outputs.put(o, DerivationOutput.deferred());
                env.put(o, "");
            });
            Derivation blank = new Derivation(edited.name(), outputs, inputs, edited.inputSrcs(), edited.platform(),
                    rewrite(edited.builder(), rewrites), edited.args().stream().map(a -> rewrite(a, rewrites)).toList(),
                    env);
            Derivation filled = hashes.withOutputPaths(blank);
            StorePath filledPath = filled.path();
            hashes.remember(filledPath, filled);
            newDrv.put(path, filledPath);
            drv.outputPaths().forEach((o, old) -> rewrites.put(old.path(), filled.outputPaths().get(o).path()));
            derived.add(filled);
        }
        StorePath top = newDrv.getOrDefault(tree.toplevel(), tree.toplevel());
        Derivation topDrv = derived.isEmpty() ? tree.get(tree.toplevel()) : derived.get(derived.size() - 1);
        return new Shedding(List.copyOf(derived), top, topDrv.outputPaths().get("out"), shed);
    }

    /** The aggregator without the shed units it links, or {@code drv} itself when it links none. */
    private static Derivation without(SystemTree tree, StorePath path, Derivation drv, Map<StorePath, String> shedDrvs) {
        Derivation result = drv;
        for (Map.Entry<StorePath, SortedSet<String>> input : drv.inputDrvs().entrySet()) {
            String name = shedDrvs.get(input.getKey());
            if (name == null) {
                continue;
            }
            if (UNIT_FILE.matcher(drv.name()).matches()) {
                throw new Refused(name + " is a service: the unit file " + drv.name() + " runs it, and shedding "
                        + "it would stop the service; stop it with the stop-services provisioner or take it "
                        + "out of the configuration instead");
            }
            Set<StorePath> paths = new TreeSet<>();
            SortedMap<String, StorePath> outputs = tree.get(input.getKey()).outputPaths();
            input.getValue().forEach(o -> paths.add(outputs.get(o)));
            result = drop(result, name, paths, input.getKey());
        }
        return result;
    }

    private static Derivation drop(Derivation drv, String name, Set<StorePath> paths, StorePath unitDrv) {
        if (LinkedPaths.mentions(drv.builder(), paths) || drv.args().stream().anyMatch(a -> LinkedPaths.mentions(a, paths))) {
            throw new Refused(drv.name() + " writes " + name + "'s path into its builder's arguments (a script): "
                    + "only lists of linked paths (buildEnv's paths or pkgs) can be edited");
        }
        SortedMap<String, String> env = new TreeMap<>(drv.env());
        for (Map.Entry<String, String> e : drv.env().entrySet()) {
            if (!LinkedPaths.mentions(e.getValue(), paths)) {
                continue;
            }
            String edited = LinkedPaths.without(e.getValue(), paths).orElseThrow(() -> new Refused(drv.name()
                    + " writes " + name + "'s path into its variable '" + e.getKey() + "' as text (a file's content "
                    + "or a script, not a list of linked paths): only system-path-like buildEnv aggregators can "
                    + "drop a unit"));
            env.put(e.getKey(), edited);
        }
        SortedMap<StorePath, SortedSet<String>> inputs = new TreeMap<>(drv.inputDrvs());
        inputs.remove(unitDrv);
        return new Derivation(drv.name(), drv.outputs(), inputs, drv.inputSrcs(), drv.platform(), drv.builder(),
                drv.args(), env);
    }

    private static String rewrite(String text, Map<String, String> rewrites) {
        if (rewrites.isEmpty() || !text.contains(StorePath.STORE_DIR + "/")) {
            return text;
        }
        String out = text;
        for (Map.Entry<String, String> r : rewrites.entrySet()) {
            out = out.replace(r.getKey(), r.getValue());
        }
        return out;
    }
}
