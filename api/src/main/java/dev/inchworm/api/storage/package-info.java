/** Measuring the store's free space: the {@code StorageProbe} extension point. */
package dev.inchworm.api.storage;
