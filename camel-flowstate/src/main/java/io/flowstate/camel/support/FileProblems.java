package io.flowstate.camel.support;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Why a file operation failed, in words a user can act on: the JDK's exceptions often carry only the path
 * ({@code NoSuchFileException: /proc/x}).
 */
public final class FileProblems {

    private FileProblems() {
    }

    public static String reason(Exception failure) {
        if (failure instanceof AccessDeniedException denied) {
            return "permission denied on " + denied.getFile();
        }
        if (failure instanceof NoSuchFileException missing) {
            return missing.getFile() + " cannot be made there: a parent directory is missing or refuses new entries";
        }
        if (failure instanceof FileAlreadyExistsException || failure instanceof NotDirectoryException) {
            return ((FileSystemException) failure).getFile() + " is a file, not a directory";
        }
        if (failure instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason().toLowerCase(Locale.ROOT) + " on " + fs.getFile();
        }
        return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }
}
