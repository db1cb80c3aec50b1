package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Nix operations on the host's store and system profile. Every method runs real Nix through
 * the runtime's command runner (with the profile's prefix, options and environment) and
 * parses its output; every failure is a {@link NixException} with a classified
 * {@link NixFailure}.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface Nix {

    /** The Nix version on the host. */
    NixVersion version();

    // --- building -------------------------------------------------------------------------

    /**
     * Builds a derivation. {@code gcRoot} names an indirect GC root to create for the result
     * (never a stray {@code ./result}); empty creates none (the caller roots it otherwise,
     * e.g. by setting the profile).
     *
     * @param progress receives Nix's output lines as they come
     * @return the output paths
     */
    List<StorePath> realise(StorePath drv, Optional<Path> gcRoot, Consumer<String> progress);

    /** What realising {@code drv} would build and fetch, without doing it. */
    DryRun dryRun(StorePath drv);

    // --- querying -------------------------------------------------------------------------

    /** Whether the path is valid (present and registered) in the store. */
    boolean isValid(StorePath path);

    /** NAR size of a valid path. */
    long narSize(StorePath path);

    /** Sum of the NAR sizes of a valid path's closure. */
    long closureSize(StorePath path);

    /**
     * The closure of a path: itself and everything it references, transitively. For a
     * {@code .drv}, {@code includeOutputs} adds the outputs that are valid.
     */
    List<StorePath> closure(StorePath path, boolean includeOutputs);

    /** NAR size, references and deriver of valid paths (invalid ones are left out). */
    List<PathInfo> pathInfo(Collection<StorePath> paths);

    /**
     * NAR size, references and deriver of every path in the closure of a valid path. The
     * default asks {@link #pathInfo} about {@link #closure}; a backend may read it in bulk.
     *
     * @since 0.2
     */
    default List<PathInfo> closureInfo(StorePath path) {
        return pathInfo(closure(path, false));
    }

    /**
     * What the binary caches the host's Nix options configure ({@code substituters},
     * {@code extra-substituters}) say about paths and their closures: NAR sizes and references
     * from their narinfo files. Paths no cache holds are left out; without a configured cache
     * the answer is empty (the default).
     *
     * @since 0.2
     */
    default List<PathInfo> cachedPathInfo(Collection<StorePath> paths) {
        return List.of();
    }

    /** The outputs of a derivation by name ({@code out}, {@code dev}, ...), built or not. */
    java.util.Map<String, StorePath> outputs(StorePath drv);

    /** The raw bytes of a {@code .drv} file, as ISO-8859-1 text (ATerm). */
    String readDerivation(StorePath drv);

    /**
     * The raw bytes of many {@code .drv} files at once, as ISO-8859-1 text, by path. Paths that
     * are not in the store are left out. The default reads them one by one; an implementation
     * that starts a process per read should override it with one command for many.
     *
     * @since 0.2
     */
    default java.util.Map<StorePath, String> readDerivations(Collection<StorePath> drvs) {
        java.util.Map<StorePath, String> texts = new java.util.LinkedHashMap<>();
        for (StorePath drv : drvs) {
            if (isValid(drv)) {
                texts.put(drv, readDerivation(drv));
            }
        }
        return texts;
    }

    /**
     * Reads many {@code .drv} files one after the other, handing each to {@code each} (path,
     * ISO-8859-1 text) as it is read, so that they need not all be in memory at once. Paths
     * that are not in the store are left out. The default reads them through
     * {@link #readDerivations}.
     *
     * @since 0.2
     */
    default void forEachDerivation(Collection<StorePath> drvs,
                                   java.util.function.BiConsumer<StorePath, String> each) {
        readDerivations(drvs).forEach(each);
    }

    /**
     * Puts derivations into the store in the order given (a later one may use an earlier
     * one) and returns their paths in that order. The default adds them one by one; a backend
     * should add them with one command.
     *
     * @param derivations name (without {@code .drv}) and ATerm of each
     * @since 0.2
     */
    default List<StorePath> addDerivations(List<java.util.Map.Entry<String, String>> derivations) {
        List<StorePath> added = new java.util.ArrayList<>();
        for (java.util.Map.Entry<String, String> drv : derivations) {
            added.add(addDerivation(drv.getKey(), drv.getValue()));
        }
        return added;
    }

    /**
     * Puts a derivation into the store ({@code nix derivation add} on Nix 2.15 and later, the
     * {@code builtins.toFile} route before) and returns its path. Nix checks the outputs.
     *
     * @param name  the derivation's name, without {@code .drv}
     * @param aterm the derivation in ATerm form
     */
    StorePath addDerivation(String name, String aterm);

    // --- the system profile ---------------------------------------------------------------

    /** The generations of the system profile, oldest first. */
    List<Generation> generations();

    /** The generation the system profile points at, if any. */
    Optional<Generation> currentGeneration();

    /** Points the system profile at a toplevel, creating a new generation ({@code nix-env --set}). */
    Generation setSystem(StorePath toplevel);

    /** Points the system profile back at an existing generation. */
    void switchGeneration(int number);

    /** Deletes generations by number; the current one is never deleted. */
    void deleteGenerations(Collection<Integer> numbers);

    /** Runs {@code TOPLEVEL/bin/switch-to-configuration ACTION}. */
    void switchToConfiguration(StorePath toplevel, SwitchAction action);

    /** The toplevels that must never be collected: {@code /run/booted-system}, {@code /run/current-system}. */
    List<StorePath> liveSystems();

    /**
     * The system the host booted (NixOS's {@code /run/booted-system}, the profile's
     * {@code nix.bootedSystem}), or empty when the host has no such link (the default).
     *
     * @since 0.3
     */
    default Optional<StorePath> bootedSystem() {
        return Optional.empty();
    }

    /**
     * The boot files of {@code toplevel} that differ from the booted system's
     * ({@code /run/booted-system/kernel} and so on, compared link by link as NixOS's
     * {@code system.autoUpgrade} does): not empty when {@code toplevel} needs a reboot to run
     * its kernel. Empty when they are the same, or when the host has no booted-system link to
     * compare with (the default).
     *
     * @since 0.2
     */
    default java.util.Set<BootFile> bootFilesChanged(StorePath toplevel) {
        return java.util.Set.of();
    }

    /**
     * The kernel and initrd of each system, as the bootloader copies them to {@code /boot}:
     * where each link points and its size. Systems without them are left out; the default
     * knows of none.
     *
     * @since 0.2
     */
    default List<BootEntryFile> bootEntryFiles(Collection<StorePath> toplevels) {
        return List.of();
    }

    // --- garbage --------------------------------------------------------------------------

    /**
     * What Nix's reserved file ({@code /nix/var/nix/db/reserved}, {@code gc-reserved-space},
     * 8 MiB by default) will take back when Nix next opens the store: all of it while it is
     * missing (a collection deletes it; Nix cannot write it again on a disk with no room), the
     * rest while it is short, 0 when it is whole. Empty when the backend cannot tell (the default).
     */
    default OptionalLong reservedSpaceMissing() {
        return OptionalLong.empty();
    }

    /** Collects garbage; {@code maxFreedBytes} stops after freeing that much. */
    GcResult collectGarbage(OptionalLong maxFreedBytes);

    /** The paths a collection would delete now. */
    List<StorePath> deadPaths();

    /** {@code nix-store --verify} (with {@code --check-contents}): true when the store is consistent. */
    boolean verifyStore(boolean checkContents);
}
