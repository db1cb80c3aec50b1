package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.nio.file.Path;

/**
 * The store upkeep the engine needs beyond {@link Nix}: keeping a derivation alive through
 * garbage collections, and freeing a store so full that Nix cannot open its database. Both
 * backends (the runtime's real one and the test kit's memory one) implement it next to
 * {@link Nix}; the engine reaches them through this interface only, never through a backend
 * class.
 */
@Api(status = Api.Status.INTERNAL, since = "0.1")
public interface StoreMaintenance {

    /** A backend that can do neither: the derivations are not kept, a full store stays full. */
    StoreMaintenance NONE = new StoreMaintenance() {
        @Override
        public void rootDerivation(StorePath drv, Path root) {
        }

        @Override
        public GcResult recoverFullStore() {
            return new GcResult(0, 0);
        }
    };

    /**
     * Makes a valid derivation (and the derivations and sources it is built from) a GC root
     * through an indirect root at {@code root}: a link outside the store whose deletion releases it.
     */
    void rootDerivation(StorePath drv, Path root);

    /**
     * Frees room in a store so full that Nix cannot open its database ({@link NixFailure.OutOfDisk}
     * with {@code storeFull}).
     *
     * @return what the collection freed
     */
    GcResult recoverFullStore();

    /** The upkeep of a backend: its own when it offers it, else {@link #NONE}. */
    static StoreMaintenance of(Nix nix) {
        return nix instanceof StoreMaintenance maintenance ? maintenance : NONE;
    }
}
