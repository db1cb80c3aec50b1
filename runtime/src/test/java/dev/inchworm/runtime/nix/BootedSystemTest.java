package dev.inchworm.runtime.nix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inchworm.api.nix.BootEntryFile;
import dev.inchworm.api.nix.BootFile;
import dev.inchworm.api.nix.NixOutputException;
import dev.inchworm.api.nix.StorePath;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BootedSystemTest {

    private static final String TOP = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nixos-system-vps-1-26.11";

    @Test
    void aLinkThatDiffersNeedsARebootAndOneMissingOnBothSidesDoesNot() {
        String out = "kernel\t/nix/store/k1-linux/bzImage\t/nix/store/k2-linux/bzImage\n"
                + "initrd\t/nix/store/i1/initrd\t/nix/store/i1/initrd\n"
                + "kernel-modules\t\t\n";
        assertEquals(EnumSet.of(BootFile.KERNEL), BootedSystem.parse(out));
        assertEquals(Set.of(), BootedSystem.parse(""), "no booted system: nothing claimed");
        assertEquals(EnumSet.of(BootFile.KERNEL_MODULES), BootedSystem.parse("kernel-modules\t/nix/store/m1\t\n"));
    }

    @Test
    void entryFilesAreReadWithTheirTargetsAndSizes() {
        List<BootEntryFile> files = BootedSystem.parseEntryFiles(TOP + "\tkernel\t/nix/store/k1-linux/bzImage\t1572864\n"
                + TOP + "\tinitrd\t/nix/store/i1-initrd/initrd\t65536\n");
        assertEquals(List.of(new BootEntryFile(StorePath.of(TOP), BootFile.KERNEL, "/nix/store/k1-linux/bzImage", 1572864),
                new BootEntryFile(StorePath.of(TOP), BootFile.INITRD, "/nix/store/i1-initrd/initrd", 65536)), files);
        assertThrows(NixOutputException.class, () -> BootedSystem.parseEntryFiles(TOP + "\tkernel\t\t12\n"));
        assertThrows(NixOutputException.class, () -> BootedSystem.parseEntryFiles(TOP + "\tkernel\t/x\tlots\n"));
        assertThrows(NixOutputException.class, () -> BootedSystem.parse("kernel\tonly two\n"));
    }
}
