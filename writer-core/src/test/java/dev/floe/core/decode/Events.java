package dev.floe.core.decode;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/** The default event schema, sample events, and a way to decode input into lists. */
final class Events {
  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "do_id", Types.StringType.get()),
          Types.NestedField.optional(2, "ns", Types.StringType.get()),
          Types.NestedField.optional(3, "type", Types.StringType.get()),
          Types.NestedField.required(4, "key", Types.StringType.get()),
          Types.NestedField.optional(5, "value", Types.StringType.get(), "json"),
          Types.NestedField.required(6, "op", Types.StringType.get()),
          Types.NestedField.required(7, "timestamp", Types.TimestampType.withZone()),
          Types.NestedField.required(8, "seq", Types.LongType.get()));

  private Events() {}

  /** A valid event whose seq is {@code seq}. */
  static String event(long seq) {
    return "{\"do_id\":\"do-1\",\"ns\":\"rooms\",\"type\":\"Room\",\"key\":\"k"
        + seq
        + "\",\"value\":{\"n\":"
        + seq
        + "},\"op\":\"put\",\"timestamp\":1795507200000,\"seq\":"
        + seq
        + "}";
  }

  /** A valid event with the given extra members appended, e.g. {@code "\"extra\":1"}. */
  static String eventWith(String members) {
    return event(1).substring(0, event(1).length() - 1) + "," + members + "}";
  }

  /** Valid events with seq 1..count, one per line. */
  static String lines(int count) {
    StringBuilder text = new StringBuilder();
    for (int seq = 1; seq <= count; seq++) {
      text.append(event(seq)).append('\n');
    }
    return text.toString();
  }

  static byte[] utf8(String text) {
    return text.getBytes(UTF_8);
  }

  /** Concatenates text, byte arrays and single bytes (given as ints) into one input. */
  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String text) {
        out.writeBytes(utf8(text));
      } else if (part instanceof byte[] array) {
        out.writeBytes(array);
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }

  static byte[] gzip(byte[] input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(input);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] zstd(byte[] input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream zstd = new ZstdOutputStream(out)) {
      zstd.write(input);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Decoded decode(byte[] input) {
    return decode(DecodeLimits.defaults(), new ByteArrayInputStream(input));
  }

  static Decoded decode(DecodeLimits limits, byte[] input) {
    return decode(limits, new ByteArrayInputStream(input));
  }

  static Decoded decode(DecodeLimits limits, InputStream input) {
    return decode(new EventDecoder(SCHEMA, limits), input);
  }

  static Decoded decode(EventDecoder decoder, InputStream input) {
    List<Record> records = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    DecodeStats stats = decoder.decode("batch-1.ndjson", input, records::add, rejects::add);
    return new Decoded(records, rejects, stats);
  }

  /** Everything one decode call delivered. */
  record Decoded(List<Record> records, List<Reject> rejects, DecodeStats stats) {
    List<Object> seqs() {
      return records.stream().map(record -> record.getField("seq")).toList();
    }

    Reject onlyReject() {
      if (rejects.size() != 1) {
        throw new AssertionError("Expected one reject, got " + rejects);
      }
      return rejects.get(0);
    }
  }

  /** Hands out at most one byte per read, to cross every buffer boundary. */
  static InputStream trickle(byte[] input) {
    return new ByteArrayInputStream(input) {
      @Override
      public synchronized int read(byte[] buffer, int offset, int length) {
        return super.read(buffer, offset, Math.min(length, 1));
      }
    };
  }

  /** Delivers {@code input}, then fails as a broken connection would. */
  static InputStream failingAfter(byte[] input, String message) {
    return new InputStream() {
      private int next;

      @Override
      public int read() throws IOException {
        if (next == input.length) {
          throw new IOException(message);
        }
        return input[next++] & 0xFF;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (next == input.length) {
          throw new IOException(message);
        }
        int count = Math.min(length, input.length - next);
        System.arraycopy(input, next, buffer, offset, count);
        next += count;
        return count;
      }
    };
  }
}
