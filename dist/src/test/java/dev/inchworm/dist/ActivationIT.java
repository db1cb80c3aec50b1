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

    @Test
    void testAndDryActivateLeaveTheSystemProfileAlone() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            Evaluation target = run.targetEvaluation();
            List<Integer> generations = run.generations();

            run.profile(p -> p.switchAction("test"));
            Dist.Result tested = run.upgrade();
            assertEquals(0, tested.code(), tested.out() + tested.err());
            assertEquals(new Activation("test", target.toplevel()), last(run.host.activations()));
            assertEquals(generations, run.generations(), "test made no generation");
            assertEquals(run.initial.toplevel(), run.profileToplevel(), "the boot default is the initial system");
            assertEquals(target.toplevel(), run.host.currentSystem().orElseThrow());
            assertEquals(target.toplevel().path(), run.json(tested).path("finalToplevel").asText());

            run.host.reboot(); // back on the profile's system: the test activation is gone
            run.profile(p -> p.switchAction("dry-activate"));
            Dist.Result dry = run.upgrade();
            assertEquals(0, dry.code(), dry.out() + dry.err());
            assertEquals(new Activation("dry-activate", target.toplevel()), last(run.host.activations()));
            assertEquals(generations, run.generations(), "dry-activate made no generation");
            assertEquals(run.initial.toplevel(), run.profileToplevel());
            assertEquals(run.initial.toplevel(), run.host.currentSystem().orElseThrow(), "nothing was activated");
            assertTrue(run.storeVerifies());
        }
    }

    private static Activation last(List<Activation> activations) {
        return activations.get(activations.size() - 1);
    }
}
