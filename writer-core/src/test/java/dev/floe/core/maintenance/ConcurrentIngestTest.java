package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import dev.floe.core.FloeWriter;
import dev.floe.core.config.DataSize;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest keeps committing into the partitions being compacted: nothing is lost, nothing doubled. */
class ConcurrentIngestTest {
  private static final int EVENTS = 30;

  @TempDir Path dir;

  @Test
  void ingestRunningWhileCompactionRunsLosesAndDoublesNothing() throws Exception {
    Fixture fixture = new Fixture(dir);
    for (int i = 0; i < 10; i++) {
      fixture.ingest("batch-" + i, i * (long) EVENTS, EVENTS);
    }
    Table table = fixture.table();
    AtomicInteger committed = new AtomicInteger(10);
    AtomicBoolean stop = new AtomicBoolean();
    FloeWriter writer = fixture.writer();
    ExecutorService ingestThread = Executors.newSingleThreadExecutor();
    Future<?> ingest =
        ingestThread.submit(
            () -> {
              for (int i = 10; !stop.get(); i++) {
                assertThat(Fixture.ingest(writer, "batch-" + i, i * (long) EVENTS, EVENTS).committed()).isTrue();
                committed.incrementAndGet();
              }
              return null;
            });
    // Every group's commit waits until ingest has committed again since the group was planned,
    // so each rewrite is validated against appends into its own partition.
    Table spied = spy(table);
    doAnswer(
            invocation -> {
              int seen = committed.get();
              await().atMost(Duration.ofMinutes(1)).until(() -> committed.get() > seen || ingest.isDone());
              return invocation.callRealMethod();
            })
        .when(spied)
        .newRewrite();

    CompactionResult result =
        TableMaintenance.builder(spied).config(Fixture.config(DataSize.ofKilobytes(256))).build().compact();
    stop.set(true);
    ingest.get(1, TimeUnit.MINUTES);
    ingestThread.shutdown();

    assertThat(result.groupsPlanned()).isEqualTo(3);
    assertThat(result.groupsCommitted()).isEqualTo(3);
    int batches = committed.get();
    assertThat(batches).isGreaterThan(13);
    Map<String, Long> expected = new HashMap<>();
    for (long seq = 0; seq < (long) batches * EVENTS; seq++) {
      expected.put("do-" + (seq % 97) + "/" + seq, 1L);
    }
    assertThat(Fixture.keyMultiset(table)).isEqualTo(expected);
  }
}
