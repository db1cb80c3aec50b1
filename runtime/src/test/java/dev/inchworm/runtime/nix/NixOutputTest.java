package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.DryRun;
import dev.inchworm.api.nix.GcResult;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NixOutputTest {

    private static final StorePath LIB_DRV = new StorePath("/nix/store/qhdn6m2pybv2jnfbj7zd37ghk1qdlc9l-lib-1.drv");
    private static final StorePath APP_DRV = new StorePath("/nix/store/a2s7rylazw3v1xajd1ldjwwn8wgdlba7-app.drv");
    private static final StorePath LIB = new StorePath("/nix/store/gcn0xw9pylk4yr6zhlfxrw3q5q65c47k-lib-1");
    private static final StorePath APP = new StorePath("/nix/store/rbf62mp8nkhfxc157k9m2kpqjmqgb035-app");

    @Test
    void dryRunListsDerivationsToBuild() {
        DryRun several = NixOutput.dryRun(Captured.lines("dry-run-2.8-several.stderr"));
        DryRun one = NixOutput.dryRun(Captured.lines("dry-run-2.8-one.stderr"));

        assertEquals(List.of(LIB_DRV, APP_DRV), several.toBuild());
        assertTrue(several.toFetch().isEmpty());
        assertTrue(several.downloadBytes().isEmpty());
        assertEquals(List.of(new StorePath("/nix/store/m3bf0qz25bm693jyc2cdib6xvygphbbd-multi.drv")), one.toBuild());
    }

    @Test
    void dryRunOfABuiltDerivationHasNothingToDo() {
        assertTrue(NixOutput.dryRun(Captured.lines("dry-run-2.8-nothing.stderr")).nothingToDo());
    }

    @Test
    void dryRunReadsFetchSizesInMiB() {
        DryRun dry = NixOutput.dryRun(Captured.lines("dry-run-2.8-fetch.stderr"));

        assertEquals(2, dry.toBuild().size());
        assertEquals(3, dry.toFetch().size());
        assertEquals(Math.round(0.03 * (1 << 20)), dry.downloadBytes().getAsLong());
        assertEquals(Math.round(0.13 * (1 << 20)), dry.unpackedBytes().getAsLong());
    }

    @Test
    void dryRunReadsTheAutoUnitOfNewerNix() {
        DryRun dry = NixOutput.dryRun(Captured.lines("dry-run-2.33-fetch.stderr"));

        assertEquals(List.of(APP_DRV), dry.toBuild());
        assertEquals(2, dry.toFetch().size());
        assertEquals(Math.round(11.6 * (1L << 30)), dry.downloadBytes().getAsLong());
        assertEquals(Math.round(40.1 * (1L << 30)), dry.unpackedBytes().getAsLong());
    }

    @Test
    void gcSummaryGivesPathsAndBytes() {
        assertEquals(new GcResult(6, 0), NixOutput.gcSummary(Captured.text("gc-2.8.stdout")));
        assertEquals(new GcResult(3, Math.round(55.74 * (1 << 20))),
                NixOutput.gcSummary("3 store paths deleted, 55.74 MiB freed\n"));
        assertEquals(new GcResult(1, Math.round(1.5 * (1L << 30))),
                NixOutput.gcSummary("1 store path deleted, 1.5 GiB freed"));
        assertThrows(IllegalArgumentException.class, () -> NixOutput.gcSummary("finding garbage collector roots..."));
    }

    @Test
    void generationsAreReadWithCurrentMarked() {
        List<NixOutput.ListedGeneration> generations =
                NixOutput.generations(Captured.text("list-generations-2.8.stdout"), ZoneOffset.UTC);

        assertEquals(List.of(1, 2, 3), generations.stream().map(NixOutput.ListedGeneration::number).toList());
        assertEquals(List.of(false, false, true), generations.stream().map(NixOutput.ListedGeneration::current).toList());
        assertEquals(LocalDateTime.of(2026, 11, 25, 17, 55, 9).toInstant(ZoneOffset.UTC), generations.get(2).created());
    }

    @Test
    void generationLineInAnotherFormatIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NixOutput.generations("   1   yesterday   (current)\n", ZoneOffset.UTC));
        assertTrue(e.getMessage().contains("yesterday"), e.getMessage());
    }

    @Test
    void pathInfoReadsTheArrayLayoutAndDropsInvalidPaths() {
        List<PathInfo> infos = NixOutput.pathInfo(Captured.text("path-info-2.8.json"));

        assertPathInfos(infos);
    }

    @Test
    void pathInfoReadsTheObjectLayoutOfNix219() {
        assertPathInfos(NixOutput.pathInfo(Captured.text("path-info-2.19.json")));
    }

    @Test
    void pathInfoAcceptsBaseNames() {
        List<PathInfo> infos = NixOutput.pathInfo("{\"rbf62mp8nkhfxc157k9m2kpqjmqgb035-app\":{\"narSize\":5,"
                + "\"references\":[\"gcn0xw9pylk4yr6zhlfxrw3q5q65c47k-lib-1\"],\"deriver\":null}}");

        assertEquals(List.of(new PathInfo(APP, 5, List.of(LIB), Optional.empty())), infos);
    }

    private static void assertPathInfos(List<PathInfo> infos) {
        assertEquals(2, infos.size());
        PathInfo lib = infos.stream().filter(i -> i.path().equals(LIB)).findFirst().orElseThrow();
        PathInfo app = infos.stream().filter(i -> i.path().equals(APP)).findFirst().orElseThrow();
        assertEquals(100280, lib.narSize());
        assertEquals(List.of(), lib.references());
        assertEquals(Optional.of(LIB_DRV), lib.deriver());
        assertEquals(50688, app.narSize());
        assertEquals(List.of(LIB), app.references());
    }

    @Test
    void closureSizeFromBothLayouts() {
        assertEquals(150968, NixOutput.closureSize(Captured.text("path-info-closure-2.8.json")));
        assertEquals(150968, NixOutput.closureSize(Captured.text("path-info-closure-2.19.json")));
        assertThrows(IllegalArgumentException.class, () -> NixOutput.closureSize("[]"));
    }

    @Test
    void storePathsOnePerLine() {
        List<StorePath> dead = NixOutput.storePaths(Captured.text("print-dead-2.8.stdout"));

        assertEquals(6, dead.size());
        assertTrue(dead.contains(new StorePath("/nix/store/06f0s052vg4qrg3gcg3mkcy9vf0acdsm-fail.lock")));
        assertThrows(IllegalArgumentException.class, () -> NixOutput.storePaths("/tmp/not-a-store-path\n"));
    }

    @Test
    void sizesAndVersions() {
        assertEquals(50688, NixOutput.size("50688\n"));
        assertThrows(IllegalArgumentException.class, () -> NixOutput.size("error: path is not valid"));
        assertEquals("2.8.0", NixOutput.version("nix-env (Nix) 2.8.0\n").text());
        assertEquals(0, NixOutput.bytes("512", "bytes") - 512);
        assertEquals(1536, NixOutput.bytes("1.5", "KiB"));
    }

    @Test
    void evaluatedStringIsAQuotedStorePath() {
        assertEquals(APP_DRV, NixOutput.evaluatedString("\"" + APP_DRV + "\"\n"));
        assertThrows(IllegalArgumentException.class, () -> NixOutput.evaluatedString(APP_DRV.path()));
        assertFalse(NixOutput.abbreviate("x".repeat(1000)).length() > 310);
    }
}
