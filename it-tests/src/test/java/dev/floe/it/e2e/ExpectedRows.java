package dev.floe.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Rows keyed by {@code (do_id, seq)}, each with a digest of all its other values ({@code ns, type,
 * key, value, op, timestamp}), so two sets of 100k rows with 1 KB values compare in little memory.
 * Equal sets mean: the same keys, each once, with the same values.
 */
final class ExpectedRows {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Map<String, String> digests;
  private final List<String> duplicates;

  private ExpectedRows(Map<String, String> digests, List<String> duplicates) {
    this.digests = digests;
    this.duplicates = duplicates;
  }

  int size() {
    return digests.size();
  }

  /** Every event of these NDJSON inputs (plain or gzip), as the table should hold them. */
  static ExpectedRows ofNdjson(List<Path> files) {
    Map<String, String> digests = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    for (Path file : files) {
      try (InputStream raw = Files.newInputStream(file);
          BufferedReader reader =
              new BufferedReader(
                  new InputStreamReader(
                      file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw,
                      StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          JsonNode event = MAPPER.readTree(line);
          JsonNode value = event.get("value");
          put(
              digests,
              duplicates,
              event.get("do_id").asText() + "/" + event.get("seq").asLong(),
              digest(
                  event.get("ns").asText(),
                  event.get("type").asText(),
                  event.get("key").asText(),
                  value == null || value.isNull() ? null : value.asText(),
                  event.get("op").asText(),
                  Instant.ofEpochMilli(event.get("timestamp").asLong())));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file, e);
      }
    }
    return new ExpectedRows(digests, duplicates);
  }

  static ExpectedRows ofNdjson(Path file) {
    return ofNdjson(List.of(file));
  }

  /** Every row of the table's current snapshot, read with Iceberg's generic reader. */
  static ExpectedRows ofTable(Table table) {
    Map<String, String> digests = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record row : records) {
        put(
            digests,
            duplicates,
            row.getField("do_id") + "/" + row.getField("seq"),
            digest(
                (String) row.getField("ns"),
                (String) row.getField("type"),
                (String) row.getField("key"),
                (String) row.getField("value"),
                (String) row.getField("op"),
                ((OffsetDateTime) row.getField("timestamp")).toInstant()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + table.name(), e);
    }
    return new ExpectedRows(digests, duplicates);
  }

  /**
   * Fails unless {@code actual} holds exactly these rows, each once; the message names up to ten
   * keys of each kind of difference rather than printing 100k rows.
   */
  void assertSameAs(ExpectedRows actual) {
    TreeSet<String> missing = new TreeSet<>();
    TreeSet<String> different = new TreeSet<>();
    digests.forEach(
        (key, digest) -> {
          String other = actual.digests.get(key);
          if (other == null) {
            missing.add(key);
          } else if (!other.equals(digest)) {
            different.add(key);
          }
        });
    TreeSet<String> unexpected = new TreeSet<>(actual.digests.keySet());
    unexpected.removeAll(digests.keySet());
    assertThat(duplicates.stream().limit(10).toList())
        .as("%d (do_id, seq) keys the input holds more than once", duplicates.size())
        .isEmpty();
    assertThat(actual.duplicates.stream().limit(10).toList())
        .as("%d (do_id, seq) keys the table holds more than once", actual.duplicates.size())
        .isEmpty();
    assertThat(first(missing)).as("%d expected rows missing", missing.size()).isEmpty();
    assertThat(first(unexpected)).as("%d rows not in the input", unexpected.size()).isEmpty();
    assertThat(first(different)).as("%d rows with different values", different.size()).isEmpty();
    assertThat(actual.size()).isEqualTo(size());
  }

  private static List<String> first(TreeSet<String> keys) {
    return keys.stream().limit(10).toList();
  }

  private static void put(
      Map<String, String> digests, List<String> duplicates, String key, String digest) {
    if (digests.put(key, digest) != null) {
      duplicates.add(key);
    }
  }

  /** SHA-256 (first 128 bits) of the values, each length-prefixed so no two lists collide. */
  private static String digest(String ns, String type, String key, String value, String op, Instant timestamp) {
    StringBuilder text = new StringBuilder(256);
    for (Object field : new Object[] {ns, type, key, value, op, timestamp}) {
      String string = Objects.toString(field, null);
      text.append(string == null ? "-1:" : string.length() + ":" + string).append('|');
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
