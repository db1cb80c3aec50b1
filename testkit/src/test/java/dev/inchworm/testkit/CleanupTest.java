package dev.inchworm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A test that never closes its host, or a JVM killed outright, leaves nothing behind. */
class CleanupTest {

    @TempDir
    Path temp;

    @Test
    void theShutdownHookClosesAHostATestLeftOpen() throws Exception {
        Path report = temp.resolve("report");
        Outcome child = Launcher.run(javaCommand(report, "exit"), Map.of());
        assertEquals(0, child.exitCode(), child.stderr());
        String[] left = Files.readString(report).split(" ", 2);

        assertFalse(Files.exists(Path.of("/proc", left[0])), "holder still running");
        assertFalse(Files.exists(Path.of(left[1])), "work folder still there");
        assertFalse(loopDevices().contains(left[1]), loopDevices());
    }

    @Test
    void aJvmKilledOutrightLeavesNoHolderNoLoopDeviceAndItsFolderIsSweptLater() throws Exception {
        Path report = temp.resolve("report");
        Process child = Launcher.start(javaCommand(report, "hang"), temp.resolve("child.err"));
        try {
            waitUntil(() -> Files.exists(report) || !child.isAlive());
            assertTrue(child.isAlive(), () -> read(temp.resolve("child.err")));
        } finally {
            child.destroyForcibly().waitFor();
        }
        String[] left = Files.readString(report).split(" ", 2);
        Path holder = Path.of("/proc", left[0]);
        Path image = Path.of(left[1], "disk.img");

        waitUntil(() -> !Files.exists(holder) && !loopDevices().contains(image.toString()));
        assertFalse(Files.exists(holder), "holder survived its JVM");
        assertFalse(loopDevices().contains(image.toString()), loopDevices());
        assertTrue(Files.exists(Path.of(left[1])), "nothing could delete the folder of a killed JVM");

        try (SandboxHost next = SandboxHost.builder().tmpfs(8).workDirIn(temp.resolve("hosts")).build()) {
            assertFalse(Files.exists(Path.of(left[1])), "the next host sweeps the stale folder");
            assertTrue(Files.exists(next.workDir()));
        }
    }

    @Test
    void aFailedSetUpCleansUpWhatItHadMade() throws Exception {
        Path parent = Files.createDirectories(temp.resolve("hosts"));
        SandboxHost.Builder impossible = SandboxHost.builder().loopExt4(16).workDirIn(parent)
                .journal(Path.of("/proc/inchworm-cannot-be-made"));

        RuntimeException failure = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, impossible::build);

        assertTrue(String.valueOf(failure.getMessage()).contains("sandbox host"), failure.toString());
        assertFalse(loopDevices().contains(parent.toString()), loopDevices());
        try (var left = Files.list(parent)) {
            assertEquals(0, left.count(), "work folder left behind");
        }
    }

    private static List<String> javaCommand(Path report, String mode) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-cp", System.getProperty("java.class.path"), LeftOpenHost.class.getName(),
                report.toString(), mode);
    }

    private static String loopDevices() {
        return Launcher.run(List.of("losetup", "-a"), Map.of()).requireOk().stdout();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** Waits for a condition the assertions after it check (bounded; no timing is asserted). */
    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 3000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
    }
}
