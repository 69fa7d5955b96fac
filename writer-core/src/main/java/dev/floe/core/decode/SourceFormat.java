package dev.floe.core.decode;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Recognises how a source is compressed and whether it is NDJSON or one JSON array. */
final class SourceFormat {
  /** Leading whitespace looked through for a '['; a source with more is read as NDJSON. */
  static final int SNIFF_BYTES = 64 * 1024;

  private static final int GZIP_BUFFER_BYTES = 64 * 1024;

  private SourceFormat() {}

  /**
   * Wraps the input in a decompressor chosen by its magic bytes: gzip {@code 1f 8b}, zstd {@code 28
   * b5 2f fd}; anything else is read as it is.
   *
   * @throws IOException if the gzip header cannot be read
   */
  static InputStream decompressed(InputStream input) throws IOException {
    PeekedInputStream peeked = PeekedInputStream.peek(input, 4, (bytes, length) -> false);
    if (startsWith(peeked, 0x1F, 0x8B)) {
      return new GZIPInputStream(peeked, GZIP_BUFFER_BYTES);
    }
    if (startsWith(peeked, 0x28, 0xB5, 0x2F, 0xFD)) {
      return new ZstdInputStreamNoFinalizer(peeked);
    }
    return peeked;
  }

  /** Reads ahead to the first byte that is not whitespace, to tell NDJSON from an array. */
  static PeekedInputStream peekContent(InputStream input) {
    return PeekedInputStream.peek(
        input, SNIFF_BYTES, (bytes, length) -> length >= 3 && firstContent(bytes, length) < length);
  }

  /** Whether the first byte after whitespace (and a UTF-8 byte order mark) is '['. */
  static boolean isJsonArray(PeekedInputStream input) {
    int i = firstContent(input.peekedBytes(), input.peekedLength());
    return i < input.peekedLength() && input.peekedBytes()[i] == '[';
  }

  /** Index of the first byte after a byte order mark and whitespace, or the length. */
  private static int firstContent(byte[] bytes, int length) {
    int i = 0;
    if (length >= 3
        && (bytes[0] & 0xFF) == 0xEF
        && (bytes[1] & 0xFF) == 0xBB
        && (bytes[2] & 0xFF) == 0xBF) {
      i = 3;
    }
    while (i < length && isWhitespace(bytes[i])) {
      i++;
    }
    return i;
  }

  private static boolean startsWith(PeekedInputStream input, int... magic) {
    if (input.peekedLength() < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((input.peekedBytes()[i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }
}
