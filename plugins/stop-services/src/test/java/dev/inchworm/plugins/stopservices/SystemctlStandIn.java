package dev.inchworm.plugins.stopservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A systemctl stand-in for machines without systemd as PID 1 (the CI container): a shell
 * script that answers {@code is-active}, {@code stop} and {@code start} from marker files in
 * {@code FOLDER/active} and appends every call to {@code FOLDER/calls}. A unit whose name is in
 * {@code FOLDER/fail-stop} or {@code FOLDER/fail-start} fails that verb as systemctl would.
 */
final class SystemctlStandIn {

    final Path folder;
    final Path program;

    SystemctlStandIn(Path folder) {
        this.folder = folder;
        this.program = folder.resolve("systemctl");
        try {
            Files.createDirectories(folder.resolve("active"));
            Files.createDirectories(folder.resolve("fail-stop"));
            Files.createDirectories(folder.resolve("fail-start"));
            Files.writeString(program, """
                    #!/bin/sh
                    dir='%s'
                    echo "$*" >> "$dir/calls"
                    case "$1" in
                      is-active)
                        if [ -e "$dir/active/$2" ]; then echo active; exit 0; fi
                        echo inactive; exit 3 ;;
                      stop)
                        if [ -e "$dir/fail-stop/$2" ]; then echo "Failed to stop $2: Access denied" >&2; exit 1; fi
                        rm -f "$dir/active/$2" ;;
                      start)
                        if [ -e "$dir/fail-start/$2" ]; then echo "Job for $2 failed." >&2; exit 1; fi
                        touch "$dir/active/$2" ;;
                      *) echo "Unknown command verb $1." >&2; exit 1 ;;
                    esac
                    """.formatted(folder));
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void running(String... units) {
        touch("active", units);
    }

    void failing(String verb, String... units) {
        touch("fail-" + verb, units);
    }

    boolean isRunning(String unit) {
        return Files.exists(folder.resolve("active").resolve(unit));
    }

    List<String> calls() {
        try {
            Path calls = folder.resolve("calls");
            return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void touch(String sub, String... units) {
        try {
            for (String unit : units) {
                Files.writeString(folder.resolve(sub).resolve(unit), "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
