package dev.inchworm.api.nix;

import dev.inchworm.api.Api;

/**
 * What a garbage collection freed, from {@code N store paths deleted, X MiB freed}.
 *
 * @param pathsDeleted number of store paths deleted
 * @param bytesFreed   bytes freed (Nix rounds to 0.01 MiB)
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record GcResult(long pathsDeleted, long bytesFreed) {
}
