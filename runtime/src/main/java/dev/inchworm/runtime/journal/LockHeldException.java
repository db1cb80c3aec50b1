package dev.inchworm.runtime.journal;

import java.nio.file.Path;
import java.util.Optional;

/** Another run holds the host's lock (exit code 5). Names the lock file and the holder. */
public class LockHeldException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient Optional<HostLock.Holder> holder;

    public LockHeldException(Path file, Optional<HostLock.Holder> holder) {
        super("another Inchworm run is working on this host: the lock " + file + " is "
                + HostLock.describe(file, holder) + "; try again when it has finished");
        this.holder = holder;
    }

    /** The process holding the lock, when the lock file names it. */
    public Optional<HostLock.Holder> holder() {
        return holder;
    }
}
