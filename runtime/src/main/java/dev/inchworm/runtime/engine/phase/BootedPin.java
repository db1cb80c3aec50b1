package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the booted system holds that nothing else the run keeps does: the bytes a reboot into
 * the current system frees (once the initial generation is gone too, when the run released it).
 */
final class BootedPin {

    private BootedPin() {
    }

    /**
     * @param initialGeneration the run's initial generation, left out of what stays when {@code released}
     */
    static long freedByReboot(Nix nix, StorePath booted, int initialGeneration, boolean released) {
        Set<StorePath> stays = new HashSet<>();
        for (StorePath live : nix.liveSystems()) {
            if (!live.equals(booted)) {
                stays.addAll(nix.closure(live, false));
            }
        }
        for (Generation g : nix.generations()) {
            if (!(released && g.number() == initialGeneration)) {
                stays.addAll(nix.closure(g.toplevel(), false));
            }
        }
        List<StorePath> freed = nix.closure(booted, false).stream().filter(p -> !stays.contains(p)).toList();
        return freed.isEmpty() ? 0 : nix.pathInfo(freed).stream().mapToLong(PathInfo::narSize).sum();
    }
}
