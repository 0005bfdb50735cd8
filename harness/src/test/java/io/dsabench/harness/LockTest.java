package io.dsabench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A second sweep on a held device is refused, naming the holder; the lock dies with it. */
class LockTest {
  /** Holds a device lock until its stdin closes; run as a separate process by the test. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      try (DeviceLock l = DeviceLock.acquire(Path.of(args[0]), args[1], "holder-sweep --test")) {
        System.out.println(l.file().toFile().exists() ? "locked" : "no lock file");
        System.out.flush();
        System.in.read();
      }
    }
  }

  @Test
  @Timeout(60)
  void aSecondSweepIsRefusedWithTheHoldersPidAndCommand(@TempDir Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    Holder.class.getName(),
                    dir.toString(),
                    "cuda-GPU-1234"))
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("locked");
      assertThatThrownBy(() -> DeviceLock.acquire(dir, "cuda-GPU-1234", "me"))
          .isInstanceOf(DeviceLock.BusyException.class)
          .hasMessageContaining("device cuda-GPU-1234 is busy: another sweep holds ")
          .hasMessageContaining("pid " + p.pid() + ": holder-sweep --test");
      // Another device is free.
      DeviceLock.acquire(dir, "cuda-GPU-5678", "me").close();
    } finally {
      p.getOutputStream().close();
      p.waitFor();
    }
    // The holder is gone: the device is free again.
    try (DeviceLock l = DeviceLock.acquire(dir, "cuda-GPU-1234", "me")) {
      assertThat(l.file()).exists();
    }
  }

  @Test
  void theSameProcessCannotTakeItTwice(@TempDir Path dir) throws Exception {
    try (DeviceLock l = DeviceLock.acquire(dir, "cpu", "first")) {
      assertThat(l.file()).exists();
      assertThatThrownBy(() -> DeviceLock.acquire(dir, "cpu", "second"))
          .hasMessageContaining("pid " + ProcessHandle.current().pid() + ": first");
    }
  }

  @Test
  void aHeldLockNamesItsResultsFileAndAReleasedOneNothing(@TempDir Path dir) throws Exception {
    Path results = dir.resolve("out/bench/results.json");
    try (DeviceLock l = DeviceLock.acquire(dir, "cuda-GPU-1234", "dsabench bench", results)) {
      assertThat(DeviceLock.holders(dir))
          .containsExactly(
              new DeviceLock.Holder(ProcessHandle.current().pid(), results.toAbsolutePath()));
      // The busy message still names the holder's pid and command only.
      assertThatThrownBy(() -> DeviceLock.acquire(dir, "cuda-GPU-1234", "me"))
          .hasMessageEndingWith(
              "(pid "
                  + ProcessHandle.current().pid()
                  + ": dsabench bench); wait for it or stop it");
      assertThat(l.file()).exists();
    }
    assertThat(DeviceLock.holders(dir)).isEmpty();
    assertThat(DeviceLock.holders(dir.resolve("absent"))).isEmpty();
  }
}
