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

/**
 * One sweep per device at a time: two sweeps on one GPU would each measure the other. An OS file
 * lock ({@link FileChannel#tryLock()}) on {@code <dir>/<device>.lock} is held for the sweep; the
 * holder writes its pid and command line into the file so that a refused sweep can say who holds
 * the device. The OS drops the lock when the holder dies, so a killed sweep never leaves the device
 * locked (a stale file with a dead pid in it is harmless).
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
    String me = "pid " + ProcessHandle.current().pid() + ": " + command;
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    ch.force(false);
    return new DeviceLock(file, ch, lock);
  }

  private static String holder(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(4096);
    ch.read(buf, 0);
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
  }

  public Path file() {
    return file;
  }

  /** Releases the lock; never throws. */
  @Override
  public void close() {
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
