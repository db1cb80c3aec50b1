package dev.inchworm.plugins.packagestepping.masking;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The units of an upgrade: the target's units matched to the current system's by name
 * without version, plus the added and the removed ones.
 *
 * <p>Matching within a name: the same derivation first (unchanged), then the same full name
 * (same version, changed recipe), then the rest in version order. Keys are the name without
 * version when it is unique on both sides, otherwise the full name (plus {@code #n} if even
 * that repeats).
 *
 * @param all every unit, sorted by key
 */
public record Units(List<Unit> all) {

    public Units {
        all = List.copyOf(all);
        Set<String> keys = new HashSet<>();
        for (Unit unit : all) {
            if (!keys.add(unit.key())) {
                throw new IllegalArgumentException("two units share the key '" + unit.key() + "'");
            }
        }
    }

    /** Matches the units of the target's cut to those of the current system's. */
    public static Units match(Cut target, Cut old) {
        Map<String, List<StorePath>> news = byName(target.units());
        Map<String, List<StorePath>> olds = byName(old.units());
        SortedSet<String> names = new TreeSet<>(news.keySet());
        names.addAll(olds.keySet());
        List<Unit> units = new ArrayList<>();
        for (String name : names) {
            units.addAll(matchName(name, news.getOrDefault(name, List.of()), olds.getOrDefault(name, List.of())));
        }
        units.sort(Comparator.comparing(Unit::key));
        return new Units(units);
    }

    private static List<Unit> matchName(String name, List<StorePath> news, List<StorePath> olds) {
        List<StorePath> newLeft = new ArrayList<>(news);
        List<StorePath> oldLeft = new ArrayList<>(olds);
        List<StorePath[]> pairs = new ArrayList<>();
        for (StorePath path : news) {
            if (oldLeft.remove(path)) {
                newLeft.remove(path);
                pairs.add(new StorePath[] {path, path});
            }
        }
        for (StorePath path : List.copyOf(newLeft)) {
            Optional<StorePath> same = oldLeft.stream().filter(o -> o.name().equals(path.name())).findFirst();
            if (same.isPresent()) {
                oldLeft.remove(same.get());
                newLeft.remove(path);
                pairs.add(new StorePath[] {same.get(), path});
            }
        }
        Comparator<StorePath> byVersion = Comparator
                .comparing((StorePath p) -> DrvName.parse(Derivation.nameOf(p)).version(), DrvName::compareVersions)
                .thenComparing(Comparator.naturalOrder());
        newLeft.sort(byVersion);
        oldLeft.sort(byVersion);
        int common = Math.min(newLeft.size(), oldLeft.size());
        for (int i = 0; i < common; i++) {
            pairs.add(new StorePath[] {oldLeft.get(i), newLeft.get(i)});
        }
        for (int i = common; i < newLeft.size(); i++) {
            pairs.add(new StorePath[] {null, newLeft.get(i)});
        }
        for (int i = common; i < oldLeft.size(); i++) {
            pairs.add(new StorePath[] {oldLeft.get(i), null});
        }
        // A name like "-1" has an empty name part: such units go by their full name.
        boolean unique = news.size() <= 1 && olds.size() <= 1 && !name.isEmpty();
        Map<String, Integer> seen = new HashMap<>();
        List<Unit> units = new ArrayList<>();
        pairs.sort(Comparator.comparing((StorePath[] p) -> (p[1] != null ? p[1] : p[0]).path()));
        for (StorePath[] pair : pairs) {
            StorePath any = pair[1] != null ? pair[1] : pair[0];
            String key = unique ? name : Derivation.nameOf(any);
            int n = seen.merge(key, 1, Integer::sum);
            units.add(new Unit(n == 1 ? key : key + "#" + n, Optional.ofNullable(pair[0]), Optional.ofNullable(pair[1])));
        }
        return units;
    }

    private static Map<String, List<StorePath>> byName(Set<StorePath> drvs) {
        Map<String, List<StorePath>> byName = new TreeMap<>();
        for (StorePath drv : drvs) {
            byName.computeIfAbsent(DrvName.parse(Derivation.nameOf(drv)).name(), n -> new ArrayList<>()).add(drv);
        }
        return byName;
    }

    /** The unit with this key. */
    public Optional<Unit> get(String key) {
        return all.stream().filter(u -> u.key().equals(key)).findFirst();
    }

    /** Units with this change, by key. */
    public Map<String, Unit> with(Unit.Change change) {
        Map<String, Unit> units = new LinkedHashMap<>();
        all.stream().filter(u -> u.change() == change).forEach(u -> units.put(u.key(), u));
        return units;
    }

    /** Units only the target has. */
    public Map<String, Unit> added() {
        return with(Unit.Change.ADDED);
    }

    /** Units only the current system has. */
    public Map<String, Unit> removed() {
        return with(Unit.Change.REMOVED);
    }

    /** Units whose derivation differs. */
    public Map<String, Unit> changed() {
        return with(Unit.Change.CHANGED);
    }

    /** Units whose derivation is the same. */
    public Map<String, Unit> unchanged() {
        return with(Unit.Change.UNCHANGED);
    }

    /** The unit whose target derivation is {@code newDrv}. */
    public Optional<Unit> byNewDrv(StorePath newDrv) {
        return all.stream().filter(u -> u.newDrv().equals(Optional.of(newDrv))).findFirst();
    }

    /** Keys of all units, sorted. */
    public SortedSet<String> keys() {
        SortedSet<String> keys = new TreeSet<>();
        all.forEach(u -> keys.add(u.key()));
        return keys;
    }
}
