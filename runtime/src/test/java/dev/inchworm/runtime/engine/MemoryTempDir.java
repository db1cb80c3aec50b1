package dev.inchworm.runtime.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Temporary folders on /dev/shm when the machine has it: the journal fsyncs every write
 * (about 10 ms each on a disk), and the crash tests make thousands of writes. On tmpfs the
 * same code runs with fsync nearly free.
 */
public final class MemoryTempDir implements TempDirFactory {

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "inchworm-test-");
        }
        return Files.createTempDirectory("inchworm-test-");
    }
}
