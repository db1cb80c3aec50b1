package dev.inchworm.plugins.packagestepping.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.plugins.packagestepping.Sandbox;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.plugins.packagestepping.derivation.DerivationAdd;
import dev.inchworm.plugins.packagestepping.derivation.DerivationSource;
import dev.inchworm.plugins.packagestepping.masking.PackageSet.Revision;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key correctness check: masking the target's derivation tree gives, byte for byte, the
 * toplevel that real Nix evaluates from the new revision with the masked packages taken from
 * the old revision; and Nix registers and builds what Java derived.
 */
class MaskingAgainstOverlayTest {

    static Sandbox sandbox;
    static PackageSet set;
    static int additions;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(128);
        set = new PackageSet(sandbox);
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    static Revision twoLeaves() {
        return Revision.base().bump("leaf1", "1.1").bump("leaf2", "2.1");
    }

    @Test
    void twoBumpedLeavesMatchOverlaysAndTheResultRegistersAndBuilds() throws IOException {
        Map<String, StorePath> tops = set.instantiate(Revision.base(), twoLeaves(), Map.of());
        Masking masking = new Masking(sandbox.derivations(), tops.get("new"), tops.get("old"));

        assertEquals(Set.of("leaf1", "leaf2"), masking.units().changed().keySet());
        assertTrue(masking.units().added().isEmpty() && masking.units().removed().isEmpty());
        assertEquals(Set.of("nixos-system-test", "system-path", "etc", "appA.service"),
                masking.target().aggregators().stream().map(Derivation::nameOf).collect(Collectors.toSet()));
        assertEquals(Optional.of("1.0"), masking.units().get("leaf1").orElseThrow().oldVersion());
        assertEquals(Optional.of("1.1"), masking.units().get("leaf1").orElseThrow().newVersion());

        // Identity: everything upgraded is exactly the target, with nothing to add.
        MaskedSystem all = masking.mask(Set.of("leaf1", "leaf2"));
        assertEquals(tops.get("new"), all.toplevel());
        assertTrue(all.derivations().isEmpty());

        // Java's derivations go into the store first: Nix registers them where Java said.
        MaskedSystem leaf1Only = masking.mask(Set.of("leaf1"));
        assertEquals(Set.of("leaf2"), leaf1Only.masked());
        assertEquals(leaf1Only.derivations().stream().map(MaskedSystem.NewDerivation::path).toList(),
                add(leaf1Only.newDerivations()));

        Map<String, StorePath> overlays = set.instantiate(Revision.base(), twoLeaves(), Map.of(
                "keepLeaf2", List.of("leaf2"), "keepLeaf1", List.of("leaf1"), "keepBoth", List.of("leaf1", "leaf2")));
        assertSameAsOverlay(leaf1Only, overlays.get("keepLeaf2"));
        assertSameAsOverlay(masking.mask(Set.of("leaf2")), overlays.get("keepLeaf1"));
        MaskedSystem none = masking.mask(Set.of());
        assertSameAsOverlay(none, overlays.get("keepBoth"));
        // The aggregators did not change between revisions: masking everything is the old system.
        assertEquals(tops.get("old"), none.toplevel());

        // The intermediate system builds like any other, to the output Java computed.
        String built = sandbox.check("nix-store", "--realise", leaf1Only.toplevel().path()).stdout().strip();
        assertEquals(leaf1Only.outputs().get("out").path(), built);
        // Links are absolute: follow them inside the sandbox's store, not the machine's.
        StorePath systemPath = StorePath.of(Files.readSymbolicLink(inStore(built + "/sw")).toString());
        assertTrue(Files.readSymbolicLink(inStore(systemPath + "/bin/leaf1")).toString().contains("-leaf1-1.1/"));
        assertTrue(Files.readSymbolicLink(inStore(systemPath + "/bin/leaf2")).toString().contains("-leaf2-2.0/"));
    }

    @Test
    void massRebuildStepsUnitByUnit() {
        Revision neu = Revision.base().bump("libfoo", "1.1");
        Map<String, StorePath> tops = set.instantiate(Revision.base(), neu, Map.of(
                "onlyAppA", List.of("libfoo", "appB"),
                "onlyLib", List.of("appA", "appB"),
                "apps", List.of("libfoo")));
        Masking masking = new Masking(sandbox.derivations(), tops.get("new"), tops.get("old"));
        // A new library changes every dependent, though their versions stay.
        assertEquals(Set.of("appA", "appB", "libfoo"), masking.units().changed().keySet());
        Unit appA = masking.units().get("appA").orElseThrow();
        assertEquals(appA.oldVersion(), appA.newVersion());

        assertSameAsOverlay(masking.mask(Set.of("appA")), tops.get("onlyAppA"));
        assertSameAsOverlay(masking.mask(Set.of("libfoo")), tops.get("onlyLib"));
        assertSameAsOverlay(masking.mask(Set.of("appA", "appB")), tops.get("apps"));
        assertEquals(tops.get("new"), masking.mask(Set.of("appA", "appB", "libfoo")).toplevel());
    }

    @Test
    void multiOutputUnitMapsItsOutputsByName() {
        Revision neu = Revision.base().bump("tool", "2.0");
        Map<String, StorePath> tops = set.instantiate(Revision.base(), neu, Map.of("keepTool", List.of("tool")));
        Masking masking = new Masking(sandbox.derivations(), tops.get("new"), tops.get("old"));
        MaskedSystem masked = masking.mask(Set.of());
        assertEquals(Set.of("tool"), masked.masked());
        assertSameAsOverlay(masked, tops.get("keepTool"));
        // system-path uses tool's bin and out, etc its man: all three now point at tool-1.0.
        StorePath oldTool = masking.units().get("tool").orElseThrow().oldDrv().orElseThrow();
        Derivation systemPath = masked.newDerivations().stream()
                .filter(d -> d.name().equals("system-path")).findFirst().orElseThrow();
        assertEquals(Set.of("bin", "out"), systemPath.inputDrvs().get(oldTool));
    }

    @Test
    void unitWhoseNewOutputIsUsedCannotBeMasked() {
        Revision neu = Revision.base().bump("tool", "2.0").withToolOutputs(List.of("out", "bin", "man", "doc"));
        Map<String, StorePath> tops = set.instantiate(Revision.base(), neu, Map.of());
        Masking masking = new Masking(sandbox.derivations(), tops.get("new"), tops.get("old"));
        assertTrue(masking.unmaskable().get("tool").contains("[doc]"), masking.unmaskable().toString());
        MaskedSystem masked = masking.mask(Set.of());
        assertTrue(masked.upgraded().contains("tool"));
        assertEquals(tops.get("new"), masked.toplevel());
    }

    @Test
    void addedUnitIsAlwaysInAndRemovedUnitIsGone() {
        List<String> names = new ArrayList<>(Revision.base().names());
        names.remove("oldpkg");
        names.add("newpkg");
        Revision neu = Revision.base().bump("leaf3", "3.1").withNames(names);
        Map<String, StorePath> tops = set.instantiate(Revision.base(), neu, Map.of("keepLeaf3", List.of("leaf3")));
        Masking masking = new Masking(sandbox.derivations(), tops.get("new"), tops.get("old"));
        assertEquals(Set.of("newpkg"), masking.units().added().keySet());
        assertEquals(Set.of("oldpkg"), masking.units().removed().keySet());
        assertEquals(Set.of("leaf3"), masking.units().changed().keySet());

        MaskedSystem masked = masking.mask(Set.of());
        assertTrue(masked.upgraded().contains("newpkg"));
        assertFalse(masked.upgraded().contains("oldpkg"));
        assertSameAsOverlay(masked, tops.get("keepLeaf3"));
        // Naming a removed unit is harmless; naming no unit is an error that lists the units.
        assertEquals(masked.toplevel(), masking.mask(Set.of("oldpkg")).toplevel());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> masking.mask(Set.of("nosuch")));
        assertTrue(e.getMessage().contains("nosuch") && e.getMessage().contains("leaf3"), e.getMessage());
    }

    @Test
    void goneOldDerivationIsReplacedByItsOutputsAndNixAcceptsTheResult() {
        Map<String, StorePath> tops = set.instantiate(Revision.base(), twoLeaves(), Map.of("keepLeaf1", List.of("leaf1")));
        DerivationSource store = sandbox.derivations();
        StorePath goneDrv = new Masking(store, tops.get("new"), tops.get("old"))
                .units().get("leaf1").orElseThrow().oldDrv().orElseThrow();
        SortedMap<String, StorePath> goneOutputs = store.outputs(goneDrv);
        // The old leaf1 is installed (built), but its .drv reads as collected.
        sandbox.check("nix-store", "--realise", goneDrv.path());
        DerivationSource withoutIt = new DerivationSource() {
            @Override
            public Optional<Derivation> read(StorePath drv) {
                return drv.equals(goneDrv) ? Optional.empty() : store.read(drv);
            }

            @Override
            public SortedMap<String, StorePath> outputs(StorePath drv) {
                return drv.equals(goneDrv) ? goneOutputs : store.outputs(drv);
            }
        };
        Masking masking = new Masking(withoutIt, tops.get("new"), tops.get("old"));
        MaskedSystem masked = masking.mask(Set.of("leaf2"));
        assertEquals(Set.of("leaf1"), masked.masked());
        // Not what evaluation gives (inputs differ), but a sound derivation.
        assertNotEquals(tops.get("keepLeaf1"), masked.toplevel());
        for (MaskedSystem.NewDerivation d : masked.derivations()) {
            assertEquals(d.derivation(), Derivation.read(d.path(), d.aterm()));
            assertFalse(d.derivation().inputDrvs().containsKey(goneDrv));
        }
        Derivation systemPath = masked.newDerivations().stream()
                .filter(d -> d.name().equals("system-path")).findFirst().orElseThrow();
        assertTrue(systemPath.inputSrcs().contains(goneOutputs.get("out")), systemPath.inputSrcs().toString());
        assertTrue(systemPath.env().get("paths").contains(goneOutputs.get("out").path()));

        // Nix registers the derivations at Java's paths (it re-checks the outputs) and builds them.
        assertEquals(masked.derivations().stream().map(MaskedSystem.NewDerivation::path).toList(),
                add(masked.newDerivations()));
        assertEquals(masked.derivations().get(masked.derivations().size() - 1).aterm(),
                sandbox.read(masked.toplevel()).orElseThrow());
        String built = sandbox.check("nix-store", "--realise", masked.toplevel().path()).stdout().strip();
        assertEquals(masked.outputs().get("out").path(), built);
    }

    /** Same toplevel path, and every re-derived file byte-identical to what evaluation wrote. */
    static void assertSameAsOverlay(MaskedSystem masked, StorePath overlay) {
        assertEquals(overlay, masked.toplevel());
        assertFalse(masked.derivations().isEmpty());
        for (MaskedSystem.NewDerivation d : masked.derivations()) {
            assertEquals(Optional.of(d.aterm()), sandbox.read(d.path()), "ATerm of " + d.path());
        }
        // Inputs first: the toplevel is the last derivation to add.
        assertEquals(overlay, masked.derivations().get(masked.derivations().size() - 1).path());
    }

    static java.nio.file.Path inStore(String path) {
        return sandbox.store().resolve(path.substring(StorePath.STORE_DIR.length() + 1));
    }

    /** Adds derivations through builtins.toFile, returning the paths Nix registered. */
    static List<StorePath> add(List<Derivation> derivations) {
        String file = sandbox.write("add-" + (++additions) + ".nix",
                DerivationAdd.bytes(DerivationAdd.expression(derivations))).toString();
        return DerivationAdd.parseResult(sandbox.run(DerivationAdd.command(file)).check().stdout());
    }
}
