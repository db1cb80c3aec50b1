package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.testkit.Activation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
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

    @Test
    void aNewKernelIsReportedAsNeedingARebootByTheReportAndStatus() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            Path state = run.host.stateDir();
            run.profile(p -> p.nixSetting("bootedSystem", state.resolve("booted-system").toString())
                    .nixSetting("currentSystem", state.resolve("current-system").toString()));
            Dist.Result routine = run.upgrade();
            assertEquals(0, routine.code(), routine.out() + routine.err());
            assertFalse(run.json(routine).path("rebootNeeded").asBoolean(), routine.out());

            run.target("linux 6.6.21", pkgs -> pkgs.bump("linux"));
            String profile = run.profile.toString();
            Dist.Result kernel = run.inchworm(Map.of(), "upgrade", "--profile", profile);
            assertEquals(0, kernel.code(), kernel.out() + kernel.err());
            assertTrue(kernel.out().contains("reboot needed: the kernel and initrd differ from the booted system's"),
                    kernel.out());
            JsonNode report = run.json(run.inchworm(Map.of(), "status", "--profile", profile, "--json"));
            assertTrue(report.path("rebootNeeded").asBoolean(), report.toString());
            assertEquals("[\"kernel\",\"initrd\"]", report.path("rebootFor").toString());
            assertTrue(report.path("lastReport").path("rebootNeeded").asBoolean(), report.toString());
            assertTrue(run.inchworm(Map.of(), "status", "--profile", profile).out().contains("reboot needed"));

            run.host.reboot();
            JsonNode after = run.json(run.inchworm(Map.of(), "status", "--profile", profile, "--json"));
            assertFalse(after.path("rebootNeeded").asBoolean(), "booted into the new kernel: " + after);
        }
    }

    private static Activation last(List<Activation> activations) {
        return activations.get(activations.size() - 1);
    }
}
