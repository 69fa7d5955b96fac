package dev.floe.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One unit of input with a stable id: the id is what makes ingest exactly-once, since a batch
 * whose id is already recorded in the table is skipped when it is offered again.
 *
 * @param id stable across retries, e.g. {@code do_id:firstSeq-lastSeq} for a library caller; for
 *     files, name + size + content hash
 * @param source a name for messages and dead letters (a path, an S3 key)
 * @param input opens the raw bytes (plain, gzip or zstd NDJSON or a JSON array)
 * @param size how many raw bytes {@code input} delivers, when known (a file, an S3 object): only for
 *     progress reports, which can then say how much of a run is left
 */
public record Batch(String id, String source, Input input, OptionalLong size) {
  /** Opens the batch's bytes; may be called once per ingest attempt. */
  @FunctionalInterface
  public interface Input {
    InputStream open() throws IOException;
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public Batch {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(size, "size");
    if (id.isBlank()) {
      throw new IllegalArgumentException("Invalid batch id: blank (source " + source + ")");
    }
  }

  /** A batch of unknown size. */
  public Batch(String id, String source, Input input) {
    this(id, source, input, OptionalLong.empty());
  }

  public static Batch of(String id, String source, Input input) {
    return new Batch(id, source, input);
  }

  /** This batch, known to deliver {@code bytes} raw bytes. */
  public Batch withSize(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("Invalid batch size: " + bytes + " (source " + source + ")");
    }
    return new Batch(id, source, input, OptionalLong.of(bytes));
  }

  /** A file; its id is {@code file:<name>:<size>:<sha256>}, so a renamed copy is the same batch only if its name is too. */
  public static Batch ofFile(Path file) {
    Content content = content(file);
    return new Batch("file:" + file.getFileName() + ":" + content.id(), file.toString(), () -> Files.newInputStream(file))
        .withSize(content.size());
  }

  /** In-process events (field name to value), serialized lazily and decoded like any input. */
  public static Batch ofEvents(String id, Iterable<? extends Map<String, ?>> events) {
    return new Batch(id, "events:" + id, () -> new EventInputStream(events.iterator()));
  }

  /** {@code <size>:<sha256 hex>} of a file's bytes. */
  public static String contentId(Path file) {
    return content(file).id();
  }

  /** A file's size and SHA-256, from one read of it. */
  private record Content(long size, String sha256) {
    String id() {
      return size + ":" + sha256;
    }
  }

  private static Content content(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      long size = 0;
      for (int read; (read = in.read(buffer)) > 0; size += read) {
        sha256.update(buffer, 0, read);
      }
      return new Content(size, HexFormat.of().formatHex(sha256.digest()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot compute SHA-256: the JVM lacks it", e);
    }
  }

  /** NDJSON produced one event at a time, so a large in-process batch is never held twice. */
  private static final class EventInputStream extends InputStream {
    private final Iterator<? extends Map<String, ?>> events;
    private InputStream current = InputStream.nullInputStream();

    EventInputStream(Iterator<? extends Map<String, ?>> events) {
      this.events = events;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      while (true) {
        int read = current.read(buffer, offset, length);
        if (read > 0 || length == 0) {
          return read;
        }
        if (!events.hasNext()) {
          return -1;
        }
        byte[] line = MAPPER.writeValueAsBytes(events.next());
        byte[] withNewline = java.util.Arrays.copyOf(line, line.length + 1);
        withNewline[line.length] = '\n';
        current = new ByteArrayInputStream(withNewline);
      }
    }
  }
}
