package dev.floe.it.cron;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Producers' side of the tests: makes batch files of state-change events and remembers every valid
 * event it handed out, keyed {@code do_id/seq}, to compare the table against. Each (do_id, seq)
 * is handed out once; some batches carry a broken line, which must never reach the table.
 */
final class EventBook {
  private static final long BASE_MILLIS = 1_762_000_000_000L;
  private static final int OBJECTS = 12;

  private final String producer;
  private final Random random;
  private final long[] nextSeq = new long[OBJECTS];
  private final Map<String, List<Object>> expected = new HashMap<>();
  private int batches;
  private int brokenLines;

  /** {@code producer} keeps the do_ids of concurrent producers apart. */
  EventBook(String producer, long seed) {
    this.producer = producer;
    this.random = new Random(seed);
  }

  /** One batch file: its name and content. */
  record Drop(String name, byte[] content) {}

  /** A batch of {@code events} valid events (NDJSON, gzip every third batch), maybe with one broken line. */
  synchronized Drop next(int events) {
    batches++;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean gzip = batches % 3 == 0;
    int broken = random.nextInt(4) == 0 ? random.nextInt(events) : -1;
    try (OutputStream out = gzip ? new GZIPOutputStream(bytes) : bytes) {
      for (int i = 0; i < events; i++) {
        if (i == broken) {
          out.write("{\"do_id\": \"broken\", \"seq\": \n".getBytes(StandardCharsets.UTF_8));
          brokenLines++;
        }
        out.write(event().getBytes(StandardCharsets.UTF_8));
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Drop(String.format("%s-%04d.ndjson%s", producer, batches, gzip ? ".gz" : ""), bytes.toByteArray());
  }

  private String event() {
    int object = random.nextInt(OBJECTS);
    long seq = ++nextSeq[object];
    String doId = producer + "-do-" + object;
    boolean delete = random.nextInt(10) == 0;
    String key = "k" + random.nextInt(50);
    String value = delete ? null : "{\"n\":" + random.nextInt(1_000_000) + ",\"by\":\"" + producer + "\"}";
    // Spread over about three days, so a run writes several partitions.
    long timestamp = BASE_MILLIS + seq * 97_000L + object * 3_600_000L;
    expected.put(doId + "/" + seq, Arrays.asList("app", "counter", key, value, delete ? "DELETE" : "PUT", timestamp));
    return "{\"do_id\":\"" + doId + "\",\"ns\":\"app\",\"type\":\"counter\",\"key\":\"" + key + "\",\"value\":"
        + (value == null ? "null" : quote(value)) + ",\"op\":\"" + (delete ? "DELETE" : "PUT")
        + "\",\"timestamp\":" + timestamp + ",\"seq\":" + seq + "}";
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  synchronized Map<String, List<Object>> expected() {
    return Map.copyOf(expected);
  }

  synchronized int batches() {
    return batches;
  }

  synchronized int brokenLines() {
    return brokenLines;
  }
}
