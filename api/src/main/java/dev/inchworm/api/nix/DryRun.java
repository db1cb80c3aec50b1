package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.util.List;
import java.util.OptionalLong;

/**
 * What realising a derivation would do, from {@code nix-store --realise --dry-run}.
 *
 * @param toBuild         derivations that would be built (no size is known for them)
 * @param toFetch         paths that would be substituted
 * @param downloadBytes   download size of the fetched paths, when Nix printed it
 * @param unpackedBytes   unpacked (NAR) size of the fetched paths, when Nix printed it
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record DryRun(List<StorePath> toBuild, List<StorePath> toFetch,
                     OptionalLong downloadBytes, OptionalLong unpackedBytes) {

    public DryRun {
        toBuild = List.copyOf(toBuild);
        toFetch = List.copyOf(toFetch);
    }

    /** Nothing to build or fetch: everything is in the store already. */
    public boolean nothingToDo() {
        return toBuild.isEmpty() && toFetch.isEmpty();
    }
}
