package io.dsabench.cli;

import io.dsabench.model.BadInputException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Output paths checked before any work: a command that would measure for minutes and then fail to
 * write is refused at once, with one line that names the option, the path and what is wrong (exit
 * 2), never a stack trace. "Writable" is tried, not guessed: a probe file is created in the folder
 * and removed (permissions, read-only mounts, /proc and /sys all answer for themselves).
 */
final class OutputPaths {
  private OutputPaths() {}

  /** A folder the command writes into: created now if missing (as the write would), writable. */
  static Path directory(String option, Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new BadInputException(
          option + ": '" + dir + "' is a file, not a directory; give a directory to write into");
    }
    create(option, dir, dir);
    probe(option, dir, dir);
    return dir;
  }

  /** A file the command writes (replacing it if it exists), in a folder created now if missing. */
  static Path file(String option, Path file) {
    if (Files.isDirectory(file)) {
      throw new BadInputException(
          option + ": '" + file + "' is a directory, not a file; give a file name to write");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null) {
      throw new BadInputException(option + ": '" + file + "' names no file to write");
    }
    create(option, file, parent);
    probe(option, file, parent);
    return file;
  }

  private static void create(String option, Path shown, Path dir) {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BadInputException(
          option + ": '" + shown + "' cannot be created (" + reason(e) + ")", e);
    }
  }

  private static void probe(String option, Path shown, Path dir) {
    Path p =
        dir.resolve(
            ".dsabench-write-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      Files.newByteChannel(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
      Files.delete(p);
    } catch (IOException e) {
      throw new BadInputException(
          option + ": '" + shown + "' cannot be written (" + reason(e) + ")", e);
    }
  }

  /** The operating system's reason, without the path it repeats. */
  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof FileAlreadyExistsException x) {
      // createDirectories met a file where a folder of the path should be.
      return "'" + x.getFile() + "' is a file, not a directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
