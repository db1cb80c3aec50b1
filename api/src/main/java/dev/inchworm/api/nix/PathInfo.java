package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Facts the store holds about a valid path.
 *
 * @param path        the path
 * @param narSize     its NAR size in bytes
 * @param references  the store paths it references at run time
 * @param deriver     the derivation that built it, when known
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record PathInfo(StorePath path, long narSize, List<StorePath> references, Optional<StorePath> deriver) {

    public PathInfo {
        Objects.requireNonNull(path, "path");
        if (narSize < 0) {
            throw new IllegalArgumentException("negative NAR size for " + path);
        }
        references = List.copyOf(references);
        Objects.requireNonNull(deriver, "deriver");
    }
}
