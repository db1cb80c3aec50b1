package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.testkit.Activation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Activation as nixos-rebuild-ng does it: through systemd-run (a stand-in that records its arguments). */
class ActivationIT {

    @TempDir
    Path tmp;

    @Test
    void switchToConfigurationRunsThroughSystemdRunWithNixosRebuildsFlags() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            Path log = run.host.workDir().resolve("systemd-run.log");
            Path standIn = run.host.workDir().resolve("systemd-run");
            Files.writeString(standIn, "#!/bin/sh\n"
                    + "printf '%s NIXOS_INSTALL_BOOTLOADER=%s\\n' \"$*\" \"$NIXOS_INSTALL_BOOTLOADER\" >> " + log + "\n"
                    + "while [ $# -gt 0 ]; do case \"$1\" in --wait) shift; break ;; -E) shift 2 ;; *) shift ;; esac; done\n"
                    + "exec \"$@\"\n");
            Files.setPosixFilePermissions(standIn, PosixFilePermissions.fromString("rwxr-xr-x"));
            run.profile(p -> p.nixSetting("systemdRun", standIn.toString()).nixSetting("installBootloader", true));
            Evaluation target = run.targetEvaluation();

            Dist.Result r = run.upgrade();
            assertEquals(0, r.code(), r.out() + r.err());
            List<String> calls = Files.readAllLines(log);
            assertEquals(List.of("-E LOCALE_ARCHIVE -E NIXOS_INSTALL_BOOTLOADER -E NIXOS_NO_CHECK --collect"
                    + " --no-ask-password --pipe --quiet --service-type=exec --unit=inchworm-switch-to-configuration"
                    + " --wait " + target.toplevel().path() + "/bin/switch-to-configuration switch"
                    + " NIXOS_INSTALL_BOOTLOADER=1"), calls);
            List<Activation> activations = run.host.activations();
            assertEquals(new Activation("switch", target.toplevel()), activations.get(activations.size() - 1),
                    "the stand-in ran the command");
            assertTrue(run.storeVerifies());
        }
    }
}
