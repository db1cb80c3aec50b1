package dev.inchworm.runtime.exec;

import java.time.Instant;
import java.util.Optional;

/**
 * A process told apart from any later one that reuses its pid: pid plus start time. Used by
 * the host lock to know whether the run named in a lock file is still alive.
 *
 * @param pid     the process id
 * @param started when it started, null when the OS did not tell
 */
public record ProcessIdentity(long pid, Instant started) {

    public ProcessIdentity {
        if (pid < 1) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
    }

    /** This JVM. */
    public static ProcessIdentity self() {
        ProcessHandle me = ProcessHandle.current();
        return new ProcessIdentity(me.pid(), me.info().startInstant().orElse(null));
    }

    /** Whether that very process (same pid and, when known, same start time) is still running. */
    public boolean alive() {
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        Optional<Instant> start = process.get().info().startInstant();
        return started == null || start.isEmpty() || start.get().equals(started);
    }
}
