package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.testkit.Package;
import dev.inchworm.testkit.PackageSet;
import dev.inchworm.testkit.SandboxHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The shedding scenario of {@link ShedNonVitalIT} and {@link ShedBenchmark}: a vital blender
 * (8 MiB) and a non-vital gimp (6 MiB, linked by system-path only) both bumped, on a host that
 * was booted into an older system without either and switched since, so the booted system
 * does not pin them (the profile's {@code nix.bootedSystem} points at the kit's link).
 */
final class ShedCase {

    static final long BLENDER = 8 * MiB;
    static final long GIMP = 6 * MiB;

    private ShedCase() {
    }

    static PackageSet studio() {
        return PackageSet.typical()
                .add(Package.of("blender", "4.1", BLENDER).dependsOn("glibc"))
                .add(Package.of("gimp", "2.10", GIMP).dependsOn("glibc"))
                .withLinkedOnly(List.of("gimp"));
    }

    static UnaryOperator<PackageSet> bumpBoth() {
        return p -> p.bump("blender", BLENDER).bump("gimp", GIMP);
    }

    /** The host with the studio installed, booted into a small system, and the target committed. */
    static SandboxRun host(SandboxHost.Builder builder, Path work, UnaryOperator<PackageSet> target) throws Exception {
        SandboxRun run = new SandboxRun(builder, work, studio());
        try {
            Revision booted = run.scenario.commit("booted long ago", pkgs -> PackageSet.typical());
            Evaluation small = run.host.evaluate(run.scenario, booted);
            run.host.realise(small.drv()).requireOk();
            Path link = run.host.stateDir().resolve("booted-system");
            Files.delete(link);
            Files.createSymbolicLink(link, Path.of(small.toplevel().path()));
            run.target("blender 4.2, gimp 2.11", pkgs -> target.apply(studio())); // from the studio
            return run;
        } catch (Exception | Error e) {
            run.close();
            throw e;
        }
    }

    /** The host with the studio installed and booted (the booted system pins the old gimp), the target committed. */
    static SandboxRun bootedIntoTheStudio(Path work) throws Exception {
        return new SandboxRun(SandboxHost.builder().tmpfs(64), work, studio()).target("blender 4.2, gimp 2.11",
                bumpBoth());
    }

    /** The profile: these strategies, these nonVital names, the live-system links the kit's. */
    static SandboxRun profile(SandboxRun run, List<String> nonVital, String... strategies) {
        return run.profile(p -> p.strategies(strategies).set("nonVital", nonVital)
                .nixSetting("bootedSystem", run.host.stateDir().resolve("booted-system").toString())
                .nixSetting("currentSystem", run.host.stateDir().resolve("current-system").toString()));
    }
}
