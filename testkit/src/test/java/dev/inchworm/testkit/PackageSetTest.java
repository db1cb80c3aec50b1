package dev.inchworm.testkit;

import static dev.inchworm.testkit.Package.KiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackageSetTest {

    @Test
    void theTypicalSetIsSmallAndShapedLikeAServer() {
        PackageSet typical = PackageSet.typical();
        assertEquals(10, typical.packages().size());
        long bytes = typical.packages().stream().mapToLong(Package::size).sum();
        assertTrue(bytes > 8 * Package.MiB && bytes < 10 * Package.MiB, "bytes " + bytes);
        assertTrue(typical.kernel().isPresent());
        assertTrue(typical.packages().stream().anyMatch(p -> p.devSize() > 0));
        assertTrue(typical.packages().stream().anyMatch(p -> p.sourceSize() > 0));
        assertTrue(typical.packages().stream().anyMatch(p -> !p.buildDependencies().isEmpty()));
        assertFalse(typical.get("glibc").systemPackage());
    }

    @Test
    void bumpsTheLastNumberOfTheVersion() {
        assertEquals("1.10", Package.of("a", "1.9", 1).nextVersion());
        assertEquals("6.6.21", Package.of("a", "6.6.20", 1).nextVersion());
        assertEquals("2.1a", Package.of("a", "2.0a", 1).nextVersion());
        PackageSet set = PackageSet.typical().bump("htop", 300 * KiB);
        assertEquals("3.3.1", set.get("htop").version());
        assertEquals(300 * KiB, set.get("htop").size());
        assertEquals("3.3.0", PackageSet.typical().get("htop").version(), "sets are immutable");
    }

    @Test
    void changesKeepTheSetConsistent() {
        PackageSet typical = PackageSet.typical();
        IllegalArgumentException used = assertThrows(IllegalArgumentException.class, () -> typical.remove("zlib"));
        assertTrue(used.getMessage().contains("curl"), used.getMessage());
        assertThrows(IllegalArgumentException.class, () -> typical.add("jq", "1.7", 1, "oniguruma"));
        assertThrows(IllegalArgumentException.class, () -> typical.add("htop", "1.0", 1));
        assertThrows(IllegalArgumentException.class, () -> typical.update("glibc", p -> p.dependsOn("git")));
        assertThrows(java.util.NoSuchElementException.class, () -> typical.bump("emacs"));
        assertTrue(typical.remove("firefox").remove("cmake").packages().stream().noneMatch(p -> p.name().equals("cmake")));
    }

    @Test
    void namesAndVersionsAreWhatNixCanSplit() {
        assertThrows(IllegalArgumentException.class, () -> Package.of("nss-3", "1.0", 1));
        assertThrows(IllegalArgumentException.class, () -> Package.of("Firefox", "1.0", 1));
        assertThrows(IllegalArgumentException.class, () -> Package.of("firefox", "v1", 1));
        assertThrows(IllegalArgumentException.class, () -> Package.of("firefox", "1", -1));
        assertEquals("python3-requests-2.31", Package.of("python3-requests", "2.31", 1).fullName());
    }

    @Test
    void dependentsAreTransitiveAndIncludeBuildTimeUsers() {
        PackageSet typical = PackageSet.typical();
        assertEquals(Set.of("curl", "git"), typical.dependents("openssl").stream()
                .filter(n -> !n.equals("firefox")).collect(java.util.stream.Collectors.toSet()));
        assertTrue(typical.dependents("openssl").contains("firefox"));
        assertEquals(Set.of("firefox"), typical.dependents("cmake"));
        assertEquals(Set.of(), typical.dependents("linux"));
        assertEquals(List.of("glibc"), typical.get("htop").dependencies());
    }

    @Test
    void aBrokenPackageCanBeRepaired() {
        PackageSet broken = PackageSet.typical().breakBuild("curl");
        assertTrue(broken.get("curl").broken());
        assertEquals(PackageSet.typical(), broken.repair("curl"));
    }

    @Test
    void aRealClosureScaledDownKeepsItsTotalAndShape() {
        java.util.List<String> closure = PackageSet.applianceClosure();
        long total = closure.stream().filter(l -> l.matches("\\d+\t.*")).mapToLong(l -> Long.parseLong(l.split("\t")[0])).sum();

        PackageSet set = PackageSet.fromClosure(closure, 40, 40);

        assertEquals(42, set.packages().size(), "glibc, the kernel, 39 packages and base-files");
        assertTrue(set.get("glibc").size() > 0 && set.kernel().isPresent());
        long scaled = set.packages().stream().mapToLong(Package::size).sum();
        assertTrue(Math.abs(scaled - total / 40) < 40 * 4 * Package.KiB, scaled + " vs " + total / 40);
        assertTrue(set.packages().stream().filter(p -> !p.name().equals("glibc") && !p.name().equals(PackageSet.KERNEL))
                .allMatch(p -> p.dependencies().contains("glibc")));
        assertEquals(set.packages().size(), set.packages().stream().map(Package::name).distinct().count());
    }
}
