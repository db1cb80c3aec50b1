package dev.inchworm.testkit;

import static dev.inchworm.testkit.Package.KiB;
import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scenarios evaluated and built by real Nix in a sandbox host. */
class ScenarioTest {

    private SandboxHost host;
    private Scenario scenario;
    private Revision first;

    @BeforeEach
    void setUp() {
        host = SandboxHost.builder().tmpfs(64).name("vps-1").build();
        scenario = Scenario.forHost(host);
        first = scenario.commit("initial", pkgs -> PackageSet.typical());
    }

    @AfterEach
    void tearDown() {
        host.close();
    }

    @Test
    void installsTheInitialGenerationInTheSandboxOnly() {
        Evaluation installed = host.install(scenario, first);

        assertTrue(installed.toplevel().name().startsWith("nixos-system-vps-1-26.05"), installed.toplevel().name());
        assertEquals(installed.toplevel(), host.systemProfile().orElseThrow());
        assertEquals(installed.toplevel(), host.currentSystem().orElseThrow());
        assertEquals(installed.toplevel(), host.bootedSystem().orElseThrow());
        assertEquals(List.of(new Activation("switch", installed.toplevel())), host.activations());
        assertTrue(host.exists(installed.toplevel()));
        assertFalse(Files.exists(Path.of(installed.toplevel().path())), "built into the machine's /nix");
        assertTrue(host.usedBytes() > 9 * MiB, "used " + host.usedBytes());
        // the toplevel is shaped like NixOS's
        Path toplevel = host.storeRoot().resolve("store").resolve(installed.toplevel().baseName());
        for (String entry : List.of("sw", "etc", "kernel", "initrd", "nixos-version", "bin/switch-to-configuration")) {
            assertTrue(Files.exists(toplevel.resolve(entry)) || Files.isSymbolicLink(toplevel.resolve(entry)), entry);
        }
        assertTrue(host.run("sh", "-c", installed.toplevel() + "/sw/bin/firefox").requireOk().text()
                .equals("firefox-123.0"));
    }

    @Test
    void switchToConfigurationRecordsEachActionAndFailsOnDemand() {
        Evaluation installed = host.install(scenario, first);
        String script = installed.toplevel() + "/bin/switch-to-configuration";

        host.run(script, "boot").requireOk();
        host.failActivations(true);
        Outcome failed = host.run(script, "switch");
        assertEquals(1, failed.exitCode());
        assertTrue(failed.stderr().contains("switch-fail"), failed.stderr());
        host.failActivations(false);
        host.run(script, "test").requireOk();

        assertEquals(1, host.run(script, "bogus").exitCode());
        assertEquals(List.of("switch", "boot", "test"), host.activations().stream().map(Activation::action).toList());
    }

    @Test
    void revisionsEvaluateToDifferentToplevelsThatBuild() {
        Revision bumped = scenario.commit("firefox 124", pkgs -> pkgs.bump("firefox", 3 * MiB));
        Revision added = scenario.commit("add jq", pkgs -> pkgs.add("jq", "1.7.1", 200 * KiB, "glibc"));
        Revision removed = scenario.commit("drop htop", pkgs -> pkgs.remove("htop"));
        Revision unrelated = scenario.commit("docs only", pkgs -> pkgs);

        Set<StorePath> toplevels = new HashSet<>();
        for (Revision revision : List.of(first, bumped, added, removed)) {
            Evaluation evaluation = host.evaluate(scenario, revision);
            toplevels.add(evaluation.toplevel());
            host.realise(evaluation.drv()).requireOk();
            assertTrue(host.exists(evaluation.toplevel()));
        }
        assertEquals(4, toplevels.size());
        assertEquals(host.evaluate(scenario, removed), withRevision(host.evaluate(scenario, unrelated), removed));
        assertEquals("123.1", scenario.packagesAt(bumped).get("firefox").version());
        assertEquals(5, scenario.revisions().size());
    }

    @Test
    void aMassRebuildChangesEveryDependentsDerivation() {
        Revision glibc = scenario.commit("glibc 2.40", pkgs -> pkgs.bump("glibc"));
        Map<String, StorePath> before = packageDrvs(first);
        Map<String, StorePath> after = packageDrvs(glibc);

        Set<String> dependents = scenario.packages().dependents("glibc");
        assertEquals(Set.of("zlib", "openssl", "cmake", "curl", "git", "htop", "hello", "firefox"), dependents);
        for (String name : dependents) {
            assertNotEquals(before.get(name), after.get(name), name);
        }
        assertEquals(before.get("linux"), after.get("linux"), "the kernel does not depend on glibc");
    }

    @Test
    void multiOutputAndFixedOutputPackagesBuild() {
        Path checkout = scenario.checkout(first);
        String expression = checkout.resolve(Scenario.EXPRESSION).toString();
        List<String> openssl = host.run("nix-build", expression, "-A", "pkgs.openssl.all", "--no-out-link")
                .requireOk().lines();
        assertEquals(2, openssl.size(), openssl.toString());
        assertTrue(openssl.stream().anyMatch(p -> p.endsWith("-openssl-3.0.13-dev")), openssl.toString());

        String source = host.run("nix-build", expression, "-A", "pkgs.hello.source", "--no-out-link").requireOk().text();
        assertTrue(source.endsWith("-hello-2.12.1.tar"), source);
        String sha = host.run("sha256sum", source).requireOk().text().split(" ")[0];
        assertEquals(Scenario.sourceSha256(scenario.packages().get("hello")), sha);
        assertEquals("16384", host.run("stat", "-c", "%s", source).requireOk().text());

        // build-time-only inputs are not references of the output
        String firefox = host.run("nix-build", expression, "-A", "pkgs.firefox", "--no-out-link").requireOk().text();
        Set<String> references = Set.copyOf(host.run("nix-store", "-q", "--references", firefox).requireOk().lines());
        assertTrue(references.stream().anyMatch(r -> r.endsWith("-glibc-2.39")), references.toString());
        assertFalse(references.stream().anyMatch(r -> r.contains("-cmake-")), references.toString());
    }

    @Test
    void aBrokenRevisionFailsToBuild() {
        Revision broken = scenario.commit("break curl", pkgs -> pkgs.breakBuild("curl"));
        Evaluation evaluation = host.evaluate(scenario, broken);
        Outcome build = host.realise(evaluation.drv());
        assertEquals(100, build.exitCode(), build.stderr());
        assertTrue(build.stderr().contains("curl-8.6.0: this build is broken on purpose"), build.stderr());

        Revision repaired = scenario.commit("fix curl", pkgs -> pkgs.repair("curl"));
        host.realise(host.evaluate(scenario, repaired).drv()).requireOk();
    }

    @Test
    void aKernelBumpChangesKernelAndInitrd() {
        Revision kernel = scenario.commit("linux 6.6.21", pkgs -> pkgs.bump("linux"));
        Evaluation before = host.evaluate(scenario, first);
        Evaluation after = host.evaluate(scenario, kernel);
        String initrd = host.run("nix-instantiate", scenario.expression(kernel).toString(), "-A", "initrd").requireOk().text();
        assertTrue(initrd.endsWith("-initrd-linux-6.6.21.drv"), initrd);
        assertNotEquals(before.toplevel(), after.toplevel());
        host.realise(after.drv()).requireOk();
        Path toplevel = host.storeRoot().resolve("store").resolve(after.toplevel().baseName());
        assertTrue(host.run("readlink", after.toplevel() + "/kernel").requireOk().text().contains("-linux-6.6.21/"));
        assertTrue(Files.isSymbolicLink(toplevel.resolve("initrd")));
    }

    @Test
    void aBuildBiggerThanTheDiskRunsOutOfSpaceInsideTheSandboxOnly() {
        host.install(scenario, first);
        Revision big = scenario.commit("add a big package", pkgs -> pkgs.add("bigpackage", "1.0", 64 * MiB, "glibc"));
        Evaluation evaluation = host.evaluate(scenario, big);
        Outcome build = host.realise(evaluation.drv());
        assertEquals(1, build.exitCode(), build.stderr());
        assertTrue(build.stderr().contains("No space left on device"), build.stderr());
        String bigPath = host.run("nix-instantiate", scenario.expression(big).toString(), "-A", "pkgs.bigpackage")
                .requireOk().text();
        String output = host.run("nix-store", "-q", "--outputs", bigPath).requireOk().text();
        assertFalse(Files.exists(Path.of(output)), "the machine's /nix got the build");
        assertTrue(host.freeBytes() > 0, "Nix removes the partial output");
    }

    @Test
    void packageSizesAreWhatWasAsked() {
        host.install(scenario, first);
        Path checkout = scenario.checkout(first);
        String git = host.run("nix-build", checkout.resolve(Scenario.EXPRESSION).toString(), "-A", "pkgs.git",
                "--no-out-link").requireOk().text();
        long nar = Long.parseLong(host.run("nix-store", "-q", "--size", git).requireOk().text());
        assertTrue(nar >= 1536 * KiB && nar < 1536 * KiB + 4 * KiB, "NAR size " + nar);
    }

    private Map<String, StorePath> packageDrvs(Revision revision) {
        String expression = scenario.checkout(revision).resolve(Scenario.EXPRESSION).toString();
        return scenario.packagesAt(revision).packages().stream().collect(Collectors.toMap(Package::name,
                p -> StorePath.of(host.run("nix-instantiate", expression, "-A", "pkgs." + p.name())
                        .requireOk().text())));
    }

    private static Evaluation withRevision(Evaluation evaluation, Revision revision) {
        return new Evaluation(revision, evaluation.drv(), evaluation.toplevel());
    }
}
