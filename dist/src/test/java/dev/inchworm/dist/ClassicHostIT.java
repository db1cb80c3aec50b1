package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.testkit.Outcome;
import dev.inchworm.testkit.SandboxHost;
import dev.inchworm.testkit.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classic host: {@code system.nixosConfig} names its configuration.nix, which imports
 * {@code <nixpkgs>}; the evaluation gets the revision tried, whatever {@code NIX_PATH} says.
 */
class ClassicHostIT {

    @TempDir
    Path tmp;

    @Test
    void aConfigurationImportingNixpkgsEvaluatesTheRevisionTried() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp).target("cmake", pkgs -> pkgs.bump("cmake"))) {
            Path config = run.host.workDir().resolve("etc-nixos/configuration.nix");
            Files.createDirectories(config.getParent());
            Files.writeString(config, "{ extraPackages = [ (import <nixpkgs/pkgs>).cmake ]; }\n");
            Map<String, Object> system = new HashMap<>(Map.of("repository", run.scenario.repository().toString(),
                    "nixosConfig", config.toString(), "attribute", Scenario.ATTRIBUTE));
            run.profile(p -> p.set("system", system));

            // the host runs the first revision as its configuration.nix makes it (with the extra cmake),
            // as the admin's last nixos-rebuild left it: --from is checked against the running system
            Outcome built = run.host.run("nix-build", run.scenario.expression(run.first).toString(), "-A",
                    Scenario.ATTRIBUTE, "-I", "nixpkgs=" + run.scenario.checkout(run.first), "-I", "nixos-config=" + config,
                    "--no-out-link").requireOk();
            String running = built.lines().get(built.lines().size() - 1);
            run.host.run("nix-env", "-p", SandboxHost.SYSTEM_PROFILE, "--set", running).requireOk();
            run.host.run(running + "/bin/switch-to-configuration", "switch").requireOk();

            StorePath expected = evaluate(run, run.target, run.target, config);
            StorePath fromTheChannel = evaluate(run, run.target, run.first, config);
            assertNotEquals(expected, fromTheChannel, "the extra cmake differs between the revisions");

            // a NIX_PATH pointing at the old revision (a channel) must not leak in
            Dist.Result r = run.inchworm(Map.of("NIX_PATH", "nixpkgs=" + run.scenario.checkout(run.first)),
                    "upgrade", "--profile", run.profile.toString(), "--from", run.first.commit(), "--json");
            assertEquals(0, r.code(), r.out() + r.err());
            JsonNode report = run.json(r);
            assertEquals("upgraded", report.get("result").asText());
            assertEquals(expected.path(), report.get("finalToplevel").asText());
            assertEquals(expected, run.profileToplevel());
        }
    }

    /** The system of {@code system}'s nixos/default.nix with {@code <nixpkgs>} at {@code nixpkgs}. */
    private static StorePath evaluate(SandboxRun run, Revision system, Revision nixpkgs, Path config) {
        Outcome drv = run.host.run("nix-instantiate", run.scenario.expression(system).toString(), "-A",
                Scenario.ATTRIBUTE, "-I", "nixpkgs=" + run.scenario.checkout(nixpkgs), "-I", "nixos-config=" + config)
                .requireOk();
        List<String> lines = drv.lines();
        return StorePath.of(run.host.run("nix-store", "-q", "--outputs", lines.get(lines.size() - 1)).requireOk().text());
    }
}
