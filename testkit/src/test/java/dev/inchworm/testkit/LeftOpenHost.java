package dev.inchworm.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JVM that opens a loop host and never closes it: {@code REPORT exit} ends normally (the
 * shutdown hook must clean up), {@code REPORT hang} waits to be killed.
 */
public final class LeftOpenHost {

    private LeftOpenHost() {
    }

    public static void main(String[] args) throws Exception {
        // A folder of the test's own: a concurrent JVM sweeping /tmp must not take its stale host away.
        Path hosts = Files.createDirectories(Path.of(args[0]).resolveSibling("hosts"));
        SandboxHost host = SandboxHost.builder().loopExt4(16).swapFolder().workDirIn(hosts).build();
        host.run("sh", "-c", "echo data > /nix/data").requireOk();
        Path report = Path.of(args[0]);
        Files.writeString(report.resolveSibling(report.getFileName() + ".tmp"), host.pid() + " " + host.workDir());
        Files.move(report.resolveSibling(report.getFileName() + ".tmp"), report);
        if (args[1].equals("hang")) {
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
