package dev.floe.core.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * The state of decoding one source: where records and rejects go, and what has been counted. The
 * readers split the input; this turns each piece into a record or a reject.
 */
final class DecodeRun {
  /** Raw bytes kept for a line too long to buffer whole: enough to recognise it by. */
  static final int RAW_PREFIX_BYTES = 1024;

  private static final int MAX_JSON_ERROR_CHARS = 200;

  private final String source;
  private final JsonFactory factory;
  private final ObjectDecoder objects;
  private final GenericRecord template;
  private final Consumer<Record> records;
  private final Consumer<Reject> rejects;
  /** Row mode: the reused row, its fast line decoder, and where rows go; null in record mode. */
  private final EventRow row;
  private final FastLineDecoder fast;
  private final Consumer<EventRow> rows;
  private final Utf8Validator utf8 = new Utf8Validator();
  private long recordCount;
  private long rejectCount;

  DecodeRun(
      String source,
      JsonFactory factory,
      ObjectDecoder objects,
      GenericRecord template,
      Consumer<Record> records,
      Consumer<Reject> rejects) {
    this.source = source;
    this.factory = factory;
    this.objects = objects;
    this.template = template;
    this.records = records;
    this.rejects = rejects;
    this.row = null;
    this.fast = null;
    this.rows = null;
  }

  /** Row mode: lines the fast decoder takes skip Jackson; the rest fill the row from its values. */
  DecodeRun(
      String source,
      JsonFactory factory,
      ObjectDecoder objects,
      EventRow row,
      FastLineDecoder fast,
      Consumer<EventRow> rows,
      Consumer<Reject> rejects) {
    this.source = source;
    this.factory = factory;
    this.objects = objects;
    this.template = null;
    this.records = null;
    this.rejects = rejects;
    this.row = row;
    this.fast = fast;
    this.rows = rows;
  }

  ObjectDecoder objects() {
    return objects;
  }

  /** Decodes one NDJSON line, without its terminator, into a record or a reject. */
  void line(long number, byte[] buffer, int offset, int length) {
    if (isBlank(buffer, offset, length)) {
      return;
    }
    utf8.reset();
    int invalid = utf8.check(buffer, offset, length);
    if (invalid < 0 && utf8.inSequence()) {
      invalid = offset + length - 1;
      while ((buffer[invalid] & 0xC0) == 0x80) {
        invalid--; // report where the cut-off sequence starts
      }
    }
    if (invalid >= 0) {
      byte[] raw = Arrays.copyOfRange(buffer, offset, offset + length);
      reject(number, "invalid UTF-8 at byte " + (invalid - offset), raw);
      return;
    }
    if (fast != null && fast.decode(buffer, offset, length, row)) {
      recordCount++;
      rows.accept(row);
      return;
    }
    int nul = leadingNul(buffer, offset, length);
    if (nul >= 0) {
      byte[] raw = Arrays.copyOfRange(buffer, offset, offset + length);
      reject(number, "invalid JSON: NUL byte at byte " + nul, raw);
      return;
    }
    String reason;
    try (JsonParser parser = factory.createParser(buffer, offset, length)) {
      Object[] values = objects.decode(parser, parser.nextToken());
      JsonToken after = parser.nextToken();
      if (after == null) {
        emit(values);
        return;
      }
      reason = "unexpected " + ValueConverter.jsonType(after) + " after the JSON object";
    } catch (InvalidEventException e) {
      reason = e.getMessage();
    } catch (JsonProcessingException e) {
      reason = jsonError(e);
    } catch (IOException e) {
      // A parser over a byte array does no I/O; whatever this is, it concerns this line only.
      reason = "invalid JSON: " + e.getMessage();
    }
    reject(number, reason, Arrays.copyOfRange(buffer, offset, offset + length));
  }

  void emit(Object[] values) {
    if (row != null) {
      row.fill(values);
      recordCount++;
      rows.accept(row);
      return;
    }
    Record record = template.copy();
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        record.set(i, values[i]);
      }
    }
    recordCount++;
    records.accept(record);
  }

  void reject(long line, String reason, byte[] raw) {
    rejectCount++;
    rejects.accept(new Reject(source, line, reason, raw));
  }

  DecodeStats stats(long lines, long bytes) {
    return new DecodeStats(lines, recordCount, rejectCount, bytes);
  }

  /**
   * Where a NUL sits in a line's first two bytes, or -1. Jackson's parser over bytes detects the
   * encoding from them and would read such a line as UTF-16 or UTF-32, though it has been checked
   * as UTF-8; its error would then name characters that are not in the line, and byte offsets
   * counted from wherever the line sits in a buffer. No JSON text has a NUL outside a string, so
   * the line is invalid either way.
   */
  static int leadingNul(byte[] buffer, int offset, int length) {
    if (length > 0 && buffer[offset] == 0) {
      return 0;
    }
    if (length > 1 && buffer[offset + 1] == 0) {
      return 1;
    }
    return -1;
  }

  /** Jackson's own message without the location, which the reject already carries. */
  static String jsonError(JsonProcessingException e) {
    String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    // Jackson describes where an unclosed object began as "[Source: ...; line: 1, column: 1]",
    // which only repeats the line the reject already names.
    message = message.replaceAll(" ?\\(start marker at \\[Source: [^\\]]*\\]\\)", "");
    if (message.length() > MAX_JSON_ERROR_CHARS) {
      message = message.substring(0, MAX_JSON_ERROR_CHARS) + "...";
    }
    return "invalid JSON: " + message;
  }

  /**
   * The first bytes of a range, at most {@link #RAW_PREFIX_BYTES}, cut before a UTF-8 sequence
   * rather than inside it so that a valid line still reads as text in the dead-letter output.
   */
  static byte[] head(byte[] buffer, int offset, int length) {
    if (length <= RAW_PREFIX_BYTES) {
      return Arrays.copyOfRange(buffer, offset, offset + length);
    }
    int end = offset + RAW_PREFIX_BYTES;
    int floor = Math.max(offset, end - 3);
    while (end > floor && (buffer[end] & 0xC0) == 0x80) {
      end--;
    }
    return Arrays.copyOfRange(buffer, offset, end);
  }

  private static boolean isBlank(byte[] buffer, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = buffer[i];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }
}
