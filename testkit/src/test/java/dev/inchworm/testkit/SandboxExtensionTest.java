package dev.inchworm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SandboxExtension.class)
class SandboxExtensionTest {

    private static final List<Path> WORK_DIRS = new ArrayList<>();
    private SandboxHost fromBeforeEach;

    @BeforeEach
    void remember(SandboxHost host) {
        fromBeforeEach = host;
        WORK_DIRS.add(host.workDir());
    }

    @Test
    void injectsADefaultHostSharedWithBeforeEachAndAScenarioForIt(SandboxHost host, Scenario scenario) {
        assertSame(fromBeforeEach, host);
        assertEquals(64L << 20, host.sizeBytes());
        assertEquals(host.stateDir(), scenario.stateDir());
        assertEquals("sandbox", scenario.hostName());
    }

    @Test
    @TinyHost(mib = 24, loopExt4 = true, swapFolder = true, name = "vps-2")
    void shapesTheHostFromTheAnnotation(SandboxHost host) {
        assertEquals("vps-2", host.name());
        assertTrue(host.swapDir().isPresent());
        assertTrue(host.sizeBytes() < 24L << 20 && host.sizeBytes() > 16L << 20, "ext4 size " + host.sizeBytes());
    }

    @AfterAll
    static void everyHostWasClosed() {
        assertEquals(2, WORK_DIRS.size());
        WORK_DIRS.forEach(dir -> assertFalse(Files.exists(dir), dir + " left behind"));
    }
}
