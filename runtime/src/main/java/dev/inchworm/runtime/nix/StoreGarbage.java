package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.GcResult;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.StorePath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Garbage and the store's health through {@code nix-store}: collecting (and telling the known
 * closures what went), the dead paths, verifying, and recovering a store too full to open.
 * Part of {@link NixCli}.
 */
final class StoreGarbage {

    // What nix-store --verify prints about an inconsistency (Nix 2.8 and later).
    private static final List<String> VERIFY_COMPLAINTS = List.of("was modified!", "disappeared",
            "not all store errors were fixed", "is not in the store", "has incorrect");

    private final NixCommands nix;
    private final BulkStore bulk;

    StoreGarbage(NixCommands nix, BulkStore bulk) {
        this.nix = nix;
        this.bulk = bulk;
    }

    GcResult collectGarbage(OptionalLong maxFreedBytes) {
        List<String> args = new ArrayList<>(List.of("--gc"));
        maxFreedBytes.ifPresent(max -> {
            args.add("--max-freed");
            args.add(Long.toString(max));
        });
        GcResult result;
        try {
            result = NixOutput.gcSummary(nix.run(nix.classic("nix-store", args)).stdout());
        } catch (RuntimeException e) {
            bulk.known().forget();
            throw e;
        }
        // The collection deleted Nix's reserved file (gc-reserved-space, 8 MiB); the next Nix
        // command writes it again. Open the store now so that free space measured after a
        // collection is what a build will really find, not 8 MiB more. The same command tells
        // which kept closures' roots and known valid paths the collection removed.
        Set<StorePath> invalid;
        try {
            invalid = bulk.invalid(bulk.known().checkedAfterCollection());
        } catch (RuntimeException e) {
            bulk.known().forget();
            throw e;
        }
        bulk.known().collected(invalid);
        return result;
    }

    List<StorePath> deadPaths() {
        List<StorePath> dead = new ArrayList<>();
        nix.lines(nix.classic("nix-store", List.of("--gc", "--print-dead")), line -> {
            if (!line.isBlank()) {
                dead.add(bulk.intern(NixOutput.storePath(line).path()));
            }
        });
        return dead;
    }

    boolean verifyStore(boolean checkContents) {
        List<String> complaints = Collections.synchronizedList(new ArrayList<>());
        List<String> args = new ArrayList<>(List.of("--verify"));
        if (checkContents) {
            args.add("--check-contents");
        }
        NixCommands.Ran ran = nix.attempt(nix.classic("nix-store", args).withLineListener(line -> {
            if (VERIFY_COMPLAINTS.stream().anyMatch(line::contains)) {
                complaints.add(line);
            }
        }));
        if (!complaints.isEmpty()) {
            return false;
        }
        if (!ran.result().ok()) {
            throw nix.failed(ran, false);
        }
        return true;
    }

    /**
     * Recovers a store so full that Nix cannot open its database (an {@link NixFailure.OutOfDisk}
     * with {@code storeFull}): removes {@code /nix/var/nix/db/reserved} (the 8 MiB Nix keeps for
     * exactly this) and collects garbage with {@code gc-reserved-space 0}, so the collection
     * does not recreate the file it just freed.
     */
    GcResult recoverFullStore() {
        bulk.known().forget();
        nix.run(nix.plain(List.of("rm", "-f", "/nix/var/nix/db/reserved")));
        return NixOutput.gcSummary(nix.run(nix.classic("nix-store",
                List.of("--gc", "--option", "gc-reserved-space", "0"))).stdout());
    }
}
