package dev.inchworm.api.storage;

import dev.inchworm.api.Api;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One measurement of the host's storage.
 *
 * @param at    when it was taken
 * @param store the file system holding the Nix store
 * @param boot  the file system holding /boot, when the probe was told to measure it
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record StorageReport(Instant at, Volume store, Optional<Volume> boot) {

    public StorageReport {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(boot, "boot");
    }
}
