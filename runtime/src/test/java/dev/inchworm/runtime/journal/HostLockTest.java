package dev.inchworm.runtime.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostLockTest {

    @TempDir
    Path state;

    @Test
    void aSecondRunIsRefusedWhileTheFirstHoldsTheLock() {
        try (HostLock first = HostLock.acquire(state)) {
            LockHeldException e = assertThrows(LockHeldException.class, () -> HostLock.acquire(state));
            assertTrue(e.getMessage().contains(first.path().toString()), e.getMessage());
            assertEquals(ProcessHandle.current().pid(), e.holder().orElseThrow().pid());
            assertTrue(HostLock.holder(state).isPresent());
        }
        try (HostLock again = HostLock.acquire(state)) {
            assertTrue(again.takenOverFrom().isEmpty(), "a lock released cleanly leaves no holder behind");
        }
        assertTrue(HostLock.holder(state).isEmpty());
    }

    @Test
    void aLockFileNamingALiveProcessIsRespectedEvenWithoutTheOsLock() throws Exception {
        ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
        Files.writeString(state.resolve(HostLock.FILE_NAME),
                "pid=" + parent.pid() + "\nstarted=" + parent.info().startInstant().orElseThrow() + "\n");
        LockHeldException e = assertThrows(LockHeldException.class, () -> HostLock.acquire(state));
        assertEquals(parent.pid(), e.holder().orElseThrow().pid());
    }

    @Test
    void aStaleLockOfADeadProcessIsTakenOver() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(state.resolve(HostLock.FILE_NAME), "pid=" + dead.pid() + "\n");
        try (HostLock lock = HostLock.acquire(state)) {
            assertEquals(dead.pid(), lock.takenOverFrom().orElseThrow().pid());
            assertTrue(Files.readString(lock.path()).contains("pid=" + ProcessHandle.current().pid()));
        }
    }

    @Test
    void aReusedPidWithAnotherStartTimeIsStale() throws Exception {
        ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
        Files.writeString(state.resolve(HostLock.FILE_NAME), "pid=" + parent.pid() + "\nstarted=2001-01-01T00:00:00Z\n");
        try (HostLock lock = HostLock.acquire(state)) {
            assertFalse(lock.takenOverFrom().orElseThrow().alive());
        }
    }

    @Test
    void aGarbledLockFileIsTakenOver() throws Exception {
        Files.writeString(state.resolve(HostLock.FILE_NAME), "\u0000\u0000garbage");
        try (HostLock lock = HostLock.acquire(state)) {
            assertTrue(lock.takenOverFrom().isEmpty());
        }
    }
}
