package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A build that hangs past the profile's {@code timeouts.build}, through the CLI against real Nix. */
class TimeoutIT {

    /** What the hanging builder sleeps: a number no other process on the machine is likely to sleep. */
    private static final String HANG = "7391";

    @TempDir
    Path tmp;

    @Test
    void aBuildThatHangsIsKilledAtItsTimeoutAndTheRunRollsBack() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            // the target's builder of curl hangs (every package of it is rebuilt: the script is an input)
            Path builder = run.scenario.repository().resolve("pkgs/build-package.sh");
            Files.writeString(builder, Files.readString(builder).replace("set -e\n",
                    "set -e\nif [ \"$pname\" = curl ]; then sleep " + HANG + "; fi\n"));
            git(run, "commit", "-q", "-am", "curl's build hangs");
            run.profile(p -> p.set("timeouts", Map.of("build", "3s")));

            Dist.Result r = run.upgrade();

            assertEquals(3, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("rolled-back", report.get("result").asText(), report.toString());
            JsonNode step = report.get("steps").get(0);
            assertEquals("failed", step.get("outcome").asText(), report.toString());
            String failure = step.get("failure").asText();
            assertTrue(failure.startsWith("timed-out after ") && failure.contains("timeouts.build"), report.toString());
            assertEquals(run.initial.toplevel(), run.profileToplevel());
            assertEquals(List.of(1), run.generations());
            assertTrue(hangingBuilders().isEmpty(), "the builder was killed with nix-store: " + hangingBuilders());
            assertTrue(run.storeVerifies());
        }
    }

    /** Processes still sleeping the builder's hang, seen from this JVM (/proc is shared with the host). */
    private static List<String> hangingBuilders() {
        List<String> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine()
                .filter(line -> line.matches("(.*/)?sleep " + HANG))
                .ifPresent(found::add));
        return found;
    }

    private static void git(SandboxRun run, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-C", run.scenario.repository().toString()));
        argv.addAll(List.of(args));
        Process git = new ProcessBuilder(argv).inheritIO().start();
        assertEquals(0, git.waitFor());
    }
}
