package dev.inchworm.plugins.generationprune;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.nix.GcResult;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.reclaim.ReclaimContext;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import org.pf4j.Extension;

/**
 * Deletes old generations of the system profile and collects garbage: frees the systems
 * nobody runs, at the price of rolling back to them. Never deletes a protected generation
 * (the run's initial one, the current one, the booted one), and keeps the {@code keep} most
 * recent others. Cost 80: the engine runs it only when cheaper reclaimers did not free enough.
 */
@Extension
public final class GenerationPrune implements Reclaimer<GenerationPrune.Settings> {

    /**
     * Settings of {@code generation-prune}.
     *
     * @param keep how many of the most recent unprotected generations to keep (default 0)
     */
    public record Settings(Integer keep) {
        public Settings {
            keep = keep == null ? 0 : keep;
            if (keep < 0) {
                throw new IllegalArgumentException("keep must not be negative: " + keep);
            }
        }
    }

    @Override
    public String id() {
        return "generation-prune";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public String description() {
        return "delete old system generations (never the initial, current or booted one), then collect garbage";
    }

    @Override
    public int cost() {
        return COST_ROLLBACK;
    }

    @Override
    public Reclaimed reclaim(ReclaimContext<Settings> context, long bytesWanted) {
        Nix nix = context.host().nix();
        List<Integer> doomed = nix.generations().stream()
                .filter(g -> !g.current() && !context.protectedGenerations().contains(g.number()))
                .sorted(Comparator.comparingInt(Generation::number).reversed())
                .skip(context.settings().keep())
                .map(Generation::number).sorted().toList();
        if (doomed.isEmpty()) {
            return Reclaimed.nothing("no generation to delete (protected: " + context.protectedGenerations()
                    + ", keep " + context.settings().keep() + ")");
        }
        nix.deleteGenerations(doomed);
        GcResult gc = nix.collectGarbage(OptionalLong.empty());
        return new Reclaimed(gc.bytesFreed(), "deleted generations " + doomed + ", collected "
                + gc.pathsDeleted() + " paths, " + ByteSize.format(gc.bytesFreed()));
    }
}
