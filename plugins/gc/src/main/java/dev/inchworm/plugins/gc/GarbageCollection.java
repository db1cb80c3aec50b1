package dev.inchworm.plugins.gc;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.NoSettings;
import dev.inchworm.api.nix.GcResult;
import dev.inchworm.api.reclaim.ReclaimContext;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import java.util.OptionalLong;
import org.pf4j.Extension;

/**
 * Collects garbage ({@code nix-store --gc --max-freed N}): frees paths nothing roots, so
 * nothing is lost. Cost 0: the engine runs it before any reclaimer that loses something.
 */
@Extension
public final class GarbageCollection implements Reclaimer<NoSettings> {

    @Override
    public String id() {
        return "gc";
    }

    @Override
    public Class<NoSettings> settingsType() {
        return NoSettings.class;
    }

    @Override
    public String description() {
        return "nix-store --gc --max-freed: frees what nothing roots";
    }

    @Override
    public int cost() {
        return COST_FREE;
    }

    @Override
    public Reclaimed reclaim(ReclaimContext<NoSettings> context, long bytesWanted) {
        GcResult gc = context.host().nix().collectGarbage(OptionalLong.of(Math.max(1, bytesWanted)));
        return new Reclaimed(gc.bytesFreed(), "collected " + gc.pathsDeleted() + " paths, "
                + ByteSize.format(gc.bytesFreed()));
    }
}
