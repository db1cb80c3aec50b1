package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.storage.Volume;

/**
 * The inodes a step needs besides its bytes, at the store's own mix: a store whose paths hold
 * many small files runs out of inodes before it runs out of bytes (ext4 has a fixed count).
 * A step of {@code bytes} is taken to need {@code bytes * usedInodes / usedBytes} inodes; a file
 * system without a fixed count (btrfs, 0 inodes in all) or an empty store needs none.
 *
 * @param inodes        the inodes the step needs
 * @param bytesPerInode the store's used bytes per used inode, to turn a shortage into bytes to reclaim
 */
record InodeNeed(long inodes, double bytesPerInode) {

    static final InodeNeed NONE = new InodeNeed(0, 0);

    static InodeNeed of(Volume store, long bytes) {
        long usedInodes = store.totalInodes() - store.freeInodes();
        if (store.totalInodes() == 0 || usedInodes <= 0 || store.usedBytes() == 0) {
            return NONE;
        }
        double perInode = (double) store.usedBytes() / usedInodes;
        return new InodeNeed((long) Math.ceil(bytes / perInode), perInode);
    }

    /** The bytes to reclaim so that {@code store} has the inodes free (at the store's mix), 0 when it has. */
    long bytesShort(Volume store) {
        long missing = inodes - store.freeInodes();
        return missing <= 0 ? 0 : (long) Math.ceil(missing * bytesPerInode);
    }
}
