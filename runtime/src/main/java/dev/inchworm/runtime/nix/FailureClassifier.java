package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.CommandException;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.StorePath;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed command into a {@link NixFailure}, from its exit code and output. The texts
 * are those Nix 2.8 prints (docs/architecture.md, "Nix facts") plus newer Nix's builder-failure form. Checked in
 * this order, because one failure shows several symptoms: timeout, out of disk (a full disk
 * also fails the builder), out of memory, builder failed, Nix missing, evaluation error.
 */
public final class FailureClassifier {

    private static final int DETAIL_LINES = 12;

    // "error: builder for '/nix/store/...-fail.drv' failed with exit code 3" (2.8);
    // "error: Cannot build '/nix/store/...-fail.drv'." (2.19 and later).
    private static final Pattern BUILDER_FAILED = Pattern.compile(
            "(?:builder for|Cannot build) '(/nix/store/[0-9abcdfghijklmnpqrsvwxyz]{32}-[^'/]+\\.drv)'");
    // A builder killed by SIGKILL is, short of our own timeout, the kernel's OOM killer.
    private static final Pattern BUILDER_KILLED = Pattern.compile("failed due to signal 9\\b");

    private static final Pattern PREFIX_COMPLAINT = Pattern.compile(
            "(?:nsenter|ssh|sudo|doas|chroot|machinectl|systemd-run|env): ");

    private static final List<String> OUT_OF_DISK = List.of("no space left on device");
    // The SQLite symptoms of a store with no byte left: Nix cannot even open its database.
    private static final List<String> STORE_FULL = List.of("disk i/o error", "database or disk is full");
    private static final List<String> OUT_OF_MEMORY = List.of("out of memory", "std::bad_alloc",
            "cannot allocate memory");

    private FailureClassifier() {
    }

    /** Whether a line carries a symptom worth keeping beyond the tail of stderr. */
    public static boolean isNotable(String line) {
        String lower = line.toLowerCase(Locale.ROOT);
        return BUILDER_FAILED.matcher(line).find() || BUILDER_KILLED.matcher(line).find()
                || OUT_OF_DISK.stream().anyMatch(lower::contains) || STORE_FULL.stream().anyMatch(lower::contains)
                || OUT_OF_MEMORY.stream().anyMatch(lower::contains);
    }

    /** Classifies a command that ended but failed. */
    public static NixFailure classify(CommandResult result, boolean evaluation) {
        return classify(result, List.of(), evaluation);
    }

    /**
     * Classifies a command that ended but failed.
     *
     * @param notable    lines seen while it ran that {@link #isNotable} kept (they may have
     *                   scrolled out of the stderr tail)
     * @param evaluation true for {@code nix-instantiate} and {@code nix eval}: an error there
     *                   is the expression's
     */
    public static NixFailure classify(CommandResult result, List<String> notable, boolean evaluation) {
        Set<String> lines = new LinkedHashSet<>(notable);
        lines.addAll(result.stderrTail());
        lines.addAll(result.stdout().lines().limit(200).toList());
        String all = String.join("\n", lines);
        String lower = all.toLowerCase(Locale.ROOT);
        String detail = detail(result);

        if (result.timedOut()) {
            return new NixFailure.TimedOut(result.duration(), detail);
        }
        if (STORE_FULL.stream().anyMatch(lower::contains)) {
            return new NixFailure.OutOfDisk(true, detail);
        }
        if (OUT_OF_DISK.stream().anyMatch(lower::contains)) {
            return new NixFailure.OutOfDisk(false, detail);
        }
        if (result.exitCode() == 128 + 9 || OUT_OF_MEMORY.stream().anyMatch(lower::contains)
                || BUILDER_KILLED.matcher(all).find()) {
            return new NixFailure.OutOfMemory(detail);
        }
        Matcher builder = BUILDER_FAILED.matcher(all);
        if (builder.find()) {
            return new NixFailure.BuilderFailed(Optional.of(new StorePath(builder.group(1))), detail);
        }
        // 127/126: not found / not executable, as a shell, nsenter or ssh report it; or the
        // prefix itself failed (an nsenter target that is gone, a host ssh cannot reach).
        if (result.exitCode() == 127 || result.exitCode() == 126 || prefixFailed(result)) {
            return new NixFailure.NixUnavailable(detail);
        }
        if (evaluation && lower.contains("error:")) {
            return new NixFailure.EvaluationFailed(errorMessage(result.stderrTail()));
        }
        return new NixFailure.Other(result.exitCode(), detail);
    }

    /** The first line of standard error is the prefix program's own complaint, as {@code nsenter: ...}. */
    private static boolean prefixFailed(CommandResult result) {
        return !result.stderrTail().isEmpty() && PREFIX_COMPLAINT.matcher(result.stderrTail().get(0)).lookingAt()
                && result.stderrTail().stream().noneMatch(line -> line.startsWith("error:"));
    }

    /** A program that could not be started at all: Nix is not installed (or not on the PATH). */
    public static NixFailure classify(CommandException e) {
        return new NixFailure.NixUnavailable(e.getMessage());
    }

    /** The last lines of stderr (or of stdout when stderr is empty), for reports. */
    static String detail(CommandResult result) {
        List<String> tail = result.stderrTail();
        if (tail.isEmpty()) {
            List<String> out = result.stdout().lines().toList();
            tail = out.subList(Math.max(0, out.size() - DETAIL_LINES), out.size());
        }
        List<String> kept = tail.subList(Math.max(0, tail.size() - DETAIL_LINES), tail.size());
        String text = String.join("\n", kept).strip();
        return text.isEmpty() ? "exit code " + result.exitCode() + ", no output" : text;
    }

    /** Nix's error message: from the first {@code error:} line to the end, warnings left out. */
    static String errorMessage(List<String> stderr) {
        List<String> message = new ArrayList<>();
        for (String line : stderr) {
            if (message.isEmpty() && !line.startsWith("error:")) {
                continue;
            }
            message.add(line);
        }
        String text = String.join("\n", message).strip();
        return text.isEmpty() ? String.join("\n", stderr).strip() : text;
    }
}
