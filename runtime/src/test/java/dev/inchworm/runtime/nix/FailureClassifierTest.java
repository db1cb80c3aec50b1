package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.CommandException;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.StorePath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureClassifierTest {

    private static final StorePath FAIL_DRV = new StorePath("/nix/store/hxyx30n8q31yqpb0vv4n0rvbrl678c31-fail.drv");
    private static final StorePath BIG_DRV = new StorePath("/nix/store/shkhidrg3d2vy9c2jg2cjpfyb0r332rq-big.drv");

    private static CommandResult result(int exitCode, boolean timedOut, String... stderr) {
        return new CommandResult(List.of("nix-store"), exitCode, "", List.of(stderr), false, timedOut,
                Duration.ofSeconds(3), Optional.empty());
    }

    @Test
    void failingBuilderNamesItsDerivation() {
        NixFailure failure = FailureClassifier.classify(Captured.failedWithStderr("builder-failed-2.8.stderr"), false);

        NixFailure.BuilderFailed builder = assertInstanceOf(NixFailure.BuilderFailed.class, failure);
        assertEquals(Optional.of(FAIL_DRV), builder.drv());
        assertTrue(builder.detail().contains("failed with exit code 3"), builder.detail());
    }

    @Test
    void failingBuilderOfNewerNixNamesItsDerivation() {
        NixFailure failure = FailureClassifier.classify(Captured.failedWithStderr("builder-failed-newer.stderr"), false);

        assertEquals(Optional.of(FAIL_DRV), assertInstanceOf(NixFailure.BuilderFailed.class, failure).drv());
    }

    @Test
    void noSpaceLeftIsOutOfDiskEvenWhenTheBuilderIsNamed() {
        NixFailure withLog = FailureClassifier.classify(Captured.failedWithStderr("enospc-2.8.stderr"), false);
        NixFailure withoutLog = FailureClassifier.classify(Captured.failedWithStderr("enospc-no-build-log-2.8.stderr"), false);

        assertFalse(assertInstanceOf(NixFailure.OutOfDisk.class, withLog).storeFull());
        assertFalse(assertInstanceOf(NixFailure.OutOfDisk.class, withoutLog).storeFull());
        assertTrue(withoutLog.detail().contains(BIG_DRV.path()), withoutLog.detail());
    }

    @Test
    void sqliteDiskIoErrorIsAFullStore() {
        NixFailure failure = FailureClassifier.classify(Captured.failedWithStderr("store-full-2.8.stderr"), false);

        assertTrue(assertInstanceOf(NixFailure.OutOfDisk.class, failure).storeFull());
    }

    @Test
    void symptomsThatScrolledOutOfTheTailStillCount() {
        CommandResult result = result(1, false, "error: writing to file");
        NixFailure failure = FailureClassifier.classify(result,
                List.of("cp: error writing 'x': No space left on device"), false);

        assertInstanceOf(NixFailure.OutOfDisk.class, failure);
        assertTrue(FailureClassifier.isNotable("dd: No space left on device"));
        assertFalse(FailureClassifier.isNotable("building '/nix/store/x.drv'..."));
    }

    @Test
    void sigkillWithoutOurTimeoutIsOutOfMemory() {
        assertInstanceOf(NixFailure.OutOfMemory.class, FailureClassifier.classify(result(137, false), true));
        assertInstanceOf(NixFailure.OutOfMemory.class,
                FailureClassifier.classify(result(1, false, "error: out of memory"), true));
        assertInstanceOf(NixFailure.OutOfMemory.class,
                FailureClassifier.classify(result(1, false, "terminate called after throwing an instance of 'std::bad_alloc'"), true));
        assertInstanceOf(NixFailure.OutOfMemory.class, FailureClassifier.classify(result(100, false,
                "error: builder for '" + FAIL_DRV + "' failed due to signal 9 (Killed)"), false));
    }

    @Test
    void ourTimeoutIsTimedOutNotOutOfMemory() {
        NixFailure failure = FailureClassifier.classify(result(137, true, "building..."), false);

        assertEquals(Duration.ofSeconds(3), assertInstanceOf(NixFailure.TimedOut.class, failure).after());
    }

    @Test
    void evaluationErrorsGiveNixsMessage() {
        NixFailure thrown = FailureClassifier.classify(Captured.failedWithStderr("eval-throw-2.8.stderr"), true);
        NixFailure syntax = FailureClassifier.classify(Captured.failedWithStderr("eval-syntax-2.8.stderr"), true);

        assertEquals("error: broken on purpose", assertInstanceOf(NixFailure.EvaluationFailed.class, thrown).detail());
        assertTrue(assertInstanceOf(NixFailure.EvaluationFailed.class, syntax).detail()
                .startsWith("error: syntax error, unexpected end of file"));
        assertTrue(syntax.detail().contains("/tmp/nb/syn.nix:1:2"), syntax.detail());
    }

    @Test
    void evaluationMessageLeavesWarningsOut() {
        NixFailure failure = FailureClassifier.classify(result(1, false,
                "warning: you did not specify '--add-root'", "error: undefined variable 'x'"), true);

        assertEquals("error: undefined variable 'x'", failure.detail());
    }

    @Test
    void programNotFoundIsNixUnavailable() {
        NixFailure viaPrefix = FailureClassifier.classify(
                result(127, false, "nsenter: failed to execute nix-store: No such file or directory"), false);
        NixFailure direct = FailureClassifier.classify(
                new CommandException(List.of("nix-store"), "cannot start [nix-store]: error=2", null));

        assertInstanceOf(NixFailure.NixUnavailable.class, viaPrefix);
        assertInstanceOf(NixFailure.NixUnavailable.class, direct);
    }

    @Test
    void anythingElseIsOtherWithTheExitCode() {
        NixFailure failure = FailureClassifier.classify(
                result(1, false, "error: path '/nix/store/x' is not valid"), false);

        assertEquals(1, assertInstanceOf(NixFailure.Other.class, failure).exitCode());
        assertEquals("error: path '/nix/store/x' is not valid", failure.detail());
    }

    @Test
    void detailWithoutOutputSaysSo() {
        assertEquals("exit code 2, no output", FailureClassifier.classify(result(2, false), false).detail());
    }
}
