package dev.inchworm.api.storage;

import dev.inchworm.api.Api;

/**
 * Space on one file system.
 *
 * @param path        the path measured (the store, or /boot)
 * @param totalBytes  size of the file system
 * @param freeBytes   bytes available to an unprivileged writer... or to root, as the probe documents
 * @param totalInodes inodes in all (0 when the file system has no fixed count, e.g. btrfs)
 * @param freeInodes  inodes free
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record Volume(String path, long totalBytes, long freeBytes, long totalInodes, long freeInodes) {

    public Volume {
        if (totalBytes < 0 || freeBytes < 0 || totalInodes < 0 || freeInodes < 0) {
            throw new IllegalArgumentException("negative size for " + path);
        }
    }

    /** Bytes in use: total minus free. */
    public long usedBytes() {
        return Math.max(0, totalBytes - freeBytes);
    }
}
