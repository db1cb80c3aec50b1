package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.runtime.config.SystemConfig;

import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The system source's remote: the repository on this machine is a shallow copy of one branch
 * of it (docs/host-profile.md, "A remote system source").
 *
 * <p>The first fetch brings {@code fetchDepth} commits of the branch
 * ({@code git fetch --depth N}); later fetches bring only the new commits (a fetch without
 * {@code --depth} keeps the shallow boundary where it is). History is deepened only when a
 * commit the run needs is not there yet: {@code --deepen}, doubling, until it is or the
 * repository is whole. The branch is fetched into {@value #REF_PREFIX}BRANCH without
 * {@code +}: a branch whose history was rewritten is refused, not followed.
 */
final class GitRemote {

    /** Where the fetched branch tip is kept in the repository. */
    static final String REF_PREFIX = "refs/inchworm/";

    /** A fetch that takes longer is given up (an unreachable remote can hang for long). */
    static final Duration FETCH_TIMEOUT = Duration.ofMinutes(15);

    /** Commits one look for a missing commit deepens the history by at most (never all of nixpkgs). */
    static final long MAX_DEEPEN = 20_000;

    private final CommandRunner runner;
    private final Path repository;
    private final String url;
    private final String branch;
    private final int depth;

    GitRemote(CommandRunner runner, Path repository, SystemConfig system) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.repository = repository;
        this.url = system.remote().orElseThrow();
        this.branch = system.branch();
        this.depth = system.fetchDepth();
    }

    /** The ref of the fetched branch tip. */
    String ref() {
        return REF_PREFIX + branch;
    }

    /**
     * Fetches the branch: a shallow first fetch into a repository made here when there is none,
     * the new commits afterwards.
     *
     * @throws SourceFetchException naming the remote and git's message; the fetched ref is unchanged
     */
    void fetch() {
        if (!Files.exists(repository.resolve(".git")) && !Files.exists(repository.resolve("HEAD"))) {
            CommandResult init = run(List.of("git", "init", "-q", repository.toString()));
            if (!init.ok()) {
                throw new SourceFetchException("cannot create the repository " + repository + " for the remote "
                        + url + detail(init));
            }
        }
        boolean first = !git("rev-parse", "--verify", "--quiet", ref() + "^{commit}").ok();
        // not --quiet: it hides why a fetch was rejected
        List<String> args = new ArrayList<>(List.of("fetch", "--no-progress", "--no-tags"));
        if (first) {
            args.addAll(List.of("--depth", Integer.toString(depth)));
        }
        args.addAll(List.of("--end-of-options", url, "refs/heads/" + branch + ":" + ref()));
        CommandResult result = git(args.toArray(String[]::new));
        if (!result.ok()) {
            String why = result.stderr().contains("non-fast-forward") || result.stderr().contains("rejected")
                    ? " (the branch's history was rewritten: the new tip does not descend from the one fetched before;"
                    + " check the remote, then delete " + ref() + " in " + repository + " to follow it)"
                    : "";
            throw new SourceFetchException("cannot fetch branch '" + branch + "' of the system source's remote " + url
                    + " into " + repository + why + detail(result) + "; nothing was changed");
        }
    }

    /**
     * Deepens the shallow history, doubling, until {@code enough} holds, nothing is left to
     * fetch, or {@value #MAX_DEEPEN} more commits did not help.
     *
     * @return whether {@code enough} holds in the end
     */
    boolean deepenUntil(BooleanSupplier enough) {
        int more = depth;
        long deepened = 0;
        while (!enough.getAsBoolean()) {
            if (!shallow() || deepened >= MAX_DEEPEN) {
                return false;
            }
            deepened += more;
            CommandResult result = git("fetch", "--quiet", "--no-tags", "--deepen", Integer.toString(more),
                    "--end-of-options", url, "refs/heads/" + branch);
            if (!result.ok()) {
                throw new SourceFetchException("cannot deepen the history of branch '" + branch + "' from " + url
                        + detail(result));
            }
            more = (int) Math.min(Integer.MAX_VALUE / 2, 2L * more);
        }
        return true;
    }

    private boolean shallow() {
        CommandResult result = git("rev-parse", "--is-shallow-repository");
        return result.ok() && result.stdout().strip().equals("true");
    }

    private CommandResult git(String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", repository.toString()));
        argv.addAll(List.of(args));
        return run(argv);
    }

    private CommandResult run(List<String> argv) {
        // never a prompt for credentials: a run under systemd has nobody to answer it
        return runner.run(Command.of(argv).withEnvironment(Map.of("GIT_TERMINAL_PROMPT", "0"))
                .withTimeout(FETCH_TIMEOUT).local());
    }

    private static String detail(CommandResult result) {
        String stderr = result.stderr().strip();
        return stderr.isEmpty() ? "" : ": " + stderr;
    }
}
