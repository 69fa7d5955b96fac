package dev.floe.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The bench's figures as a Markdown table, with the machine and its load around them. */
final class BenchReport {
  private final long events;
  private final long inputBytes;
  private final List<String> rows = new ArrayList<>();

  BenchReport(long events, long inputBytes) {
    this.events = events;
    this.inputBytes = inputBytes;
  }

  /**
   * One phase. {@code contents} (what the table holds, read back) is null, and {@code peakRss}
   * negative, for a phase that wrote nothing.
   */
  void row(String phase, Duration wall, double cpuSeconds, double serversCpuSeconds, SparkPeer.Contents contents,
      long peakRss, String loadBefore, String loadAfter) {
    double seconds = wall.toMillis() / 1000.0;
    boolean wrote = contents != null;
    rows.add(String.format("| %s | %.1f | %.1f | %.1f | %s | %s | %s | %s | %s | %s | %s -> %s |",
        phase,
        seconds,
        cpuSeconds,
        serversCpuSeconds,
        wrote ? String.format("%,.0f", events / seconds) : "",
        wrote ? String.format("%,.0f", events / cpuSeconds) : "",
        wrote ? Long.toString(contents.files()) : "",
        wrote ? String.format("%,d", contents.bytes()) : "",
        wrote ? String.format("%,d", contents.rows()) : "",
        peakRss >= 0 ? String.format("%.0f", peakRss / 1e6) : "",
        loadBefore,
        loadAfter));
  }

  List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(String.format("%,d events, %.1f MB of NDJSON (%.0f bytes per event)",
        events, inputBytes / 1e6, (double) inputBytes / events));
    lines.add("| phase | wall s | CPU s | servers' CPU s | events/s | events per CPU-s | files | bytes written"
        + " | rows read back | peak RSS MB | load avg (1 5 15 min) before -> after |");
    lines.add("|---|---|---|---|---|---|---|---|---|---|---|");
    lines.addAll(rows);
    return lines;
  }

  /** floe's rates over Spark's, against the INSERT alone and against Spark's start-up plus it. */
  static List<String> ratios(long events, Duration floeWall, double floeCpu, SparkPeer.Measured append,
      SparkPeer.Measured startUp) {
    double floeRate = events / seconds(floeWall);
    double floePerCpu = events / floeCpu;
    double sparkTotalWall = seconds(append.wall()) + seconds(startUp.wall());
    double sparkTotalCpu = append.cpuSeconds() + startUp.cpuSeconds();
    return List.of(
        String.format("floe / Spark, events per second:     %.2fx (vs the INSERT alone), %.2fx (vs start-up + INSERT)",
            floeRate / (events / seconds(append.wall())), floeRate / (events / sparkTotalWall)),
        String.format("floe / Spark, events per CPU-second: %.2fx (vs the INSERT alone), %.2fx (vs start-up + INSERT)",
            floePerCpu / (events / append.cpuSeconds()), floePerCpu / (events / sparkTotalCpu)));
  }

  /** The machine: cores, CPU model, memory, time and load, as {@code uptime} would say it. */
  static List<String> machine() {
    return List.of(
        String.format("machine: %d cores (nproc), %s, %.0f GB; %s; load average %s",
            Runtime.getRuntime().availableProcessors(),
            procField(Path.of("/proc/cpuinfo"), "model name"),
            Long.parseLong(procField(Path.of("/proc/meminfo"), "MemTotal").replaceAll("[^0-9]", "")) / 1e6,
            Instant.now(),
            ProcStats.loadAverage()),
        "java " + System.getProperty("java.version") + "; the REST catalog fixture and s3proxy run on the same"
            + " cores (their CPU meanwhile: servers' CPU s); CPU s is the writer's process, all threads");
  }

  /** Prints the lines and writes them to {@code file}. */
  static void print(List<String> lines, Path file) {
    String text = String.join(System.lineSeparator(), lines) + System.lineSeparator();
    System.out.print(text);
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  private static String procField(Path file, String name) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        if (line.startsWith(name)) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux: the figure is left out
    }
    return "0";
  }
}
