package io.flowstate.camel.snapshot.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Locale;

/**
 * The few file operations the file repository needs, each durable when it returns: a replace is temp file, fsync,
 * atomic move, fsync of the directory; an append is write then fsync. An fsync error is thrown, never retried: after
 * a failed fsync the kernel may have dropped the data, so a retry that succeeds would prove nothing.
 */
final class DurableFiles {

    private static final boolean CAN_SYNC_DIRECTORIES
            = !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    private static final String TEMP_PREFIX = ".";
    private static final String TEMP_SUFFIX = ".tmp";

    private DurableFiles() {
    }

    /** The temp file a replace of {@code target} writes first; its name starts with a dot, which no id can. */
    static Path tempFileOf(Path target) {
        return target.resolveSibling(TEMP_PREFIX + target.getFileName() + TEMP_SUFFIX);
    }

    /** The file whose replace writes {@code file} first (see {@link #tempFileOf}); null when no replace does. */
    static Path targetOfTemp(Path file) {
        String name = file.getFileName().toString();
        if (!name.startsWith(TEMP_PREFIX) || !name.endsWith(TEMP_SUFFIX)
                || name.length() <= TEMP_PREFIX.length() + TEMP_SUFFIX.length()) {
            return null;
        }
        return file.resolveSibling(name.substring(TEMP_PREFIX.length(), name.length() - TEMP_SUFFIX.length()));
    }

    /** Replaces {@code target} by {@code data}: readers see the old or the new content, never a mix. */
    static void replace(Path target, byte[] data) throws IOException {
        replace(target, data, null);
    }

    /**
     * Replaces {@code target} by {@code data} and gives it the modification time {@code modified} (when not null),
     * set on the temp file before the move so the new content never shows with another time.
     */
    static void replace(Path target, byte[] data, FileTime modified) throws IOException {
        Path temp = tempFileOf(target);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, data, 0);
                if (modified != null) {
                    Files.setLastModifiedTime(temp, modified);
                }
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // a full disk fails every write of an episode: each would leave a temp file until the next start
            removeAfterFailure(temp, e);
            throw e;
        }
        syncDirectory(target.getParent());
    }

    private static void removeAfterFailure(Path temp, Exception failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Writes {@code data} at {@code position} of {@code file} (created when absent), dropping whatever followed that
     * position (a torn line), then fsyncs the file.
     *
     * @return whether the file was created (its directory entry is not durable until the directory is synced)
     */
    static boolean append(Path file, long position, byte[] data) throws IOException {
        boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (ch.size() != position) {
                ch.truncate(position);
            }
            writeFully(ch, data, position);
            ch.force(false);
        }
        return created;
    }

    /** Cuts {@code file} to {@code length} bytes and fsyncs it; nothing when it does not exist. */
    static void truncate(Path file, long length) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (ch.size() > length) {
                ch.truncate(length);
                ch.force(true);
            }
        }
    }

    /** Deletes {@code file} and syncs its directory; false when it did not exist. */
    static boolean delete(Path file) throws IOException {
        boolean deleted = Files.deleteIfExists(file);
        if (deleted) {
            syncDirectory(file.getParent());
        }
        return deleted;
    }

    /** Creates {@code dir} and missing parents, each made durable in its parent. */
    static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
            return;
        }
        if (parent != null) {
            syncDirectory(parent);
        }
    }

    /** Makes the directory's entries (created, renamed, deleted files) durable. */
    static void syncDirectory(Path dir) throws IOException {
        if (!CAN_SYNC_DIRECTORIES) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void writeFully(FileChannel ch, byte[] data, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        long at = position;
        while (buffer.hasRemaining()) {
            at += ch.write(buffer, at);
        }
    }
}
