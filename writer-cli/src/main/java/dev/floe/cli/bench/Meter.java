package dev.floe.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What one benchmark phase cost the process: wall and CPU time (all threads: JIT, GC and I/O
 * included), peak heap (summed per-pool peaks) and peak RSS (Linux VmHWM, reset per phase where
 * the kernel allows it).
 */
public final class Meter {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private final long startWall;
  private final long startCpu;
  private final boolean rssReset;

  private Meter(long startWall, long startCpu, boolean rssReset) {
    this.startWall = startWall;
    this.startCpu = startCpu;
    this.rssReset = rssReset;
  }

  /** Resets the peaks and starts measuring. */
  public static Meter start() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    boolean reset;
    try {
      Files.writeString(CLEAR_REFS, "5"); // resets VmHWM to the current RSS
      reset = true;
    } catch (IOException | RuntimeException e) {
      reset = false;
    }
    return new Meter(System.nanoTime(), processCpuNanos(), reset);
  }

  public Reading stop() {
    long wall = System.nanoTime() - startWall;
    long cpu = processCpuNanos() - startCpu;
    long heap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        heap += pool.getPeakUsage().getUsed();
      }
    }
    return new Reading(wall, cpu, heap, statusKilobytes("VmHWM") * 1024, rssReset);
  }

  /**
   * @param rssPerPhase whether the RSS peak was reset at the start (otherwise it is the process's)
   */
  public record Reading(long wallNanos, long cpuNanos, long peakHeapBytes, long peakRssBytes, boolean rssPerPhase) {}

  public static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  static long statusKilobytes(String field) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: no RSS figure.
    }
    return -1;
  }
}
