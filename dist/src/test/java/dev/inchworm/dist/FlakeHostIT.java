package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.testkit.Package;
import dev.inchworm.testkit.PackageSet;
import dev.inchworm.testkit.SandboxHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flake-style host ({@code system.flake: DIR#HOST}, the flake's {@code nixpkgs} input
 * overridden with each revision tried) walked by {@code commit-walk} over ten commits; how much
 * each evaluation adds to the store is printed for docs/benchmarks.md.
 */
class FlakeHostIT {

    private static final Pattern WALK = Pattern.compile("(\\d+) evaluations?\\)");

    @TempDir
    Path tmp;

    @Test
    void commitWalkOverTenCommitsOfAFlakeHostEvaluatesEachRevisionTriedAndLeavesNoSourceCopies() throws Exception {
        PackageSet packages = PackageSet.typical();
        for (int i = 0; i < 6; i++) {
            packages = packages.add(Package.of("big" + i, "1.0", 3 * MiB).dependsOn("glibc").withSource(3 * MiB));
        }
        // as CommitWalkIT: on 96 MiB the six big bumps do not fit in one step
        try (SandboxRun run = new SandboxRun(SandboxHost.builder().tmpfs(96), tmp, packages)) {
            for (String name : List.of("big0", "curl", "big1", "big2", "git", "big3", "htop", "big4", "zlib", "big5")) {
                run.target("bump " + name, pkgs -> pkgs.bump(name));
            }
            Path cache = flakeHost(run);
            Set<StorePath> before = sources(run);

            Set<StorePath> copies = planCopies(run, before);
            long bytes = copies.stream().mapToLong(p -> narSize(run, p)).sum();

            Dist.Result r = run.upgrade();
            assertEquals(0, r.code(), r.out() + r.err());
            assertEquals(run.targetEvaluation().toplevel(), run.profileToplevel(),
                    "the flake evaluated the revision tried: the same toplevel as the classic evaluation");
            int evaluations = 0;
            for (var step : run.json(r).path("steps")) {
                Matcher walk = WALK.matcher(step.path("description").asText());
                if (walk.find()) {
                    evaluations += Integer.parseInt(walk.group(1));
                }
            }
            assertTrue(copies.size() >= 2, "each revision evaluated is copied into the store: " + copies);
            Set<StorePath> left = sources(run);
            left.removeAll(before);
            assertEquals(Set.of(), left, "the copies are garbage once the run is over");
            long cacheBytes = Long.parseLong(run.host.run("du", "-sb", cache.toString()).requireOk().text()
                    .split("\\s+")[0]);
            System.out.printf("flake host, commit-walk over 10 commits: plan added %d source copies, %d bytes "
                            + "(%d per copy); the upgrade took %d steps, its walk %d evaluations besides the "
                            + "target's; Nix's git cache %d bytes%n", copies.size(), bytes, bytes / copies.size(),
                    run.json(r).path("steps").size(), evaluations, cacheBytes);
        }
    }

    @Test
    void eachEvaluationCopiesTheRevisionsWholeTreeIntoTheStore() throws Exception {
        try (SandboxRun run = new SandboxRun(64, tmp)) {
            // a real tree of nixpkgs' in every revision: its library (lib/, a few MiB)
            Path lib = NixEval.nixpkgsLib().resolve("lib");
            run.host.run("cp", "-r", lib.toString(), run.scenario.repository().resolve("lib").toString()).requireOk();
            for (String name : List.of("curl", "git", "htop", "zlib", "curl", "git", "htop", "zlib", "curl", "git")) {
                run.target("bump " + name, pkgs -> pkgs.bump(name));
            }
            flakeHost(run);
            Set<StorePath> before = sources(run);

            Set<StorePath> copies = planCopies(run, before);

            long tree = Long.parseLong(run.host.run("du", "-sb", "--exclude=.git", run.scenario.repository().toString())
                    .requireOk().text().split("\\s+")[0]);
            List<Long> sizes = copies.stream().map(p -> narSize(run, p)).filter(n -> n > tree / 2).sorted().toList();
            assertTrue(!sizes.isEmpty(), "a copy as big as the revision's tree: " + copies);
            assertTrue(sizes.get(0) >= tree * 9 / 10, "the whole tree, " + tree + " bytes by du, each time: " + sizes);
            System.out.printf("flake host with nixpkgs' lib/ in each revision (%d bytes by du): plan added %d source "
                    + "copies, the revisions' %s bytes each%n", tree, copies.size(), sizes);
        }
    }

    /**
     * Makes the run's host a flake host: a flake in {@code tmp/etc-nixos} whose nixpkgs input is
     * overridden, named by {@code system.flake: DIR#HOST}; Nix's caches in {@code tmp}.
     *
     * @return Nix's cache folder ({@code XDG_CACHE_HOME})
     */
    private Path flakeHost(SandboxRun run) throws java.io.IOException {
        String host = run.host.name();
        Path flake = Files.createDirectories(tmp.resolve("etc-nixos"));
        Files.writeString(flake.resolve("flake.nix"), "{\n"
                + "  inputs.nixpkgs = { url = \"git+file:///nonexistent\"; flake = false; };\n"
                + "  outputs = { self, nixpkgs }: {\n"
                + "    nixosConfigurations.\"" + host + "\".config.system.build.toplevel =\n"
                + "      (import \"${nixpkgs}/nixos/default.nix\" { }).system;\n"
                + "  };\n}\n");
        Map<String, String> environment = new HashMap<>(run.host.nixEnvironment());
        Path cache = tmp.resolve("nix-cache");
        environment.put("XDG_CACHE_HOME", cache.toString()); // Nix's git cache, away from the machine's
        run.profile(p -> p.strategies("commit-walk").set("system", Map.of("repository",
                run.scenario.repository().toString(), "flake", flake + "#" + host)).nixSetting("environment",
                environment));
        return cache;
    }

    /** {@code inchworm plan}, and the store's source copies it left (the plan collects nothing). */
    private static Set<StorePath> planCopies(SandboxRun run, Set<StorePath> before) throws Exception {
        Dist.Result plan = run.inchworm(Map.of(), "plan", "--profile", run.profile.toString(), "--from",
                run.first.commit());
        assertEquals(0, plan.code(), plan.out() + plan.err());
        Set<StorePath> copies = sources(run);
        copies.removeAll(before);
        return copies;
    }

    /** The store's {@code *-source} paths: what flake evaluation copies (inputs and the flake itself). */
    private static Set<StorePath> sources(SandboxRun run) throws Exception {
        try (var names = Files.list(run.host.storeRoot().resolve("store"))) {
            return names.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-source"))
                    .map(n -> StorePath.of("/nix/store/" + n)).collect(Collectors.toCollection(java.util.HashSet::new));
        }
    }

    private static long narSize(SandboxRun run, StorePath path) {
        return Long.parseLong(run.host.run("nix-store", "--query", "--size", path.path()).requireOk().text().strip());
    }
}
