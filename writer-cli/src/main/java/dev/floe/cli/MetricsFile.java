package dev.floe.cli;

import dev.floe.core.IngestResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus metrics in node_exporter's textfile format, for cron jobs: written to a temp file and
 * renamed, so the collector never reads half a file. The last success time carries over from the
 * previous file when a run fails or finds its source busy (it did nothing), so an alert on its age
 * fires when runs keep failing, or when a stuck run keeps holding the source.
 */
final class MetricsFile {
  private static final Pattern LAST_SUCCESS =
      Pattern.compile("(?m)^floe_ingest_last_success_timestamp_seconds\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*\\} (\\S+)$");

  private MetricsFile() {}

  /** @param result what the run did; null when it failed or did nothing (source busy) */
  static void write(Path file, String table, int exitCode, IngestResult result, double durationSeconds, Instant now) {
    String labels = "{table=\"" + labelValue(table) + "\"}";
    boolean succeeded = exitCode == ExitCodes.OK && result != null;
    double lastSuccess = succeeded ? now.toEpochMilli() / 1000.0 : previousLastSuccess(file);
    StringBuilder text = new StringBuilder();
    gauge(text, "floe_ingest_last_run_timestamp_seconds", "When the last floe ingest run ended.", labels, now.toEpochMilli() / 1000.0);
    gauge(text, "floe_ingest_last_success_timestamp_seconds", "When a floe ingest run last succeeded (0: never).", labels, lastSuccess);
    gauge(text, "floe_ingest_exit_code", "Exit code of the last run (0 success, 1 retryable, 2 usage, 3 commit unknown, 4 too many rejects).", labels, exitCode);
    gauge(text, "floe_ingest_duration_seconds", "Duration of the last run.", labels, durationSeconds);
    if (result != null) {
      gauge(text, "floe_ingest_events_read", "Events read by the last run.", labels, result.eventsRead());
      gauge(text, "floe_ingest_events_written", "Events written by the last run.", labels, result.eventsWritten());
      gauge(text, "floe_ingest_events_rejected", "Events rejected (dead-lettered) by the last run.", labels, result.eventsRejected());
      gauge(text, "floe_ingest_events_filtered", "Events filtered out by the last run.", labels, result.eventsFiltered());
      gauge(text, "floe_ingest_bytes_read", "Input bytes (uncompressed) read by the last run.", labels, result.bytesRead());
      gauge(text, "floe_ingest_bytes_written", "Data file bytes written by the last run.", labels, result.bytesWritten());
      gauge(text, "floe_ingest_data_files", "Data files written by the last run.", labels, result.dataFiles());
      gauge(text, "floe_ingest_batches_committed", "Batches committed by the last run.", labels, result.batchesCommitted());
    }
    try {
      Path absolute = file.toAbsolutePath();
      Files.createDirectories(absolute.getParent());
      // One temp name per process: two runs ending at once must not write into each other's.
      Path temp = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write metrics file " + file + ": " + e.getMessage(), e);
    }
  }

  /** A label value as the Prometheus text format writes it: backslash, double quote and newline escaped. */
  static String labelValue(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static double previousLastSuccess(Path file) {
    try {
      Matcher matcher = LAST_SUCCESS.matcher(Files.exists(file) ? Files.readString(file) : "");
      return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  private static void gauge(StringBuilder text, String name, String help, String labels, double value) {
    text.append("# HELP ").append(name).append(' ').append(help).append('\n');
    text.append("# TYPE ").append(name).append(" gauge\n");
    text.append(name).append(labels).append(' ').append(format(value)).append('\n');
  }

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.3f", value);
  }
}
