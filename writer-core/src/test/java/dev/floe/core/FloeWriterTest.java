package dev.floe.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.core.commit.CommitOptions;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.commit.Committer;
import dev.floe.core.config.Settings;
import dev.floe.core.deadletter.DeadLetters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FloeWriterTest {
  private static final Instant T = Instant.parse("2026-11-02T12:00:00Z");

  @TempDir Path dir;
  private HadoopCatalog catalog;
  private Path deadLetters;
  private IngestConfig config;

  @BeforeEach
  void setUp() {
    catalog = TestTables.catalog(dir.resolve("warehouse"));
    deadLetters = dir.resolve("dead");
    config = IngestConfig.from(Settings.empty()).withDeadLetterDirectory(deadLetters);
  }

  private FloeWriter writer(IngestConfig ingestConfig) {
    return FloeWriter.builder(catalog).config(ingestConfig).build();
  }

  private Path file(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void writesValidEventsRejectsBadLinesAndSkipsTheBatchWhenOfferedAgain() throws IOException {
    Path input = file("batch-1.ndjson",
        TestTables.ndjson("do-a", 1, T),
        "{broken json",
        TestTables.ndjson("do-a", 2, T.plusSeconds(86_400)),
        "{\"do_id\":\"do-b\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":" + T.toEpochMilli() + ",\"seq\":\"three\"}",
        TestTables.ndjson("do-b", 1, T));
    FloeWriter writer = writer(config);

    IngestResult first = writer.ingest(Batch.ofFile(input));

    assertThat(first.committed()).isTrue();
    assertThat(first.eventsRead()).isEqualTo(5);
    assertThat(first.eventsWritten()).isEqualTo(3);
    assertThat(first.eventsRejected()).isEqualTo(2);
    assertThat(first.dataFiles()).isEqualTo(2);
    assertThat(first.bytesWritten()).isPositive();
    Table table = writer.table();
    List<Record> rows = TestTables.rows(table);
    assertThat(rows).extracting(r -> r.getField("do_id") + "/" + r.getField("seq"))
        .containsExactlyInAnyOrder("do-a/1", "do-a/2", "do-b/1");
    assertThat(rows).extracting(r -> r.getField("value")).contains("{\"n\":2}");

    assertThat(first.deadLetters()).hasSize(1);
    List<JsonNode> rejects = readNdjson(Path.of(first.deadLetters().get(0)));
    assertThat(rejects).extracting(r -> r.get("line").asLong()).containsExactly(2L, 4L);
    assertThat(rejects).allSatisfy(r -> assertThat(r.get("source").asText()).isEqualTo(input.toString()));
    assertThat(rejects.get(1).get("reason").asText()).contains("seq");

    IngestResult second = writer.ingest(Batch.ofFile(input));
    assertThat(second.committed()).isFalse();
    assertThat(second.batchesSkipped()).isEqualTo(1);
    assertThat(second.eventsRead()).isZero();
    assertThat(TestTables.rows(table)).hasSize(3);
    assertThat(Files.list(deadLetters).filter(p -> !p.getFileName().toString().startsWith("."))).hasSize(1);
  }

  @Test
  void onlyNewBatchesOfARunAreCommitted() throws IOException {
    Path one = file("one.ndjson", TestTables.ndjson("do-a", 1, T));
    Path two = file("two.ndjson", TestTables.ndjson("do-a", 2, T));
    FloeWriter writer = writer(config);
    writer.ingest(Batch.ofFile(one));

    IngestResult result = writer.ingest(List.of(Batch.ofFile(one), Batch.ofFile(two)));

    assertThat(result.batchesOffered()).isEqualTo(2);
    assertThat(result.batchesSkipped()).isEqualTo(1);
    assertThat(result.eventsWritten()).isEqualTo(1);
    assertThat(TestTables.rows(writer.table())).hasSize(2);
  }

  @Test
  void filteredEventsAreCountedNotDeadLettered() {
    List<Map<String, Object>> events = new ArrayList<>();
    for (String op : List.of("PUT", "_internal", "DELETE")) {
      events.add(Map.of("do_id", "do-1", "key", "k", "op", op, "timestamp", T.toEpochMilli(), "seq", events.size() + 1));
    }
    FloeWriter writer = writer(config.withFilter("op != '_internal'"));

    IngestResult result = writer.ingest(Batch.ofEvents("do-1:1-3", events));

    assertThat(result.eventsWritten()).isEqualTo(2);
    assertThat(result.eventsFiltered()).isEqualTo(1);
    assertThat(result.eventsRejected()).isZero();
    assertThat(result.deadLetters()).isEmpty();
    assertThat(TestTables.rows(writer.table())).extracting(r -> r.getField("op")).containsExactlyInAnyOrder("PUT", "DELETE");
  }

  @Test
  void aRunThatFailsBeforeCommittingDeletesWhatItWrote() throws IOException {
    Path input = file("b.ndjson", TestTables.ndjson("do-a", 1, T), "not json");
    Committer failing = spy(new Committer(CommitOptions.defaults()));
    doThrow(new CommitFailedException("conflict")).when(failing).commit(any(), anyList(), anyString(), anyCollection(), anyMap(), anyMap());
    FloeWriter writer = FloeWriter.builder(catalog).config(config).committer(failing).build();

    assertThatThrownBy(() -> writer.ingest(Batch.ofFile(input)))
        .isInstanceOf(CommitFailedException.class)
        .hasMessage("conflict");

    assertThat(TestTables.dataFilesOnDisk(writer.table())).isEmpty();
    assertThat(deadLetters).isEmptyDirectory();
    assertThat(writer.table().currentSnapshot()).isNull();

    IngestResult retry = writer(config).ingest(Batch.ofFile(input));
    assertThat(retry.eventsWritten()).isEqualTo(1);
    assertThat(retry.eventsRejected()).isEqualTo(1);
  }

  @Test
  void aStorageFailureWhileWritingFailsTheRunAndDeletesWhatItWrote() throws IOException {
    // Three days, so three data files; the second cannot be created. Writing runs on a thread of
    // its own: the failure must reach the run, and the clean-up wait for that thread.
    Path input =
        file("days.ndjson",
            TestTables.ndjson("do-a", 1, T),
            TestTables.ndjson("do-a", 2, T.plus(Duration.ofDays(1))),
            TestTables.ndjson("do-a", 3, T.plus(Duration.ofDays(2))));
    FloeWriter writer = FloeWriter.builder(failingCatalog()).config(config).build();
    FailingFileIO.DATA_FILES_ALLOWED.set(1);
    try {
      assertThatThrownBy(() -> writer.ingest(Batch.ofFile(input)))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("Cannot create ")
          .hasRootCauseMessage("No space left on device");
    } finally {
      FailingFileIO.reset();
    }

    assertThat(TestTables.dataFilesOnDisk(writer.table())).isEmpty();
    assertThat(writer.table().currentSnapshot()).isNull();
    assertThat(writer(config).ingest(Batch.ofFile(input)).eventsWritten()).isEqualTo(3);
  }

  @Test
  void aFileThatCannotBeFinishedFailsTheRunAndEveryFileIsDeleted() throws IOException {
    // Files are closed (finished, uploaded) on threads of their own and in parallel: one failing
    // must fail the run, and the clean-up must find the files the other closes finished.
    IngestConfig oneOpenFile = config.withWrite(config.write().withMaxOpenFiles(1));
    Path input =
        file("days.ndjson",
            TestTables.ndjson("do-a", 1, T),
            TestTables.ndjson("do-a", 2, T.plus(Duration.ofDays(1))),
            TestTables.ndjson("do-a", 3, T.plus(Duration.ofDays(2))),
            TestTables.ndjson("do-a", 4, T.plus(Duration.ofDays(3))));
    FloeWriter writer = FloeWriter.builder(failingCatalog()).config(oneOpenFile).build();
    FailingFileIO.CLOSES_ALLOWED.set(2);
    try {
      assertThatThrownBy(() -> writer.ingest(Batch.ofFile(input)))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageStartingWith("Cannot close data file ")
          .hasRootCauseMessage("No space left on device");
    } finally {
      FailingFileIO.reset();
    }

    assertThat(TestTables.dataFilesOnDisk(writer.table())).isEmpty();
    assertThat(writer.table().currentSnapshot()).isNull();
    IngestResult retry = writer(oneOpenFile).ingest(Batch.ofFile(input));
    assertThat(retry.eventsWritten()).isEqualTo(4);
    assertThat(retry.dataFiles()).isEqualTo(4);
  }

  /**
   * The dead-letter disk fills up: while rejects are written (a new file cannot be created) or when
   * they are published (a buffered writer's last flush). The run fails, its data files and dead
   * letters are deleted, and the next run commits the batch once.
   */
  @ParameterizedTest(name = "while {0}")
  @ValueSource(strings = {"rejecting", "publishing"})
  void aFullDeadLetterDiskFailsTheRunAndDeletesWhatItWrote(String point) throws IOException {
    Path input = file("b.ndjson", TestTables.ndjson("do-a", 1, T), "{broken json", TestTables.ndjson("do-a", 2, T));
    UncheckedIOException full =
        new UncheckedIOException("Cannot write dead letters to " + deadLetters + ": No space left on device",
            new IOException("No space left on device"));
    DeadLetters real = DeadLetters.directory(deadLetters);
    DeadLetters failing = runId -> {
      DeadLetters.Run run = spy(real.begin(runId));
      if (point.equals("rejecting")) {
        doThrow(full).when(run).reject(anyString(), any());
      } else {
        doThrow(full).when(run).publish();
      }
      return run;
    };
    FloeWriter writer = FloeWriter.builder(catalog).config(config).deadLetters(failing).build();

    assertThatThrownBy(() -> writer.ingest(Batch.ofFile(input))).isSameAs(full);

    assertThat(TestTables.dataFilesOnDisk(writer.table())).isEmpty();
    assertThat(writer.table().currentSnapshot()).isNull();
    assertThat(Files.exists(deadLetters) ? Files.list(deadLetters).toList() : List.of()).isEmpty();
    IngestResult retry = writer(config).ingest(Batch.ofFile(input));
    assertThat(retry.eventsWritten()).isEqualTo(2);
    assertThat(retry.eventsRejected()).isEqualTo(1);
    assertThat(TestTables.rows(writer.table())).hasSize(2);
  }

  private HadoopCatalog failingCatalog() {
    return TestTables.catalog(dir.resolve("warehouse"), Map.of("io-impl", FailingFileIO.class.getName()));
  }

  @Test
  void aRunWhoseCommitStateIsUnknownKeepsItsFiles() throws IOException {
    Path input = file("b.ndjson", TestTables.ndjson("do-a", 1, T));
    Committer unknown = spy(new Committer(CommitOptions.defaults()));
    doThrow(new CommitUnknownException("run", "Cannot tell", new CommitStateUnknownException(new RuntimeException())))
        .when(unknown).commit(any(), anyList(), anyString(), anyCollection(), anyMap(), anyMap());
    FloeWriter writer = FloeWriter.builder(catalog).config(config).committer(unknown).build();

    assertThatThrownBy(() -> writer.ingest(Batch.ofFile(input))).isInstanceOf(CommitUnknownException.class);

    assertThat(TestTables.dataFilesOnDisk(writer.table())).hasSize(1);
  }

  private static List<JsonNode> readNdjson(Path file) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      nodes.add(mapper.readTree(line));
    }
    return nodes;
  }
}
