package dev.floe.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.config.DataSize;
import dev.floe.core.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run tells its {@link IngestOptions.Progress} listener: it moves within one large batch. */
class IngestProgressTest {
  private static final Instant T = Instant.parse("2026-11-02T12:00:00Z");

  @TempDir Path dir;
  private HadoopCatalog catalog;
  private IngestConfig config;
  private final List<IngestProgress> told = new ArrayList<>();

  @BeforeEach
  void setUp() {
    catalog = TestTables.catalog(dir.resolve("warehouse"));
    config = IngestConfig.from(Settings.empty()).withDeadLetterDirectory(dir.resolve("dead"));
  }

  private Path file(String name, int events) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int seq = 1; seq <= events; seq++) {
      lines.add(TestTables.ndjson(name, seq, T));
    }
    return Files.write(dir.resolve(name + ".ndjson"), lines);
  }

  private IngestResult ingest(IngestConfig ingestConfig, List<Batch> batches) {
    FloeWriter writer = FloeWriter.builder(catalog).config(ingestConfig).build();
    return writer.ingest(batches, IngestOptions.defaults().withProgress(told::add));
  }

  @Test
  void oneLargeBatchReportsBytesAndEventsWhileItIsRead() throws IOException {
    Path large = file("large", 40_000);
    long size = Files.size(large);
    assertThat(size).as("several progress steps of input").isGreaterThan(4 * IngestRun.PROGRESS_BYTES);

    IngestResult result = ingest(config, List.of(Batch.ofFile(large)));

    assertThat(told.get(0)).isEqualTo(new IngestProgress(0, 1, 0, 0, OptionalLong.of(size)));
    List<IngestProgress> during = told.stream().filter(p -> p.batchesDone() == 0 && p.bytesRead() > 0).toList();
    assertThat(during).hasSizeGreaterThanOrEqualTo(4);
    assertThat(during).allSatisfy(p -> assertThat(p.bytesRead()).isLessThanOrEqualTo(size));
    assertThat(during.get(during.size() - 1).eventsRead()).isPositive().isLessThanOrEqualTo(40_000);
    assertThat(during).isSortedAccordingTo((a, b) -> Long.compare(a.bytesRead(), b.bytesRead()));
    assertThat(during).isSortedAccordingTo((a, b) -> Long.compare(a.eventsRead(), b.eventsRead()));
    IngestProgress last = told.get(told.size() - 1);
    assertThat(last).isEqualTo(new IngestProgress(1, 1, 40_000, size, OptionalLong.of(size)));
    assertThat(last.allRead()).isTrue();
    assertThat(result.eventsRead()).isEqualTo(last.eventsRead());
  }

  @Test
  void theTotalIsUnknownWhenABatchDoesNotKnowItsSize() throws IOException {
    Batch events = Batch.ofEvents("do-x:1-1", List.of(Map.of(
        "do_id", "do-x", "key", "k", "op", "PUT", "timestamp", T.toEpochMilli(), "seq", 1L)));
    assertThat(events.size()).isEmpty();

    ingest(config, List.of(Batch.ofFile(file("sized", 10)), events));

    assertThat(told).isNotEmpty().allSatisfy(p -> assertThat(p.bytesTotal()).isEmpty());
    IngestProgress last = told.get(told.size() - 1);
    assertThat(last.batchesDone()).isEqualTo(2);
    assertThat(last.eventsRead()).isEqualTo(11);
  }

  @Test
  void deferredBatchesLeaveTheTotal() throws IOException {
    Path first = file("first", 20);
    Path second = file("second", 20);
    RunLimits limits = new RunLimits(15, DataSize.parse("1GB"), Duration.ZERO, 1.0);

    IngestResult result = ingest(config.withRunLimits(limits), List.of(Batch.ofFile(first), Batch.ofFile(second)));

    assertThat(result.count(BatchOutcome.Status.DEFERRED)).isEqualTo(1);
    assertThat(told.get(0).bytesTotal()).hasValue(Files.size(first) + Files.size(second));
    IngestProgress last = told.get(told.size() - 1);
    assertThat(last).isEqualTo(new IngestProgress(1, 1, 20, Files.size(first), OptionalLong.of(Files.size(first))));
  }

  @Test
  void aFileBatchKnowsItsSizeAndASizeCannotBeNegative() throws IOException {
    Path input = file("one", 3);

    assertThat(Batch.ofFile(input).size()).hasValue(Files.size(input));
    assertThatThrownBy(() -> Batch.of("id", "src", () -> null).withSize(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid batch size: -1 (source src)");
    assertThatThrownBy(() -> new IngestProgress(2, 1, 0, 0, OptionalLong.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid progress: 2 of 1 batches, 0 events, 0 bytes");
  }
}
