package dev.inchworm.runtime.engine;

import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.api.host.Host;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.SystemSource;
import dev.inchworm.api.storage.StorageReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The host as one extension sees it: shared services plus a state folder and logger of the
 * extension's own ({@code stateRoot/plugins/<pluginId>}).
 *
 * @param storageSupplier a fresh measurement from the selected probe on each call
 */
public record RuntimeHost(String name, Nix nix, SystemSource source, CommandRunner commands,
                          Supplier<StorageReport> storageSupplier, Path stateRoot, String pluginId,
                          Logger log) implements Host {

    public RuntimeHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(storageSupplier, "storageSupplier");
        Objects.requireNonNull(stateRoot, "stateRoot");
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(log, "log");
    }

    @Override
    public Nix nix() {
        return Objects.requireNonNull(nix, "this command runs without Nix");
    }

    @Override
    public SystemSource source() {
        return Objects.requireNonNull(source, "this command runs without a system source");
    }

    @Override
    public StorageReport storage() {
        return storageSupplier.get();
    }

    @Override
    public Path stateDir() {
        Path dir = stateRoot.resolve("plugins").resolve(pluginId);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create plugin state folder " + dir, e);
        }
    }

    /** The same host seen by another extension. */
    public RuntimeHost forPlugin(String otherPluginId, Logger otherLog) {
        return new RuntimeHost(name, nix, source, commands, storageSupplier, stateRoot, otherPluginId, otherLog);
    }
}
