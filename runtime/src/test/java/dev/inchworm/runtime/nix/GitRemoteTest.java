package dev.inchworm.runtime.nix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.Revision;
import dev.inchworm.runtime.config.SystemConfig;
import dev.inchworm.runtime.exec.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A remote system source with real git: shallow first fetch, new commits, deepening, refusals. */
class GitRemoteTest {

    @TempDir
    Path tmp;

    private final List<String> commits = new ArrayList<>();

    @Test
    void fetchesShallowThenTheNewCommitsAndDeepensOnlyAsFarAsNeeded() throws Exception {
        Path bare = upstream(5);
        Path clone = tmp.resolve("clone");
        GitSource source = source(clone, bare.toString(), 2);
        source.fetch();
        assertEquals("true", git(clone, "rev-parse", "--is-shallow-repository"));
        assertEquals(2, git(clone, "rev-list", GitRemote.REF_PREFIX + "main").lines().count());
        assertEquals(new Revision(commits.get(4)), source.resolve(source.defaultTarget()));

        commit("c6");
        push(bare);
        source.fetch();
        assertEquals(new Revision(commits.get(5)), source.resolve(source.defaultTarget()));
        assertEquals(3, git(clone, "rev-list", GitRemote.REF_PREFIX + "main").lines().count(),
                "a later fetch brings the new commit and keeps the boundary");

        Revision second = source.resolve(commits.get(1).substring(0, 7)); // deepens to find it
        assertEquals(List.of(commits.get(2), commits.get(3), commits.get(4), commits.get(5)),
                source.firstParentCommits(second, new Revision(commits.get(5))).stream().map(Revision::commit).toList());
        assertThrows(IllegalArgumentException.class, () -> source.resolve("0000000"));
    }

    @Test
    void anUnreachableRemoteAndARewrittenBranchAreClearErrors() throws Exception {
        Path bare = upstream(2);
        Path clone = tmp.resolve("clone");
        SourceFetchException gone = assertThrows(SourceFetchException.class,
                () -> source(clone, tmp.resolve("gone.git").toString(), 5).fetch());
        assertTrue(gone.getMessage().contains("cannot fetch branch 'main'") && gone.getMessage().contains("gone.git"),
                gone.getMessage());

        GitSource source = source(clone, bare.toString(), 5);
        source.fetch();
        git(tmp.resolve("work"), "reset", "-q", "--hard", "HEAD~1");
        commit("rewritten");
        git(tmp.resolve("work"), "push", "-q", "--force", bare.toString(), "main:main");
        SourceFetchException rewritten = assertThrows(SourceFetchException.class, source::fetch);
        assertTrue(rewritten.getMessage().contains("history was rewritten"), rewritten.getMessage());
        assertEquals(new Revision(commits.get(1)), source.resolve(source.defaultTarget()), "the fetched tip is kept");
    }

    @Test
    void theCommitANixosVersionNames() {
        assertEquals(Optional.of("abcdef1"), GitSource.versionCommit("24.05.20240601.abcdef1"));
        assertEquals(Optional.empty(), GitSource.versionCommit("24.05"));
        assertEquals(Optional.empty(), GitSource.versionCommit("24.05pre-git"));
        assertEquals(Optional.empty(), GitSource.versionCommit("abcdef1"));
    }

    private GitSource source(Path clone, String url, int depth) {
        SystemConfig system = new SystemConfig(clone, "nixos/default.nix", "system", Map.of(), false,
                Optional.empty(), Optional.of(url), "main", depth, Optional.empty());
        return new GitSource(ProcessRunner.local(tmp.resolve("logs")), system,
                new dev.inchworm.runtime.config.NixConfig(Path.of("/nix/var/nix/profiles/system"), Map.of(), Map.of(),
                        List.of()), tmp.resolve("state"));
    }

    private Path upstream(int n) throws Exception {
        Path work = tmp.resolve("work");
        Files.createDirectories(work);
        git(work, "init", "-q", "-b", "main");
        for (int i = 1; i <= n; i++) {
            commit("c" + i);
        }
        Path bare = tmp.resolve("upstream.git");
        git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
        push(bare);
        return bare;
    }

    private void commit(String message) throws Exception {
        Path work = tmp.resolve("work");
        Files.writeString(work.resolve("f"), message);
        git(work, "add", "f");
        git(work, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", message);
        commits.add(git(work, "rev-parse", "HEAD"));
    }

    private void push(Path bare) throws Exception {
        git(tmp.resolve("work"), "push", "-q", bare.toString(), "main:main");
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(argv + ": " + out);
        }
        return out;
    }
}
