package dev.floe.cli;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogType;
import dev.floe.catalog.S3Clients;
import dev.floe.core.BatchOutcome;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.IngestOptions;
import dev.floe.core.IngestResult;
import dev.floe.core.RunLimits;
import dev.floe.core.commit.CommitOptions;
import dev.floe.core.config.Settings;
import dev.floe.core.deadletter.DeadLetters;
import dev.floe.core.job.IngestJob;
import dev.floe.core.source.Source;
import dev.floe.core.source.SourceBusyException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code floe ingest}: one commit holding every new event of a source, then acknowledge it. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = "Ingest batches of events into the table as one commit, exactly once.")
final class IngestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand FloeCli root;
  @Mixin ConfigOptions configOptions;
  @Mixin SourceOptions sourceOptions;

  @Option(names = "--filter", paramLabel = "EXPR", description = "Keep only events matching this WHERE-style predicate, e.g. \"op != '_internal'\".")
  String filter;

  @Option(names = "--dead-letter-dir", paramLabel = "DIR|S3URI", description = "Where rejected events go: a directory (default ./floe-dead-letter) or s3://bucket/prefix/.")
  String deadLetterDir;

  @Option(names = "--max-events", paramLabel = "N", description = "Start no further batch once N events were read.")
  Long maxEvents;

  @Option(names = "--max-bytes", paramLabel = "SIZE", description = "Take batches up to this much input, e.g. 2GB (default 8GB).")
  String maxBytes;

  @Option(names = "--max-duration", paramLabel = "DURATION", description = "Start no further batch after this long, e.g. 4m.")
  String maxDuration;

  @Option(names = "--max-reject-ratio", paramLabel = "RATIO", description = "Fail without committing when more than this share of events is rejected (0 to 1).")
  Double maxRejectRatio;

  @Option(names = "--dry-run", description = "Read, validate and filter, and report what would be committed; write and commit nothing.")
  boolean dryRun;

  @Option(names = "--metrics-file", paramLabel = "FILE", description = "Write Prometheus metrics here (node_exporter textfile format).")
  Path metricsFile;

  @Option(names = "--json", description = "Print one JSON object line instead of the summary.")
  boolean json;

  @Option(names = "--stacktrace", description = "Print the full stack trace of an error.")
  boolean stacktrace;

  @Override
  public Integer call() {
    Instant start = Instant.now();
    Map<String, String> flags = new HashMap<>();
    flags.put(IngestConfig.FILTER, filter);
    flags.put(IngestConfig.DEAD_LETTER_DIR, deadLetterDir);
    flags.put(RunLimits.MAX_EVENTS, maxEvents == null ? null : maxEvents.toString());
    flags.put(RunLimits.MAX_BYTES, maxBytes);
    flags.put(RunLimits.MAX_DURATION, maxDuration);
    flags.put(RunLimits.MAX_REJECT_RATIO, maxRejectRatio == null ? null : maxRejectRatio.toString());
    // The metrics name the table even when the configuration is broken: a cron job failing on a
    // bad config must show exit code 2, not the last good run's 0.
    String table = configOptions.table != null ? configOptions.table : root.env().getOrDefault("FLOE_TABLE", IngestConfig.DEFAULT_TABLE);
    Settings read = null;
    try {
      Settings settings = configOptions.settings(root.env(), flags);
      read = settings;
      table = settings.string(IngestConfig.TABLE, IngestConfig.DEFAULT_TABLE).trim();
      IngestConfig config = ingestConfig(settings);
      try (Source source = sourceOptions.open(settings, config.run(), System.in, Clock.systemUTC());
          OpenCatalog catalog = OpenCatalog.from(settings)) {
        FloeWriter writer = writer(settings, config, catalog);
        IngestJob.JobResult result;
        try (Progress progress = Progress.on(root.terminal(), json, spec.commandLine().getErr())) {
          IngestOptions options = IngestOptions.defaults().withDryRun(dryRun).withProgress(progress);
          result = new IngestJob(writer, Clock.systemUTC()).run(source, options);
        }
        print(result, spec.commandLine().getOut());
        metrics(table, ExitCodes.OK, result.ingest(), start);
        return ExitCodes.OK;
      }
    } catch (SourceBusyException e) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(json ? Json.line(Map.of("table", table, "committed", false, "skipped", "busy", "reason", e.getMessage()))
          : "Nothing done: " + e.getMessage());
      out.flush();
      metrics(table, ExitCodes.OK, null, start);
      return ExitCodes.OK;
    } catch (RuntimeException e) {
      RuntimeException reported = TlsFailures.explain(e, read);
      metrics(table, FloeCli.exitCode(reported), null, start);
      throw reported;
    }
  }

  /** The ingest config of {@code settings}, with the embedded catalog's commit rule when it is one. */
  static IngestConfig ingestConfig(Settings settings) {
    IngestConfig config = IngestConfig.from(settings);
    if (CatalogConfig.from(settings).type() == CatalogType.LOCAL) {
      // A failed commit that the reloaded table does not show never lands: its files can go.
      config = config.withCommit(config.commit().withCatalog(CommitOptions.Catalog.EMBEDDED));
    }
    return config;
  }

  /** A writer of {@code config} on {@code catalog}, its dead letters where the settings say. */
  static FloeWriter writer(Settings settings, IngestConfig config, OpenCatalog catalog) {
    FloeWriter.Builder builder = FloeWriter.builder(catalog.catalog()).config(config);
    IngestConfig.deadLetterS3Prefix(settings)
        .ifPresent(prefix -> builder.deadLetters(DeadLetters.s3(S3Clients.create(CatalogConfig.from(settings)), prefix)));
    return builder.build();
  }

  /** Writes the metrics file, if asked; failing to does not change the run's exit code, only warns. */
  private void metrics(String table, int exitCode, IngestResult result, Instant start) {
    if (metricsFile != null) {
      Instant now = Instant.now();
      try {
        MetricsFile.write(metricsFile, table, exitCode, result, Duration.between(start, now).toMillis() / 1000.0, now);
      } catch (UncheckedIOException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("floe: warning: " + e.getMessage());
        err.flush();
      }
    }
  }

  private void print(IngestJob.JobResult job, PrintWriter out) {
    IngestResult result = job.ingest();
    if (json) {
      Map<String, Object> fields = fields(result);
      fields.put("dry_run", dryRun);
      fields.put("claims_acknowledged", job.claimsAcknowledged());
      fields.put("claims_released", job.claimsReleased());
      Source.Unsettled unsettled = job.unsettled();
      fields.put("batches_waiting", unsettled.batches());
      fields.put("oldest_waiting_since", unsettled.since().map(Instant::toString).orElse(null));
      fields.put("oldest_waiting_until", unsettled.until().map(Instant::toString).orElse(null));
      out.println(Json.line(fields));
      out.flush();
      return;
    }
    if (dryRun) {
      out.printf("Dry run on %s: would commit %d batches: %d events of %d read (%d rejected, %d filtered); nothing was written%n",
          result.table(), result.count(BatchOutcome.Status.DRY_RUN), result.eventsWritten(), result.eventsRead(),
          result.eventsRejected(), result.eventsFiltered());
    } else if (!result.committed()) {
      out.printf("Nothing new to commit: %d batches offered, %d already in %s (run %s)%n",
          result.batchesOffered(), result.batchesSkipped(), result.table(), result.runId());
    } else {
      out.printf("Committed snapshot %d to %s (run %s)%n", result.snapshotId(), result.table(), result.runId());
      out.printf("  batches  %d committed, %d already in the table, %d deferred, %d failed%n", result.batchesCommitted(),
          result.batchesSkipped(), result.count(BatchOutcome.Status.DEFERRED), result.count(BatchOutcome.Status.FAILED));
      out.printf("  events   %d read, %d written, %d rejected, %d filtered%n",
          result.eventsRead(), result.eventsWritten(), result.eventsRejected(), result.eventsFiltered());
      out.printf("  files    %d data files, %s%s%n", result.dataFiles(), humanBytes(result.bytesWritten()),
          result.dataFilesClosedEarly() == 0 ? ""
              : "; " + result.dataFilesClosedEarly() + " closed early to stay within " + IngestConfig.MAX_OPEN_FILES);
      out.printf("  took     %.2f s%n", result.duration().toMillis() / 1000.0);
      for (String deadLetter : result.deadLetters()) {
        out.printf("  rejects  %s%n", deadLetter);
      }
    }
    Source.Unsettled unsettled = job.unsettled();
    if (unsettled.batches() > 0) {
      out.printf("  waiting  %d batches for %s%n", unsettled.batches(), unsettled.waitText());
    }
    out.flush();
  }

  static Map<String, Object> fields(IngestResult result) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("run_id", result.runId());
    fields.put("table", result.table());
    fields.put("committed", result.committed());
    fields.put("batches_offered", result.batchesOffered());
    fields.put("batches_committed", result.batchesCommitted());
    fields.put("batches_skipped", result.batchesSkipped());
    fields.put("batches_deferred", result.count(BatchOutcome.Status.DEFERRED));
    fields.put("batches_failed", result.count(BatchOutcome.Status.FAILED));
    fields.put("events_read", result.eventsRead());
    fields.put("events_written", result.eventsWritten());
    fields.put("events_rejected", result.eventsRejected());
    fields.put("events_filtered", result.eventsFiltered());
    fields.put("data_files", result.dataFiles());
    fields.put("data_files_closed_early", result.dataFilesClosedEarly());
    fields.put("bytes_read", result.bytesRead());
    fields.put("bytes_written", result.bytesWritten());
    fields.put("snapshot_id", result.snapshotId());
    fields.put("duration_ms", result.duration().toMillis());
    fields.put("dead_letters", result.deadLetters());
    return fields;
  }

  static String humanBytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format("%.1f %s", value, units[unit]);
  }
}
