package dev.inchworm.plugins.shednonvital;

import static dev.inchworm.testkit.Package.KiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.testkit.Package;
import dev.inchworm.testkit.PackageSet;
import dev.inchworm.testkit.SandboxExtension;
import dev.inchworm.testkit.SandboxHost;
import dev.inchworm.testkit.Scenario;
import dev.inchworm.testkit.TinyHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shedding checked against Nix itself: the re-derived system without a unit is exactly what
 * evaluating the configuration without that package gives (same {@code .drv} path, so the
 * same toplevel), on a real store of the test kit.
 */
@ExtendWith(SandboxExtension.class)
class SheddingTest {

    private static PackageSet studio() {
        return PackageSet.typical().add(Package.of("gimp", "2.10", 64 * KiB).dependsOn("glibc"));
    }

    @Test
    void theShedSystemIsTheConfigurationWithoutTheUnit(@TinyHost(mib = 64) SandboxHost host, Scenario scenario) {
        Revision with = scenario.commit("gimp", pkgs -> studio().withLinkedOnly(List.of("gimp")));
        Revision without = scenario.commit("no gimp", pkgs -> studio().remove("gimp"));
        Evaluation full = host.evaluate(scenario, with);
        Evaluation expected = host.evaluate(scenario, without);

        SystemTree tree = tree(host, full.drv());
        assertTrue(tree.unitNames().containsAll(Set.of("gimp", "firefox", "hello")), tree.unitNames().toString());
        Shedding shed = Shedding.of(tree, Set.of("gimp"));

        assertEquals(expected.drv(), shed.drv());
        assertEquals(expected.toplevel(), shed.toplevel());
        assertEquals(Set.of("gimp"), shed.shed().keySet());
        // only system-path links gimp; the toplevel above it follows; etc and the packages stay
        assertEquals(List.of("system-path", "nixos-system-" + host.name() + "-26.05"),
                shed.derivations().stream().map(Derivation::name).toList());
    }

    @Test
    void nothingToShedLeavesTheSystemAsItIs(@TinyHost(mib = 64) SandboxHost host, Scenario scenario) {
        Evaluation full = host.evaluate(scenario, scenario.commit("gimp", pkgs -> studio()));
        Shedding shed = Shedding.of(tree(host, full.drv()), Set.of("texlive"));
        assertEquals(full.drv(), shed.drv());
        assertTrue(shed.derivations().isEmpty());
    }

    @Test
    void aUnitWhosePathEtcWritesAsTextIsRefused(@TinyHost(mib = 64) SandboxHost host, Scenario scenario) {
        Evaluation full = host.evaluate(scenario, scenario.commit("gimp", pkgs -> studio()));
        Refused e = assertThrows(Refused.class, () -> Shedding.of(tree(host, full.drv()), Set.of("gimp")));
        assertTrue(e.getMessage().startsWith("etc writes gimp's path into its variable 'text' as text"), e.getMessage());
    }

    @Test
    void aServiceIsRefused(@TinyHost(mib = 64) SandboxHost host, Scenario scenario) {
        Evaluation full = host.evaluate(scenario, scenario.commit("gimp",
                pkgs -> studio().withLinkedOnly(List.of("gimp")).withServices(List.of("gimp"))));
        Refused e = assertThrows(Refused.class, () -> Shedding.of(tree(host, full.drv()), Set.of("gimp")));
        assertTrue(e.getMessage().startsWith("gimp is a service: the unit file unit-gimp.service runs it"),
                e.getMessage());
    }

    @Test
    void theTargetWithoutTheUnitDiffersFromTheTarget(@TinyHost(mib = 64) SandboxHost host, Scenario scenario) {
        Evaluation full = host.evaluate(scenario, scenario.commit("gimp", pkgs -> studio().withLinkedOnly(List.of("gimp"))));
        Shedding shed = Shedding.of(tree(host, full.drv()), Set.of("gimp"));
        assertNotEquals(full.toplevel(), shed.toplevel());
    }

    /** The tree read straight from the sandbox's store, as {@code Nix.forEachDerivation} would. */
    static SystemTree tree(SandboxHost host, StorePath drv) {
        Map<StorePath, Derivation> derivations = new HashMap<>();
        for (String line : host.run("nix-store", "--query", "--requisites", drv.path()).requireOk().lines()) {
            StorePath path = StorePath.of(line.strip());
            if (path.isDerivation()) {
                try {
                    byte[] bytes = Files.readAllBytes(host.storeRoot().resolve("store").resolve(path.baseName()));
                    derivations.put(path, Derivation.read(path, new String(bytes, StandardCharsets.ISO_8859_1)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return SystemTree.of(drv, derivations);
    }
}
