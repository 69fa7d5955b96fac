package dev.floe.core.decode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RowHandoffTest {
  /** Every kind of column a row carries: strings and JSON (bytes), longs, ints, doubles, booleans, dates, timestamps. */
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "do_id", Types.StringType.get()),
          Types.NestedField.optional(2, "value", Types.StringType.get(), "json"),
          Types.NestedField.required(3, "seq", Types.LongType.get()),
          Types.NestedField.optional(4, "n", Types.IntegerType.get()),
          Types.NestedField.optional(5, "score", Types.DoubleType.get()),
          Types.NestedField.optional(6, "flag", Types.BooleanType.get()),
          Types.NestedField.optional(7, "day", Types.DateType.get()),
          Types.NestedField.optional(8, "timestamp", Types.TimestampType.withZone()));

  private final EventDecoder decoder = new EventDecoder(SCHEMA, DecodeLimits.defaults());

  private static String line(int i) {
    StringBuilder line = new StringBuilder("{\"do_id\":\"do-").append(i % 7).append("\",\"seq\":").append(i);
    if (i % 5 != 0) {
      line.append(",\"value\":{\"i\":").append(i).append(",\"s\":\"x é ").append(i).append("\"}");
    }
    if (i % 3 != 0) {
      line.append(",\"n\":").append(i - 500).append(",\"score\":").append(i / 7.0).append(",\"flag\":").append(i % 2 == 0);
    }
    if (i % 4 != 0) {
      line.append(",\"day\":\"2026-11-").append(10 + i % 20).append("\",\"timestamp\":").append(1_795_507_200_000L + i);
    }
    if (i == 1500) {
      // A value larger than a block's byte budget: its block is handed over with it.
      line.append(",\"big\":1");
      line.insert(1, "\"value\":\"" + "v".repeat(3 * RowHandoff.BLOCK_BYTES) + "\",");
    }
    return line.append('}').toString();
  }

  private static byte[] input(int count) {
    return input(0, count);
  }

  private static byte[] input(int from, int count) {
    StringBuilder text = new StringBuilder();
    for (int i = from; i < from + count; i++) {
      text.append(line(i)).append('\n');
    }
    return text.toString().getBytes(UTF_8);
  }

  private List<Record> direct(byte[] input) {
    List<Record> rows = new ArrayList<>();
    decoder.decodeRows("test", new ByteArrayInputStream(input), row -> rows.add(row.copy()), reject -> {
      throw new AssertionError("unexpected reject: " + reject);
    });
    return rows;
  }

  @Test
  void passesEveryRowOnInOrderWithItsValues() {
    byte[] input = input(5 * RowHandoff.BLOCK_ROWS + 123);
    List<Record> seen = Collections.synchronizedList(new ArrayList<>());
    List<String> threads = Collections.synchronizedList(new ArrayList<>());

    try (RowHandoff handoff = decoder.handoff("test-writer", row -> {
      seen.add(row.copy());
      threads.add(Thread.currentThread().getName());
    })) {
      decoder.decodeRows("test", new ByteArrayInputStream(input), handoff, reject -> {
        throw new AssertionError("unexpected reject: " + reject);
      });
      handoff.finish();
    }

    assertThat(seen).hasSize(5 * RowHandoff.BLOCK_ROWS + 123).isEqualTo(direct(input));
    assertThat(threads).containsOnly("test-writer");
    assertThat(((String) seen.get(1500).getField("value"))).hasSize(3 * RowHandoff.BLOCK_BYTES);
  }

  @Test
  void aFinishedHandoffLeavesItsBlocksToTheNextWhichPassesItsOwnRowsIntact() {
    byte[] first = input(40 * RowHandoff.BLOCK_ROWS);
    byte[] second = input(7, 3 * RowHandoff.BLOCK_ROWS + 5);
    List<Record> seen = Collections.synchronizedList(new ArrayList<>());
    try (RowHandoff handoff = decoder.handoff("test-writer", row -> 0, row -> { })) {
      decoder.decodeRows("test", new ByteArrayInputStream(first), handoff, reject -> { });
      handoff.finish();
    }
    assertThat(RowHandoff.pooled()).as("blocks kept, at most one clustering handoff's").isBetween(1, RowHandoff.POOLED);

    int before = RowHandoff.pooled();
    try (RowHandoff handoff = decoder.handoff("test-writer", row -> seen.add(row.copy()))) {
      assertThat(RowHandoff.pooled()).as("taken by the next handoff").isLessThan(before);
      decoder.decodeRows("test", new ByteArrayInputStream(second), handoff, reject -> { });
      handoff.finish();
    }
    assertThat(seen).isEqualTo(direct(second));

    int kept = RowHandoff.pooled();
    try (RowHandoff handoff = decoder.handoff("test-writer", row -> { })) {
      decoder.decodeRows("test", new ByteArrayInputStream(second), handoff, reject -> { });
      // closed without finishing: its blocks are dropped, not kept
    }
    assertThat(RowHandoff.pooled()).isLessThanOrEqualTo(kept - RowHandoff.BLOCKS);
  }

  @Test
  void aClusteringHandoffGroupsEachWindowByPartitionKeepingEachPartitionsOrder() {
    int windowRows = RowHandoff.CLUSTER_BLOCKS * RowHandoff.BLOCK_ROWS;
    // Two full windows and a short last one; small rows only, so that blocks fill by count.
    byte[] input = input(2000, 2 * windowRows + 500);
    List<Record> seen = Collections.synchronizedList(new ArrayList<>());
    // The partition of a row: its do_id, do-0 .. do-6, which alternates at every row.
    try (RowHandoff handoff = decoder.handoff("test-writer", row -> ((String) row.get(0)).charAt(3) - '0', row -> seen.add(row.copy()))) {
      decoder.decodeRows("test", new ByteArrayInputStream(input), handoff, reject -> {
        throw new AssertionError("unexpected reject: " + reject);
      });
      handoff.finish();
    }

    List<Record> direct = direct(input);
    List<Record> bySeq = new ArrayList<>(seen);
    bySeq.sort(java.util.Comparator.comparing(row -> (Long) row.getField("seq")));
    assertThat(bySeq).as("every row once, with its values").isEqualTo(direct);
    // Within a window: partitions in the order they first appear, each one's rows in the order they came.
    List<Record> firstWindow = seen.subList(0, windowRows);
    List<Object> partitionRuns = new ArrayList<>();
    for (Record row : firstWindow) {
      if (partitionRuns.isEmpty() || !partitionRuns.get(partitionRuns.size() - 1).equals(row.getField("do_id"))) {
        partitionRuns.add(row.getField("do_id"));
      }
    }
    assertThat(partitionRuns).containsExactly("do-5", "do-6", "do-0", "do-1", "do-2", "do-3", "do-4");
    for (int window = 0; window * windowRows < seen.size(); window++) {
      List<Record> rows = seen.subList(window * windowRows, Math.min(seen.size(), (window + 1) * windowRows));
      for (String doId : List.of("do-0", "do-3", "do-6")) {
        List<Long> seqs = rows.stream().filter(r -> r.getField("do_id").equals(doId)).map(r -> (Long) r.getField("seq")).toList();
        assertThat(seqs).as(doId + " in window " + window).isSorted().isNotEmpty();
      }
    }
  }

  @Test
  void aFailureOfTheConsumerSurfacesOnTheDecodingThreadAndStopsTheRows() {
    UncheckedIOException diskFull = new UncheckedIOException("disk full", new java.io.IOException("ENOSPC"));
    AtomicInteger calls = new AtomicInteger();
    byte[] input = input(20 * RowHandoff.BLOCK_ROWS);

    assertThatThrownBy(() -> {
      try (RowHandoff handoff = decoder.handoff("test-writer", row -> {
        if (calls.incrementAndGet() == 1500) {
          throw diskFull;
        }
      })) {
        decoder.decodeRows("test", new ByteArrayInputStream(input), handoff, reject -> {});
        handoff.finish();
      }
    }).isSameAs(diskFull);
    assertThat(calls).hasValue(1500);
  }

  /** In a full window while rows still come, and in the last window, after the end was handed over. */
  @ParameterizedTest
  @ValueSource(ints = {1500, RowHandoff.CLUSTER_BLOCKS * RowHandoff.BLOCK_ROWS + 100})
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails, not blocks the build
  void aFailureOfAClusteringConsumerSurfacesAtFinishInAnyWindow(int failingRow) {
    UncheckedIOException diskFull = new UncheckedIOException("disk full", new java.io.IOException("ENOSPC"));
    AtomicInteger calls = new AtomicInteger();
    byte[] input = input(2000, 20 * RowHandoff.BLOCK_ROWS);

    assertThatThrownBy(() -> {
      try (RowHandoff handoff = decoder.handoff("test-writer", row -> 0, row -> {
        if (calls.incrementAndGet() == failingRow) {
          throw diskFull;
        }
      })) {
        decoder.decodeRows("test", new ByteArrayInputStream(input), handoff, reject -> {});
        handoff.finish();
      }
    }).isSameAs(diskFull);
    assertThat(calls).hasValue(failingRow);
  }

  @Test
  void theDecodingThreadWaitsWhileEveryBlockIsInUse() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger handedOver = new AtomicInteger();
    AtomicInteger consumed = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    byte[] input = input(2000, 10 * RowHandoff.BLOCK_ROWS); // small rows only: blocks fill by count
    Consumer<EventRow> slow = row -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      consumed.incrementAndGet();
    };
    Thread decoding = new Thread(() -> {
      try (RowHandoff handoff = decoder.handoff("test-writer", slow)) {
        decoder.decodeRows("test", new ByteArrayInputStream(input), row -> {
          handoff.accept(row);
          handedOver.incrementAndGet();
        }, reject -> {});
        handoff.finish();
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    decoding.start();

    // The consumer holds one block; the other blocks fill; then decoding waits for a free one.
    await().atMost(Duration.ofSeconds(30)).until(() -> decoding.getState() == Thread.State.WAITING);
    assertThat(handedOver).hasValue(RowHandoff.BLOCKS * RowHandoff.BLOCK_ROWS);

    release.countDown();
    decoding.join(Duration.ofSeconds(30).toMillis());
    assertThat(failure.get()).isNull();
    assertThat(consumed).hasValue(10 * RowHandoff.BLOCK_ROWS);
  }

  @Test
  void closingWithoutFinishingStopsTheConsumerBeforeItReturns() {
    AtomicInteger consumed = new AtomicInteger();
    AtomicReference<Thread> consumer = new AtomicReference<>();
    RuntimeException decodeFailure = new SourceReadException("test", new java.io.IOException("connection reset"));
    byte[] input = input(8 * RowHandoff.BLOCK_ROWS);

    assertThatThrownBy(() -> {
      try (RowHandoff handoff = decoder.handoff("test-writer", row -> {
        consumer.set(Thread.currentThread());
        consumed.incrementAndGet();
      })) {
        AtomicInteger lines = new AtomicInteger();
        decoder.decodeRows("test", new ByteArrayInputStream(input), row -> {
          if (lines.incrementAndGet() > 3 * RowHandoff.BLOCK_ROWS) {
            throw decodeFailure;
          }
          handoff.accept(row);
        }, reject -> {});
        handoff.finish();
      }
    }).isSameAs(decodeFailure);

    // close() returned: the consumer thread has ended and takes no more rows.
    assertThat(consumer.get().isAlive()).isFalse();
    assertThat(consumed.get()).isLessThanOrEqualTo(3 * RowHandoff.BLOCK_ROWS);
  }

  @RepeatedTest(10) // the interrupt races the consumer's end
  void anInterruptWhileFinishingStillStopsAndJoinsTheConsumerBeforeThrowing() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> consumer = new AtomicReference<>();
    AtomicReference<Throwable> thrown = new AtomicReference<>(new AssertionError("the decoding thread never got past finish()"));
    AtomicReference<Boolean> consumerAliveWhenThrown = new AtomicReference<>();
    byte[] input = input(1000); // one block: handed over by finish()
    Thread decoding = new Thread(() -> {
      RowHandoff handoff = decoder.handoff("test-writer", row -> {
        consumer.set(Thread.currentThread());
        entered.countDown();
        try {
          release.await(); // a slow upload
        } catch (InterruptedException e) {
          throw new AssertionError("the consumer is never interrupted", e);
        }
      });
      decoder.decodeRows("test", new ByteArrayInputStream(input), handoff, reject -> {});
      try {
        handoff.finish();
        thrown.set(new AssertionError("finish() returned; interrupted: " + Thread.currentThread().isInterrupted()));
      } catch (Throwable e) {
        consumerAliveWhenThrown.set(consumer.get().isAlive());
        thrown.set(e);
      }
    }, "test-decoding");
    decoding.start();
    entered.await();
    await().atMost(Duration.ofSeconds(30)).until(() -> decoding.getState() == Thread.State.WAITING && !blockedInHandOver(decoding));

    decoding.interrupt();
    release.countDown();
    decoding.join(Duration.ofSeconds(30).toMillis());

    assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessage("Interrupted while waiting for rows to be written");
    assertThat(consumerAliveWhenThrown.get()).as("consumer alive when finish() threw").isFalse();
  }

  /** Whether {@code thread} waits for a free block (handing rows over) rather than for the consumer to end. */
  private static boolean blockedInHandOver(Thread thread) {
    for (StackTraceElement frame : thread.getStackTrace()) {
      if (frame.getMethodName().equals("join")) {
        return false;
      }
    }
    return true;
  }
}
