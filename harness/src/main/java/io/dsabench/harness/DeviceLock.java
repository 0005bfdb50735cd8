package io.dsabench.harness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One sweep per device at a time: two sweeps on one GPU would each measure the other. An OS file
 * lock ({@link FileChannel#tryLock()}) on {@code <dir>/<device>.lock} is held for the sweep; the
 * holder writes its pid and command line into the file so that a refused sweep can say who holds
 * the device. The OS drops the lock when the holder dies, so a killed sweep never leaves the device
 * locked (a stale file with a dead pid in it is harmless).
 *
 * <p>The file also names the results file the sweep is writing, and is emptied when the sweep ends,
 * so that a dashboard can tell a running sweep from a results file that was merely copied or
 * touched recently ({@link #holders}) without ever taking the lock itself (which would refuse a
 * sweep starting at that instant).
 */
public final class DeviceLock implements AutoCloseable {
  /** Thrown when another process (or this one) already holds the device. */
  public static final class BusyException extends Exception {
    private static final long serialVersionUID = 1L;

    public BusyException(String message) {
      super(message);
    }
  }

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DeviceLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** Default lock directory: {@code $TMPDIR/dsabench-locks}, shared by every user of the host. */
  public static Path defaultDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "dsabench-locks");
  }

  /**
   * Takes the lock of {@code device} (a file-name-safe id such as {@code cuda-GPU-8f2c...} or
   * {@code cpu}).
   *
   * @throws BusyException naming the process that holds it
   */
  public static DeviceLock acquire(Path dir, String device, String command)
      throws IOException, BusyException {
    return acquire(dir, device, command, null);
  }

  /**
   * Takes the lock of {@code device} for a sweep that writes {@code results} (recorded in the file
   * for {@link #holders}; null for none).
   *
   * @throws BusyException naming the process that holds it
   */
  public static DeviceLock acquire(Path dir, String device, String command, Path results)
      throws IOException, BusyException {
    String safe = device.replaceAll("[^A-Za-z0-9._-]", "_");
    Files.createDirectories(dir);
    Path file = dir.resolve(safe + ".lock");
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this JVM already holds it
    }
    if (lock == null) {
      String holder = holder(ch);
      ch.close();
      throw new BusyException(
          "device "
              + device
              + " is busy: another sweep holds "
              + file
              + " ("
              + (holder.isBlank() ? "holder unknown" : holder)
              + "); wait for it or stop it");
    }
    String me =
        "pid "
            + ProcessHandle.current().pid()
            + ": "
            + command
            + (results == null ? "" : "\n" + RESULTS + results.toAbsolutePath().normalize());
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    ch.force(false);
    return new DeviceLock(file, ch, lock);
  }

  private static final String RESULTS = "results: ";

  /** The holder's first line: {@code pid N: command}. */
  private static String holder(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(4096);
    ch.read(buf, 0);
    String all = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
    int nl = all.indexOf('\n');
    return nl < 0 ? all : all.substring(0, nl);
  }

  /**
   * A sweep holding a device now, as its lock file says.
   *
   * @param pid the sweep's process
   * @param results the results file it is writing, absolute
   */
  public record Holder(long pid, Path results) {}

  /**
   * The sweeps running now with their results files: lock files in {@code dir} that name a results
   * file and a live process. Reads only (never locks); a missing directory means none.
   */
  public static List<Holder> holders(Path dir) {
    List<Holder> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".lock")).toList()) {
        List<String> lines;
        try {
          lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
          continue; // unreadable or being rewritten: not evidence of a sweep
        }
        if (lines.size() < 2 || !lines.get(0).startsWith("pid ")) {
          continue;
        }
        int colon = lines.get(0).indexOf(':');
        long pid;
        try {
          pid =
              Long.parseLong(lines.get(0).substring(4, colon < 0 ? lines.get(0).length() : colon));
        } catch (NumberFormatException e) {
          continue;
        }
        String results = lines.get(1);
        if (results.startsWith(RESULTS)
            && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          out.add(new Holder(pid, Path.of(results.substring(RESULTS.length()))));
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  public Path file() {
    return file;
  }

  /** Empties the file (the sweep is over) and releases the lock; never throws. */
  @Override
  public void close() {
    try {
      channel.truncate(0);
    } catch (IOException | RuntimeException e) {
      // A stale file whose pid has ended reads as no sweep anyway.
    }
    try {
      lock.release();
    } catch (IOException | RuntimeException e) {
      // The channel close below releases it too.
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing to do: the OS releases the lock when the process ends.
    }
  }
}
