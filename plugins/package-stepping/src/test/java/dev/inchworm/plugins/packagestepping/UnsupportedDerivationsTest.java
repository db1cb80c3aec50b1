package dev.inchworm.plugins.packagestepping;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.api.nix.derivation.DerivationOutput;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Content-addressed, impure and dynamic derivations are refused, each named. */
class UnsupportedDerivationsTest {

    private static Derivation drv(String name, DerivationOutput out) {
        return new Derivation(name, new TreeMap<>(Map.of("out", out)), new TreeMap<>(), new TreeSet<>(),
                "x86_64-linux", "/bin/sh", List.of(), new TreeMap<>(Map.of("name", name)));
    }

    private static StorePath path(String name) {
        return new StorePath("/nix/store/" + "1".repeat(31) + name.length() % 10 + "-" + name + ".drv");
    }

    @Test
    void inputAddressedAndFixedOutputDerivationsPass() {
        UpgradeAnalysis.refuseUnsupported(Map.of(
                path("hello-2.12"), drv("hello-2.12", DerivationOutput.inputAddressed(new StorePath("/nix/store/" + "2".repeat(32) + "-hello-2.12"))),
                path("src.tar"), drv("src.tar", new DerivationOutput("/nix/store/" + "3".repeat(32) + "-src.tar", "sha256", "ab".repeat(32)))));
    }

    @Test
    void contentAddressedImpureAndDynamicAreRefusedByName() {
        Map<StorePath, Derivation> derivations = Map.of(
                path("ca-thing"), drv("ca-thing", new DerivationOutput("", "r:sha256", "")),
                path("impure-thing"), drv("impure-thing", new DerivationOutput("", "r:sha256", "impure")),
                path("dyn"), drv("dyn", new DerivationOutput("", "text:sha256", "")));

        Refused refused = assertThrows(Refused.class, () -> UpgradeAnalysis.refuseUnsupported(derivations));

        String message = refused.getMessage();
        assertTrue(message.contains("ca-thing.drv (content-addressed)"), message);
        assertTrue(message.contains("impure-thing.drv (impure)"), message);
        assertTrue(message.contains("dyn.drv"), message);
        assertTrue(message.contains("input-addressed and fixed-output derivations only"), message);
    }
}
