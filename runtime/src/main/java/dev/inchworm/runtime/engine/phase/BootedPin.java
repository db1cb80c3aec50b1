package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.StepRecord;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the booted system holds that nothing else the run keeps does: the bytes a reboot into
 * the current system frees (once the initial generation is gone too, when the run released it).
 */
final class BootedPin {

    private BootedPin() {
    }

    /**
     * @param gone the generations the run deletes once the host booted the current system: the
     *             released initial one and the run's earlier steps (kept only while they were live)
     */
    static long freedByReboot(Nix nix, StorePath booted, Set<Integer> gone) {
        Set<StorePath> stays = new HashSet<>();
        for (StorePath live : nix.liveSystems()) {
            if (!live.equals(booted)) {
                stays.addAll(nix.closure(live, false));
            }
        }
        for (Generation g : nix.generations()) {
            if (!gone.contains(g.number())) {
                stays.addAll(nix.closure(g.toplevel(), false));
            }
        }
        List<StorePath> freed = nix.closure(booted, false).stream().filter(p -> !stays.contains(p)).toList();
        return freed.isEmpty() ? 0 : nix.pathInfo(freed).stream().mapToLong(PathInfo::narSize).sum();
    }

    /**
     * The generations a reboot into the last done step lets the run delete, with their
     * toplevels: the run's earlier steps (kept only while one was live) and, when {@code
     * released}, the initial one.
     */
    static Map<Integer, StorePath> goneAfterReboot(RunRecord record, boolean released) {
        Map<Integer, StorePath> gone = new LinkedHashMap<>();
        if (released) {
            gone.put(record.initial().generation(), record.initial().toplevel());
        }
        List<StepRecord> done = record.doneSteps();
        for (StepRecord earlier : done.subList(0, Math.max(0, done.size() - 1))) {
            gone.put(earlier.generation(), earlier.toplevel());
        }
        return gone;
    }
}
