package dev.floe.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import dev.floe.core.Batch;
import dev.floe.core.BatchOutcome;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.IngestOptions;
import dev.floe.core.RunLimits;
import dev.floe.core.TestTables;
import dev.floe.core.config.Settings;
import dev.floe.core.source.SpoolSource;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dry run on a spool reads and reports, and changes nothing: no table, no claim, no file moved. */
class IngestJobDryRunTest {
  private static final Instant T = Instant.parse("2026-11-02T12:00:00Z");

  @TempDir Path dir;

  @Test
  void aDryRunMovesNoFileNotEvenOneThatCannotBeOpenedAndCreatesNoTable() throws IOException {
    Path spool = Files.createDirectories(dir.resolve("spool"));
    Files.write(spool.resolve("a.ndjson"), List.of(TestTables.ndjson("do-a", 1, T), TestTables.ndjson("do-a", 2, T)));
    Path b = Files.write(spool.resolve("b.ndjson"), List.of(TestTables.ndjson("do-b", 1, T)));
    Catalog catalog = TestTables.catalog(dir.resolve("wh"));
    FloeWriter writer = FloeWriter.builder(catalog)
        .config(IngestConfig.from(Settings.empty()).withDeadLetterDirectory(dir.resolve("dead"))).build();
    SpoolSource source = spy(new SpoolSource(spool, Duration.ZERO, RunLimits.defaults(), Clock.systemUTC()));
    doAnswer(call -> {
      List<Batch> real = new ArrayList<>(((List<?>) call.callRealMethod()).stream().map(Batch.class::cast).toList());
      int index = real.get(0).source().equals(b.toString()) ? 0 : 1;
      real.set(index, Batch.of(real.get(index).id(), b.toString(), () -> { throw new AccessDeniedException(b.toString()); }));
      return real;
    }).when(source).pending();

    IngestJob.JobResult result = new IngestJob(writer, Clock.systemUTC()).run(source, IngestOptions.defaults().withDryRun(true));
    source.close();

    assertThat(result.ingest().batches()).extracting(BatchOutcome::status)
        .containsExactlyInAnyOrder(BatchOutcome.Status.DRY_RUN, BatchOutcome.Status.FAILED);
    assertThat(result.ingest().eventsWritten()).isEqualTo(2);
    assertThat(result.ingest().table()).isEqualTo(catalog.name() + "." + TestTables.EVENTS);
    assertThat(names(spool)).containsExactly("a.ndjson", "b.ndjson");
    assertThat(Files.exists(spool.resolve("failed"))).isFalse();
    assertThat(names(spool.resolve(".floe").resolve("claims"))).isEmpty();
    assertThat(catalog.tableExists(TestTables.EVENTS)).isFalse();
  }

  @Test
  void aDryRunLeavesAFileThatCannotBeReadWhereItIs() throws IOException {
    Path spool = Files.createDirectories(dir.resolve("spool"));
    Files.write(spool.resolve("a.ndjson"), List.of(TestTables.ndjson("do-a", 1, T)));
    // A regular file whose every read fails with EIO, even for root: what a bad disk sector gives.
    Path broken = Files.createSymbolicLink(spool.resolve("b.ndjson"), Path.of("/proc/self/mem"));
    Catalog catalog = TestTables.catalog(dir.resolve("wh"));
    FloeWriter writer = FloeWriter.builder(catalog)
        .config(IngestConfig.from(Settings.empty()).withDeadLetterDirectory(dir.resolve("dead"))).build();
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1));

    IngestJob.JobResult dry;
    try (SpoolSource source = new SpoolSource(spool, Duration.ZERO, RunLimits.defaults(), later)) {
      dry = new IngestJob(writer, later).run(source, IngestOptions.defaults().withDryRun(true));
    }

    assertThat(dry.ingest().batches()).filteredOn(o -> o.status() == BatchOutcome.Status.FAILED)
        .singleElement().satisfies(o -> assertThat(o.reason()).startsWith("Cannot open " + broken + ": java.io.IOException"));
    assertThat(names(spool)).containsExactly("a.ndjson", "b.ndjson");
    assertThat(Files.exists(spool.resolve("failed"))).isFalse();

    IngestJob.JobResult real;
    try (SpoolSource source = new SpoolSource(spool, Duration.ZERO, RunLimits.defaults(), later)) {
      real = new IngestJob(writer, later).run(source, IngestOptions.defaults());
    }

    assertThat(real.ingest().batchesCommitted()).isEqualTo(1);
    assertThat(names(spool.resolve("failed"))).containsExactly("b.ndjson", "b.ndjson.reason.txt");
    assertThat(Files.readString(spool.resolve("failed").resolve("b.ndjson.reason.txt")))
        .startsWith("Cannot open " + broken + ": java.io.IOException: Input/output error");
  }

  private static List<String> names(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
