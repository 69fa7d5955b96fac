package dev.floe.core.decode;

import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a decompressed NDJSON stream into lines and hands each to the {@link DecodeRun}.
 *
 * <p>One buffer is reused for the whole source and grows only as far as the longest accepted line;
 * a longer line is skipped up to its newline without being held, so memory stays bounded by {@link
 * DecodeLimits#maxLineBytes()} whatever the input.
 */
final class NdjsonReader {
  private static final int INITIAL_BUFFER_BYTES = 64 * 1024;

  private final InputStream input;
  private final DecodeRun run;
  private final int maxLineBytes;

  /** Room for the longest accepted line, plus a '\r' and the '\n' that ends it. */
  private final int capacity;

  private byte[] buffer;
  private int start;
  private int end;
  private long line;
  private long bytes;

  /** Non-null while skipping the rest of an over-long line: the bytes kept to show for it. */
  private byte[] overlongHead;

  NdjsonReader(InputStream input, DecodeRun run, int maxLineBytes) {
    this.input = input;
    this.run = run;
    this.maxLineBytes = maxLineBytes;
    this.capacity = maxLineBytes + 2;
    this.buffer = new byte[Math.min(INITIAL_BUFFER_BYTES, capacity)];
  }

  /** Reads the stream to its end or to the first read failure, and returns what was read. */
  DecodeStats read() {
    int scanned = 0;
    while (true) {
      int newline = indexOfNewline(scanned);
      if (newline >= 0) {
        line++;
        endLine(newline);
        start = newline + 1;
        scanned = start;
        continue;
      }
      makeRoom();
      scanned = end;
      int count;
      try {
        count = input.read(buffer, end, buffer.length - end);
      } catch (Exception e) {
        // Every decompressor fails differently (EOFException, ZipException, ZstdIOException, even
        // runtime exceptions); all mean the same here, and decode must not throw for content.
        readFailed(e);
        return run.stats(line, bytes);
      }
      if (count < 0) {
        if (overlongHead != null || end > start) {
          line++;
          endLine(end);
        }
        return run.stats(line, bytes);
      }
      bytes += count;
      end += count;
    }
  }

  /**
   * Reads the lines of a whole source held in one array, as {@link #read()} reads them from a
   * stream, with the same lines, rejects and counts, but straight out of {@code bytes}: nothing is
   * copied, and the array is not modified.
   */
  static DecodeStats read(byte[] bytes, int offset, int length, DecodeRun run, int maxLineBytes) {
    int end = offset + length;
    long line = 0;
    int start = offset;
    while (start < end) {
      int newline = ByteScan.newline(bytes, start, end);
      int lineEnd = newline >= 0 ? newline : end;
      line++;
      int lineLength = lineEnd - start;
      if (lineLength > 0 && bytes[lineEnd - 1] == '\r') {
        lineLength--;
      }
      if (lineLength > maxLineBytes) {
        run.reject(line, overlongReason(maxLineBytes), DecodeRun.head(bytes, start, lineLength));
      } else {
        run.line(line, bytes, start, lineLength);
      }
      start = lineEnd + 1;
    }
    return run.stats(line, length);
  }

  private int indexOfNewline(int from) {
    return ByteScan.newline(buffer, from, end);
  }

  /** Ends the current line at {@code lineEnd} (its '\n' or the end of input). */
  private void endLine(int lineEnd) {
    if (overlongHead != null) {
      run.reject(line, overlongReason(), overlongHead);
      overlongHead = null;
      return;
    }
    int length = lineEnd - start;
    if (length > 0 && buffer[lineEnd - 1] == '\r') {
      length--;
    }
    if (length > maxLineBytes) {
      run.reject(line, overlongReason(), DecodeRun.head(buffer, start, length));
    } else {
      run.line(line, buffer, start, length);
    }
  }

  /** Makes room to read more of the current line: drops, compacts, or grows the buffer. */
  private void makeRoom() {
    if (overlongHead == null && end - start > maxLineBytes + 1) {
      // Too long even if '\r' '\n' came next: keep its head and skip the rest.
      overlongHead = DecodeRun.head(buffer, start, end - start);
    }
    if (overlongHead != null || start == end) {
      start = 0;
      end = 0;
    } else if (end == buffer.length) {
      if (start > 0) {
        System.arraycopy(buffer, start, buffer, 0, end - start);
        end -= start;
        start = 0;
      } else {
        buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, capacity));
      }
    }
  }

  private void readFailed(Exception e) {
    line++;
    byte[] partial = overlongHead != null ? overlongHead : Arrays.copyOfRange(buffer, start, end);
    String detail = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    run.reject(line, "Cannot read source: truncated or corrupt input (" + detail + ")", partial);
  }

  private String overlongReason() {
    return overlongReason(maxLineBytes);
  }

  private static String overlongReason(int maxLineBytes) {
    return "line exceeds " + maxLineBytes + " bytes";
  }
}
