package dev.floe.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux's {@code /proc} says about a live process and the machine: CPU time (user + system,
 * all threads), peak resident set, and the load average. A benchmark on a shared machine reports
 * the load next to every figure, since wall times mean little without it.
 */
final class ProcStats {
  private static final Path PROC = Path.of("/proc");
  private static final long CLOCK_TICKS = clockTicks();

  private ProcStats() {}

  /** User plus system CPU seconds that process {@code pid} has used so far, all its threads. */
  static double cpuSeconds(long pid) {
    String stat = read(PROC.resolve(pid + "/stat"));
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return (double) ticks / CLOCK_TICKS;
  }

  /**
   * CPU seconds so far of the servers the harness started as this JVM's children (s3proxy and the
   * REST catalog fixture); 0 for external servers. They share the machine with what is measured.
   */
  static double serversCpuSeconds() {
    return ProcessHandle.current()
        .children()
        .filter(child -> child.info().commandLine().map(ProcStats::isServer).orElse(false))
        .mapToDouble(child -> cpuSeconds(child.pid()))
        .sum();
  }

  private static boolean isServer(String commandLine) {
    return commandLine.contains("org.gaul.s3proxy.Main") || commandLine.contains("RestCatalogLauncher");
  }

  /** The peak resident set of process {@code pid} so far ({@code VmHWM}), in bytes. */
  static long peakRssBytes(long pid) {
    for (String line : read(PROC.resolve(pid + "/status")).split("\n")) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("Cannot find VmHWM in /proc/" + pid + "/status");
  }

  /** The 1, 5 and 15 minute load averages, as {@code /proc/loadavg} gives them. */
  static String loadAverage() {
    String[] fields = read(PROC.resolve("loadavg")).trim().split("\\s+");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (getconf.waitFor() == 0 && out.matches("\\d+")) {
        return Long.parseLong(out);
      }
    } catch (IOException e) {
      // no getconf: Linux's USER_HZ is 100 on every common architecture
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + " (Linux only)", e);
    }
  }
}
