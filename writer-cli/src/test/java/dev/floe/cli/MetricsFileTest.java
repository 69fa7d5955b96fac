package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.floe.core.IngestResult;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --metrics-file: node_exporter's textfile format, parsed back as a collector would. */
class MetricsFileTest {
  private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)\\{table=\"([^\"]*)\"\\} (\\S+)$");

  @TempDir Path dir;
  private CronFixture cron;
  private Path metrics;

  @BeforeEach
  void setUp() {
    cron = new CronFixture(dir);
    metrics = dir.resolve("textfile").resolve("floe.prom");
  }

  /** Metric name to value; checks every sample has HELP and TYPE gauge and the table label. */
  private Map<String, Double> parse() throws IOException {
    Map<String, Double> samples = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(metrics);
    List<String> declared = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("# HELP ")) {
        declared.add(line.split(" ")[2]);
      } else if (line.startsWith("# TYPE ")) {
        assertThat(line).endsWith(" gauge");
      } else {
        Matcher sample = SAMPLE.matcher(line);
        assertThat(sample.matches()).as("sample line '%s'", line).isTrue();
        assertThat(sample.group(2)).isEqualTo(CronFixture.TABLE);
        assertThat(declared).as("HELP before %s", line).contains(sample.group(1));
        samples.put(sample.group(1), Double.parseDouble(sample.group(3)));
      }
    }
    return samples;
  }

  @Test
  void aSuccessfulRunRecordsItsFiguresAndAFailedRunKeepsTheLastSuccessTime() throws IOException {
    cron.drop("a.ndjson", CronFixture.events("do-1", 1, 40));
    double before = Instant.now().toEpochMilli() / 1000.0;

    CliRunner.Result ok = cron.ingestSpool("--metrics-file", metrics.toString());

    assertThat(ok.exitCode()).as(ok.err()).isZero();
    Map<String, Double> first = parse();
    assertThat(first.get("floe_ingest_exit_code")).isZero();
    assertThat(first.get("floe_ingest_events_read")).isEqualTo(40);
    assertThat(first.get("floe_ingest_events_written")).isEqualTo(40);
    assertThat(first.get("floe_ingest_events_rejected")).isZero();
    assertThat(first.get("floe_ingest_batches_committed")).isEqualTo(1);
    assertThat(first.get("floe_ingest_data_files")).isGreaterThanOrEqualTo(1);
    assertThat(first.get("floe_ingest_bytes_written")).isPositive();
    assertThat(first.get("floe_ingest_last_success_timestamp_seconds")).isEqualTo(first.get("floe_ingest_last_run_timestamp_seconds"))
        .isGreaterThanOrEqualTo(Math.floor(before));
    assertThat(first.get("floe_ingest_duration_seconds")).isPositive();
    assertThat(Files.list(metrics.getParent()).map(p -> p.getFileName().toString())).containsExactly("floe.prom");

    List<String> bad = new ArrayList<>(CronFixture.events("do-2", 1, 2));
    bad.add("broken");
    bad.add("broken");
    cron.drop("b.ndjson", bad);
    CliRunner.Result failed = cron.ingestSpool("--metrics-file", metrics.toString(), "--max-reject-ratio", "0.1");

    assertThat(failed.exitCode()).isEqualTo(ExitCodes.TOO_MANY_REJECTS);
    Map<String, Double> second = parse();
    assertThat(second.get("floe_ingest_exit_code")).isEqualTo(ExitCodes.TOO_MANY_REJECTS);
    assertThat(second.get("floe_ingest_last_success_timestamp_seconds"))
        .isEqualTo(first.get("floe_ingest_last_success_timestamp_seconds"));
    assertThat(second.get("floe_ingest_last_run_timestamp_seconds"))
        .isGreaterThanOrEqualTo(first.get("floe_ingest_last_run_timestamp_seconds"));
    assertThat(second).doesNotContainKey("floe_ingest_events_read");
  }

  @Test
  void aFailureBeforeAnySuccessReportsNeverSucceeded() throws IOException {
    cron.drop("a.ndjson", List.of("broken"));

    CliRunner.Result failed = cron.ingestSpool("--metrics-file", metrics.toString(), "--max-reject-ratio", "0");

    assertThat(failed.exitCode()).isEqualTo(ExitCodes.TOO_MANY_REJECTS);
    Map<String, Double> samples = parse();
    assertThat(samples.get("floe_ingest_last_success_timestamp_seconds")).isZero();
    assertThat(samples.get("floe_ingest_last_run_timestamp_seconds")).isCloseTo(Instant.now().getEpochSecond(), within(120.0));
  }

  @Test
  void aRunThatFindsTheSpoolBusyIsNotASuccess() throws IOException {
    cron.drop("a.ndjson", CronFixture.events("do-1", 1, 5));
    CliRunner.Result ok = cron.ingestSpool("--metrics-file", metrics.toString());
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    double lastSuccess = parse().get("floe_ingest_last_success_timestamp_seconds");
    cron.drop("b.ndjson", CronFixture.events("do-1", 6, 5));

    Path lock = cron.spool.resolve(".floe").resolve("lock");
    CliRunner.Result busy;
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      busy = cron.ingestSpool("--metrics-file", metrics.toString());
    }

    // Exit 0: the run holding the spool reports for itself. But a run that did nothing must not
    // refresh the success time, or a run stuck holding the lock would never raise the alert.
    assertThat(busy.exitCode()).isZero();
    Map<String, Double> samples = parse();
    assertThat(samples.get("floe_ingest_exit_code")).isZero();
    assertThat(samples.get("floe_ingest_last_success_timestamp_seconds")).isEqualTo(lastSuccess);
  }

  @Test
  void aConfigurationErrorIsRecordedAsExitCodeTwo() throws IOException {
    cron.drop("a.ndjson", CronFixture.events("do-1", 1, 5));
    CliRunner.Result ok = cron.ingestSpool("--metrics-file", metrics.toString());
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    double lastSuccess = parse().get("floe_ingest_last_success_timestamp_seconds");

    CliRunner.Result broken = cron.ingestSpool("--metrics-file", metrics.toString(), "--max-reject-ratio", "1.5");

    assertThat(broken.exitCode()).isEqualTo(ExitCodes.USAGE);
    Map<String, Double> samples = parse();
    assertThat(samples.get("floe_ingest_exit_code")).isEqualTo(ExitCodes.USAGE);
    assertThat(samples.get("floe_ingest_last_success_timestamp_seconds")).isEqualTo(lastSuccess);
  }

  @Test
  void aMetricsFileThatCannotBeWrittenWarnsButDoesNotFailTheRun() throws IOException {
    cron.drop("a.ndjson", CronFixture.events("do-1", 1, 5));
    Files.createDirectories(metrics);
    Files.writeString(metrics.resolve("keep"), "a directory where the metrics file should be");

    CliRunner.Result result = cron.ingestSpool("--metrics-file", metrics.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).contains("floe: warning: Cannot write metrics file " + metrics);
    assertThat(CronFixture.json(result).get("batches_committed").asInt()).isEqualTo(1);
    assertThat(cron.files("done")).containsExactly("a.ndjson");
  }

  @Test
  void labelValuesAreEscapedAsTheTextFormatRequiresAndStillReadBack() throws IOException {
    String table = "odd\\ns.\"quoted\"\nname}";
    Instant first = Instant.ofEpochSecond(1_764_000_000L);

    IngestResult nothingNew = new IngestResult("run-1", table, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, null, Duration.ZERO, List.of());
    MetricsFile.write(metrics, table, ExitCodes.OK, nothingNew, 1.5, first);

    List<String> samples = Files.readAllLines(metrics).stream().filter(line -> !line.startsWith("#")).toList();
    assertThat(samples).hasSize(12).allSatisfy(line ->
        assertThat(line).contains("{table=\"odd\\\\ns.\\\"quoted\\\"\\nname}\"} "));

    MetricsFile.write(metrics, table, ExitCodes.RETRYABLE, null, 0.5, first.plusSeconds(60));

    assertThat(Files.readAllLines(metrics))
        .contains("floe_ingest_last_success_timestamp_seconds{table=\"odd\\\\ns.\\\"quoted\\\"\\nname}\"} 1764000000")
        .contains("floe_ingest_last_run_timestamp_seconds{table=\"odd\\\\ns.\\\"quoted\\\"\\nname}\"} 1764000060");
  }
}
