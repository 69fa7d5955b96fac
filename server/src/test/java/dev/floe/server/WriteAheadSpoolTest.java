package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.Batch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  private static String read(Batch batch) throws IOException {
    try (InputStream in = batch.input().open()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aRolledSegmentIsOneBatchPerKeyAndOneForTheRequestsWithout() throws Exception {
    WriteAheadSpool spool = spool();
    assertThat(spool.open()).isEmpty();
    spool.append(Optional.empty(), "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8)).get();
    spool.append(Optional.of("k-1"), "{\"b\":2}\n".getBytes(StandardCharsets.UTF_8)).get();
    spool.append(Optional.empty(), "{\"c\":3}\n".getBytes(StandardCharsets.UTF_8)).get();
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
  }

  @Test
  void aSegmentLeftByACrashIsCutBackToItsLastIntactRequestAndOfferedAgain() throws Exception {
    WriteAheadSpool first = spool();
    first.open();
    first.append(Optional.of("k-1"), "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8)).get();
    first.append(Optional.of("k-2"), "{\"b\":2}\n".getBytes(StandardCharsets.UTF_8)).get();
    first.close();
    Path segment = rolled.get(0).path();
    long intact = Files.size(segment);
    // A request the crash cut short: its header promises more than the file holds; never answered.
    byte[] torn = Segment.encode(Optional.of("k-3"), "{\"c\":3}\n".getBytes(StandardCharsets.UTF_8)).array();
    Files.write(segment, java.util.Arrays.copyOf(torn, torn.length - 3), StandardOpenOption.APPEND);
    rolled.clear();

    WriteAheadSpool second = spool();
    List<Segment> left = second.open();
    assertThat(left).hasSize(1);
    assertThat(left.get(0).frames()).extracting(f -> f.idempotencyKey().orElseThrow()).containsExactly("k-1", "k-2");
    assertThat(Files.size(segment)).isEqualTo(intact);
    assertThat(second.spooledBytes()).isEqualTo(intact);
    // New segments sort after the ones left, so the order of arrival is kept.
    second.append(Optional.empty(), "{}\n".getBytes(StandardCharsets.UTF_8)).get();
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
    first.append(Optional.empty(), "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8)).get();
    first.append(Optional.empty(), "{\"b\":2}\n".getBytes(StandardCharsets.UTF_8)).get();
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
    spool.append(Optional.empty(), "{}\n".getBytes(StandardCharsets.UTF_8)).get();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> rolled.size() == 1);
    spool.close();
    assertThat(rolled).hasSize(1);
  }
}
