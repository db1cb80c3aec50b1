package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's demos as a user runs them: {@code scripts/demo} and {@code scripts/demo-stepping}
 * end on the target with exit 0 and a reproducible report.
 */
class DemoIT {

    @TempDir
    Path tmp;

    private record Run(int code, String output) {
    }

    private Run script(String name) throws IOException, InterruptedException {
        Path out = tmp.resolve(name + ".out");
        ProcessBuilder pb = new ProcessBuilder(List.of(Dist.ROOT.resolve("scripts").resolve(name).toString()))
                .directory(Dist.ROOT.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove("INCHWORM_PLUGINS");
        pb.environment().remove("KEEP");
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException(name + " did not finish: " + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void theDemoUpgradesTheTinyHostToTheExactTarget() throws Exception {
        Run run = script("demo");

        assertEquals(0, run.code(), run.output());
        assertTrue(run.output().contains("\"reproducible\" : true"), run.output());
    }

    @Test
    void theSteppingDemoStepsWhereThePlainRebuildDoesNotFitAndEndsOnTheExactTarget() throws Exception {
        Run run = script("demo-stepping");

        assertEquals(0, run.code(), run.output());
        assertTrue(run.output().contains("\"reproducible\" : true"), run.output());
        assertTrue(run.output().contains("full-rebuild passes: the whole upgrade needs"), run.output());
        assertTrue(run.output().contains(": blender 4.1 -> 4.2: done") && run.output().contains(": gimp 2.10 -> 2.11: done"),
                run.output());
        // predicted, not found by failing: no step ran out of disk, the plan's steps are the run's
        assertFalse(run.output().contains("\"outcome\" : \"out-of-disk\""), run.output());
        // the target evaluated on its own and the system profile name the same toplevel
        String target = line(run.output(), "the target, evaluated on its own: ");
        assertTrue(target.matches("/nix/store/[a-z0-9]{32}-nixos-system-demo-26\\.11"), target);
        assertEquals(target, line(run.output(), "the system profile:"));
    }

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).trim())
                .findFirst().orElseThrow(() -> new AssertionError("no line " + prefix + " in " + output));
    }
}
