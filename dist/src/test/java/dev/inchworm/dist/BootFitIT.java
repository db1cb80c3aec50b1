package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.testkit.Activation;
import dev.inchworm.testkit.ProfileFile;
import dev.inchworm.testkit.SandboxHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /boot decides: a sandbox host with a /boot tmpfs of its own, where the scenario toplevels'
 * switch-to-configuration copies each generation's kernel and initrd (a bootloader in miniature).
 */
class BootFitIT {

    @TempDir
    Path tmp;

    @Test
    void aBootTooSmallForTheNewKernelIsRefusedBeforeSwitchingAndNothingIsSwitched() throws Exception {
        try (SandboxRun run = new SandboxRun(SandboxHost.builder().tmpfs(64).boot(2), tmp)) {
            run.target("linux 6.6.21", pkgs -> pkgs.bump("linux"));
            run.profile(p -> measuringBoot(run, p));
            Evaluation target = run.targetEvaluation();
            List<String> bootBefore = bootFiles(run);
            assertEquals(2, bootBefore.size(), "the initial kernel and initrd: " + bootBefore);

            Dist.Result r = run.upgrade();

            assertEquals(3, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("rolled-back", report.path("result").asText());
            String reason = report.path("failure").path("reason").asText();
            assertTrue(reason.contains("/boot would not hold the boot files of " + target.toplevel().name())
                    && reason.contains("refused before switching") && reason.contains("bytes) are free"), reason);
            assertEquals("failed", report.path("steps").get(0).path("outcome").asText());
            long needed = report.path("failure").path("neededBytes").asLong();
            long free = report.path("failure").path("freeBytes").asLong();
            assertTrue(needed > free && free > 0 && needed >= 1536 * 1024, "the kernel alone is 1.5 MiB: " + report);
            assertTrue(run.host.activations().stream().noneMatch(a -> a.toplevel().equals(target.toplevel())),
                    "the target was never activated: " + run.host.activations());
            assertEquals(run.initial.toplevel(), run.profileToplevel());
            assertEquals(List.of(1), run.generations());
            assertEquals(bootBefore, bootFiles(run), "/boot holds what it held");
            assertTrue(run.storeVerifies());
        }
    }

    @Test
    void aShortBootIsReclaimedByDeletingAnOldGenerationAndInstallingTheBootEntries() throws Exception {
        try (SandboxRun run = new SandboxRun(SandboxHost.builder().tmpfs(64).boot(4), tmp)) {
            Revision second = run.scenario.commit("linux 6.6.21", pkgs -> pkgs.bump("linux"));
            StorePath byHand = run.host.switchByHand(run.scenario, second);
            run.host.reboot(); // booted into generation 2; generation 1 keeps the old kernel on /boot
            run.target("linux 6.6.22", pkgs -> pkgs.bump("linux"));
            run.profile(p -> measuringBoot(run, p).reclaimers("gc", "generation-prune"));
            Evaluation target = run.targetEvaluation();
            assertEquals(4, bootFiles(run).size(), "two kernels and two initrds: " + bootFiles(run));

            Dist.Result r = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");

            assertEquals(0, r.code(), r.out() + r.err());
            assertEquals(target.toplevel(), run.profileToplevel());
            List<Activation> activations = run.host.activations();
            int bootOfSecond = activations.indexOf(new Activation("boot", byHand));
            assertTrue(bootOfSecond >= 0 && bootOfSecond < activations.indexOf(new Activation("switch",
                    target.toplevel())), "boot entries installed after generation 1 went: " + activations);
            assertFalse(run.generations().contains(1), run.generations().toString());
            List<String> boot = bootFiles(run);
            assertTrue(boot.stream().noneMatch(f -> f.contains("linux-6.6.20")), "the old kernel left /boot: " + boot);
            assertTrue(boot.stream().anyMatch(f -> f.contains("linux-6.6.22")), boot.toString());
            JsonNode reclaimed = run.json(r).path("steps").get(0).path("reclaimed");
            assertTrue(reclaimed.toString().contains("generation-prune"), reclaimed.toString());
        }
    }

    private static ProfileFile measuringBoot(SandboxRun run, ProfileFile profile) {
        return profile.probe("statvfs", Map.of("path", run.host.storeRoot().resolve("store").toString(),
                "boot", run.host.bootDir().toString()));
    }

    private static List<String> bootFiles(SandboxRun run) throws IOException {
        try (Stream<Path> files = Files.list(run.host.bootDir())) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
