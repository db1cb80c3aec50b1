package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.NixOutputException;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.StorePath;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The system profile ({@code /nix/var/nix/profiles/system} unless the profile says otherwise)
 * through {@code nix-env}: its generations, setting, switching and deleting them. Part of
 * {@link NixCli}.
 */
final class SystemProfile {

    private final NixCommands nix;
    private final Path profile;
    private final ZoneId zone;
    // The listing as of this backend's last change of the profile. Only this class changes the
    // profile during a run (the run holds Inchworm's lock), and a step asks for the generations
    // several times (pins, the profile set, pruning, the analysis of the switched system): two
    // commands each time at every step, for an answer that changes only when this class acts.
    private List<Generation> listed;

    SystemProfile(NixCommands nix, Path profile, ZoneId zone) {
        this.nix = nix;
        this.profile = profile;
        this.zone = zone;
    }

    synchronized List<Generation> generations() {
        if (listed == null) {
            listed = List.copyOf(read());
        }
        return listed;
    }

    /** Forgets the listing: the profile changed (or may have, when the command failed). */
    private synchronized void changed() {
        listed = null;
    }

    private List<Generation> read() {
        String listing = nix.run(nix.classic("nix-env", List.of("--profile", profile.toString(), "--list-generations")))
                .stdout();
        List<NixOutput.ListedGeneration> listed = NixOutput.generations(listing, zone);
        if (listed.isEmpty()) {
            return List.of();
        }
        List<String> readlink = new ArrayList<>(List.of("readlink", "--"));
        listed.forEach(g -> readlink.add(generationLink(g.number()).toString()));
        List<String> targets = nix.run(nix.plain(readlink)).stdout().lines().toList();
        if (targets.size() != listed.size()) {
            throw new NixOutputException("readlink gave " + targets.size() + " targets for " + listed.size()
                    + " generations of " + profile);
        }
        List<Generation> generations = new ArrayList<>();
        for (int i = 0; i < listed.size(); i++) {
            NixOutput.ListedGeneration g = listed.get(i);
            generations.add(new Generation(g.number(), g.created(), g.current(), NixOutput.storePath(targets.get(i))));
        }
        return generations;
    }

    /** {@code system-3-link} next to {@code system}. */
    private Path generationLink(int number) {
        return profile.resolveSibling(profile.getFileName() + "-" + number + "-link");
    }

    Optional<Generation> currentGeneration() {
        return generations().stream().filter(Generation::current).findFirst();
    }

    Generation setSystem(StorePath toplevel) {
        try {
            nix.run(nix.classic("nix-env", List.of("--profile", profile.toString(), "--set", toplevel.path())));
        } finally {
            changed();
        }
        Generation current = currentGeneration().orElseThrow(() -> new IllegalStateException(
                "nix-env --set left " + profile + " without a current generation"));
        if (!current.toplevel().equals(toplevel)) {
            throw new IllegalStateException("after nix-env --set " + toplevel + ", " + profile + " points at "
                    + current.toplevel());
        }
        return current;
    }

    void switchGeneration(int number) {
        try {
            nix.run(nix.classic("nix-env", List.of("--profile", profile.toString(), "--switch-generation",
                    Integer.toString(number))));
        } finally {
            changed();
        }
    }

    void deleteGenerations(Collection<Integer> numbers) {
        Optional<Integer> current = currentGeneration().map(Generation::number);
        List<String> doomed = numbers.stream().distinct().filter(n -> current.isEmpty() || !n.equals(current.get()))
                .sorted().map(String::valueOf).toList();
        if (doomed.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("--profile", profile.toString(), "--delete-generations"));
        args.addAll(doomed);
        try {
            nix.run(nix.classic("nix-env", args));
        } finally {
            changed();
        }
    }
}
