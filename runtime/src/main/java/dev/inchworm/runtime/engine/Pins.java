package dev.inchworm.runtime.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.inchworm.api.ByteSize;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What each root that keeps a system alive holds of old versions: the booted system (until a
 * reboot), the current system (until the next switch), and every generation of the system
 * profile (until it is deleted). For {@code inchworm plan} (against the target's closure) and
 * {@code inchworm status} (against the current system's).
 */
public final class Pins {

    private Pins() {
    }

    /** The kind of root that pins a system. */
    public enum Kind {
        BOOTED_SYSTEM("the booted system", "a reboot into the new system frees it"),
        CURRENT_SYSTEM("the current system", "switching to the new system frees it"),
        GENERATION("generation", "deleting the generation frees it");

        private final String words;
        private final String freedBy;

        Kind(String words, String freedBy) {
            this.words = words;
            this.freedBy = freedBy;
        }
    }

    /**
     * One pinned system.
     *
     * @param kinds      the roots that pin it (the booted system is often the current one too)
     * @param generation the system profile's generation of it, or null when it has none
     * @param toplevel   the pinned system
     * @param oldBytes   what its closure holds that the reference (the target, or the current
     *                   system) does not need
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Pin(List<Kind> kinds, Integer generation, StorePath toplevel, long oldBytes) {

        public Pin {
            kinds = List.copyOf(kinds);
        }

        /** "the booted system nixos-system-x pins 1.2 GiB of old versions; a reboot ... frees it". */
        public String describe() {
            Kind first = kinds.get(0);
            String who = first == Kind.GENERATION ? "generation " + generation
                    : String.join(" and ", kinds.stream().filter(k -> k != Kind.GENERATION)
                    .map(k -> k.words).toList()) + (generation == null ? "" : " (generation " + generation + ")");
            return who + " " + toplevel.name() + " pins " + ByteSize.format(oldBytes) + " of old versions; "
                    + first.freedBy;
        }
    }

    /**
     * Every pinned system and what it holds that {@code needed} does not contain, each counted
     * on its own (two pins may hold the same old path).
     */
    public static List<Pin> against(Nix nix, Set<StorePath> needed) {
        Map<StorePath, List<Kind>> kinds = new LinkedHashMap<>();
        Optional<StorePath> booted = nix.bootedSystem();
        booted.ifPresent(b -> kinds.computeIfAbsent(b, k -> new ArrayList<>()).add(Kind.BOOTED_SYSTEM));
        List<StorePath> live = nix.liveSystems().stream().distinct().toList();
        for (StorePath system : live) {
            // the live systems are the booted and the current one; one path when they are the same
            if (booted.filter(system::equals).isEmpty() || live.size() == 1) {
                kinds.computeIfAbsent(system, k -> new ArrayList<>()).add(Kind.CURRENT_SYSTEM);
            }
        }
        Map<StorePath, Integer> generations = new LinkedHashMap<>();
        for (Generation g : nix.generations()) {
            generations.putIfAbsent(g.toplevel(), g.number());
            kinds.computeIfAbsent(g.toplevel(), k -> new ArrayList<>()).add(Kind.GENERATION);
        }
        List<Pin> pins = new ArrayList<>();
        Map<StorePath, Long> sizes = new LinkedHashMap<>();
        kinds.forEach((toplevel, by) -> {
            if (!nix.isValid(toplevel)) {
                return;
            }
            List<StorePath> old = nix.closure(toplevel, false).stream().filter(p -> !needed.contains(p)).toList();
            pins.add(new Pin(by, generations.get(toplevel), toplevel, bytes(nix, old, sizes)));
        });
        return pins;
    }

    /** The paths a target needs that the store holds: its derivation closure with the outputs. */
    public static Set<StorePath> neededBy(Nix nix, StorePath targetDrv) {
        return new HashSet<>(nix.closure(targetDrv, true));
    }

    /** The paths a system needs: its closure. */
    public static Set<StorePath> neededBySystem(Nix nix, StorePath toplevel) {
        return new HashSet<>(nix.closure(toplevel, false));
    }

    private static long bytes(Nix nix, Collection<StorePath> paths, Map<StorePath, Long> sizes) {
        List<StorePath> unknown = paths.stream().filter(p -> !sizes.containsKey(p)).toList();
        if (!unknown.isEmpty()) {
            for (PathInfo info : nix.pathInfo(unknown)) {
                sizes.put(info.path(), info.narSize());
            }
        }
        return paths.stream().mapToLong(p -> sizes.getOrDefault(p, 0L)).sum();
    }
}
