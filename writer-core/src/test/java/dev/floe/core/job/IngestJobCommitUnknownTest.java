package dev.floe.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.IngestOptions;
import dev.floe.core.RunLimits;
import dev.floe.core.TestTables;
import dev.floe.core.commit.CommitOptions;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.commit.Committer;
import dev.floe.core.config.Settings;
import dev.floe.core.source.SpoolSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cron job after a commit whose state is unknown (CLI exit code 3): the run keeps its claim and
 * its files, and the next run settles the claim by what the table says, so the batches end up in
 * the table once whether the lost commit landed or not.
 */
class IngestJobCommitUnknownTest {
  private static final Instant T = Instant.parse("2026-11-02T12:00:00Z");
  private final Clock clock = Clock.systemUTC();

  @TempDir Path dir;
  private Path spool;
  private Catalog catalog;
  private IngestConfig config;

  @BeforeEach
  void setUp() throws IOException {
    spool = Files.createDirectories(dir.resolve("spool"));
    catalog = TestTables.catalog(dir.resolve("wh"));
    config = IngestConfig.from(Settings.empty()).withDeadLetterDirectory(dir.resolve("dead"));
    for (String name : List.of("a.ndjson", "b.ndjson")) {
      List<String> lines = new ArrayList<>();
      for (int seq = 1; seq <= 3; seq++) {
        lines.add(TestTables.ndjson("do-" + name, seq, T));
      }
      Files.write(spool.resolve(name), lines);
    }
  }

  private SpoolSource spool() {
    return new SpoolSource(spool, Duration.ZERO, RunLimits.defaults(), clock);
  }

  /** A committer whose answer from the catalog is lost; {@code landed}: after the commit went through. */
  private FloeWriter losingTheAnswer(boolean landed) {
    Committer committer = spy(new Committer(CommitOptions.defaults()));
    doAnswer(call -> {
      if (landed) {
        call.callRealMethod();
      }
      throw new CommitUnknownException(call.getArgument(2), "Cannot tell whether run " + call.getArgument(2) + " committed",
          new CommitStateUnknownException(new RuntimeException("connection reset")));
    }).when(committer).commit(any(), anyList(), anyString(), anyCollection(), anyMap(), anyMap());
    return FloeWriter.builder(catalog).config(config).committer(committer).build();
  }

  private FloeWriter writer() {
    return FloeWriter.builder(catalog).config(config).build();
  }

  @Test
  void aCommitThatDidNotLandIsTakenAgainByTheNextRun() throws IOException {
    try (SpoolSource source = spool()) {
      assertThatThrownBy(() -> new IngestJob(losingTheAnswer(false), clock).run(source, IngestOptions.defaults()))
          .isInstanceOf(CommitUnknownException.class);
    }
    assertThat(names(spool.resolve(".floe").resolve("claims"))).singleElement().asString().endsWith(".claim");
    assertThat(names(spool)).containsExactly("a.ndjson", "b.ndjson");
    assertThat(TestTables.dataFilesOnDisk(writer().table())).as("the data files of a commit that may land").isNotEmpty();

    IngestJob.JobResult next;
    try (SpoolSource source = spool()) {
      next = new IngestJob(writer(), clock).run(source, IngestOptions.defaults());
    }

    assertThat(next.claimsReleased()).isEqualTo(1);
    assertThat(next.claimsAcknowledged()).isZero();
    assertThat(next.ingest().batchesCommitted()).isEqualTo(2);
    assertEachEventOnceAndEveryFileDone();
  }

  @Test
  void aCommitThatLandedIsAcknowledgedByTheNextRunNotIngestedAgain() throws IOException {
    try (SpoolSource source = spool()) {
      assertThatThrownBy(() -> new IngestJob(losingTheAnswer(true), clock).run(source, IngestOptions.defaults()))
          .isInstanceOf(CommitUnknownException.class);
    }
    assertThat(names(spool)).containsExactly("a.ndjson", "b.ndjson");
    assertThat(TestTables.rows(writer().table())).hasSize(6);

    IngestJob.JobResult next;
    try (SpoolSource source = spool()) {
      next = new IngestJob(writer(), clock).run(source, IngestOptions.defaults());
    }

    assertThat(next.claimsAcknowledged()).isEqualTo(1);
    assertThat(next.claimsReleased()).isZero();
    assertThat(next.ingest().committed()).isFalse();
    assertThat(next.ingest().batchesOffered()).isZero();
    assertEachEventOnceAndEveryFileDone();
  }

  private void assertEachEventOnceAndEveryFileDone() throws IOException {
    assertThat(TestTables.rows(writer().table())).extracting(r -> r.getField("do_id") + "/" + r.getField("seq"))
        .hasSize(6).doesNotHaveDuplicates();
    assertThat(names(spool.resolve("done"))).containsExactly("a.ndjson", "b.ndjson");
    assertThat(names(spool)).isEmpty();
    assertThat(names(spool.resolve(".floe").resolve("claims"))).isEmpty();
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
