package dev.inchworm.testkit;

import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.api.host.Host;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.SystemSource;
import dev.inchworm.api.storage.StorageReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The host a plugin under test sees: a {@link MemoryNix} store and source; no commands; storage from its volume. */
final class MemoryHost implements Host {

    private final MemoryNix nix;
    private final Path stateDir;

    MemoryHost(MemoryNix nix, Path stateDir) {
        this.nix = nix;
        this.stateDir = stateDir;
    }

    @Override
    public String name() {
        return "memory-host";
    }

    @Override
    public Nix nix() {
        return nix;
    }

    @Override
    public SystemSource source() {
        return nix;
    }

    @Override
    public CommandRunner commands() {
        return command -> {
            throw new UnsupportedOperationException("the memory host runs no commands: " + command.argv());
        };
    }

    @Override
    public StorageReport storage() {
        return new StorageReport(Instant.now(), nix.volume(), Optional.empty());
    }

    @Override
    public Path stateDir() {
        try {
            return Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Logger log() {
        return LoggerFactory.getLogger("memory-host");
    }
}
