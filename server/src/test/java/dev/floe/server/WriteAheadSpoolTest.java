package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.Batch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAheadSpoolTest {
  @TempDir Path dir;
  private final List<Segment> rolled = new CopyOnWriteArrayList<>();

  private WriteAheadSpool spool() {
    return new WriteAheadSpool(dir, 1 << 20, Duration.ofHours(1), Duration.ofHours(1), Clock.systemUTC(), rolled::add, nanos -> { });
  }

  /** Appends {@code line} in an array with bytes after it that are not part of the request. */
  private static CompletableFuture<Void> append(WriteAheadSpool spool, Optional<String> key, String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    byte[] padded = java.util.Arrays.copyOf(bytes, bytes.length + 5);
    java.util.Arrays.fill(padded, bytes.length, padded.length, (byte) '#');
    return spool.append(key, padded, bytes.length);
  }

  private static String read(Batch batch) throws IOException {
    try (InputStream in = batch.input().open()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aRolledSegmentIsOneBatchPerKeyAndOneForTheRequestsWithout() throws Exception {
    WriteAheadSpool spool = spool();
    assertThat(spool.open()).isEmpty();
    append(spool, Optional.empty(), "{\"a\":1}\n").get();
    append(spool, Optional.of("k-1"), "{\"b\":2}\n").get();
    append(spool, Optional.empty(), "{\"c\":3}\n").get();
    spool.roll().get();
    spool.close();
    assertThat(rolled).hasSize(1);
    Map<String, Batch> batches = rolled.get(0).batches("events").stream()
        .collect(Collectors.toMap(Batch::id, Function.identity()));
    assertThat(batches).containsKey("serve:events:key:k-1");
    assertThat(read(batches.get("serve:events:key:k-1"))).isEqualTo("{\"b\":2}\n");
    Batch keyless = batches.get(rolled.get(0).segmentId("events"));
    assertThat(read(keyless)).isEqualTo("{\"a\":1}\n{\"c\":3}\n");
    assertThat(keyless.size()).hasValue(16);
    assertThat(Files.readString(rolled.get(0).path(), StandardCharsets.ISO_8859_1)).doesNotContain("#");
    assertThat(Segment.scan(rolled.get(0).path()).frames()).hasSize(3);
  }

  @Test
  void aSegmentLeftByACrashIsCutBackToItsLastIntactRequestAndOfferedAgain() throws Exception {
    WriteAheadSpool first = spool();
    first.open();
    append(first, Optional.of("k-1"), "{\"a\":1}\n").get();
    append(first, Optional.of("k-2"), "{\"b\":2}\n").get();
    first.close();
    Path segment = rolled.get(0).path();
    long intact = Files.size(segment);
    // A request the crash cut short: its header promises more than the file holds; never answered.
    byte[] payload = "{\"c\":3}\n".getBytes(StandardCharsets.UTF_8);
    ByteBuffer header = Segment.header(Optional.of("k-3"), payload, payload.length);
    byte[] torn = java.util.Arrays.copyOf(header.array(), header.remaining() + payload.length);
    System.arraycopy(payload, 0, torn, header.remaining(), payload.length);
    Files.write(segment, java.util.Arrays.copyOf(torn, torn.length - 3), StandardOpenOption.APPEND);
    rolled.clear();

    WriteAheadSpool second = spool();
    List<Segment> left = second.open();
    assertThat(left).hasSize(1);
    assertThat(left.get(0).frames()).extracting(f -> f.idempotencyKey().orElseThrow()).containsExactly("k-1", "k-2");
    assertThat(Files.size(segment)).isEqualTo(intact);
    assertThat(second.spooledBytes()).isEqualTo(intact);
    // New segments sort after the ones left, so the order of arrival is kept.
    append(second, Optional.empty(), "{}\n").get();
    second.close();
    assertThat(rolled.get(0).fileName()).isGreaterThan(segment.getFileName().toString());
    second.delete(left.get(0));
    assertThat(segment).doesNotExist();
    assertThat(second.spooledBytes()).isEqualTo(rolled.get(0).bytes());
  }

  @Test
  void aCorruptFrameEndsTheSegment() throws Exception {
    WriteAheadSpool first = spool();
    first.open();
    append(first, Optional.empty(), "{\"a\":1}\n").get();
    append(first, Optional.empty(), "{\"b\":2}\n").get();
    first.close();
    Path segment = rolled.get(0).path();
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length - 2] ^= 0x20; // a flipped bit in the second request's payload
    Files.write(segment, bytes);
    Segment.Scan scan = Segment.scan(segment);
    assertThat(scan.frames()).hasSize(1);
    assertThat(scan.intactBytes()).isLessThan(scan.fileBytes());
  }

  @Test
  void anIdleSegmentRollsAfterTheInactivityTime() throws Exception {
    WriteAheadSpool spool = new WriteAheadSpool(dir, 1 << 20, Duration.ofHours(1), Duration.ofMillis(100),
        Clock.systemUTC(), rolled::add, nanos -> { });
    spool.open();
    append(spool, Optional.empty(), "{}\n").get();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> rolled.size() == 1);
    spool.close();
    assertThat(rolled).hasSize(1);
  }
}
