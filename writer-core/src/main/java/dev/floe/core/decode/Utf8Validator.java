package dev.floe.core.decode;

/**
 * Strict UTF-8 validation, usable on one range or incrementally across the chunks of a stream.
 *
 * <p>Jackson's UTF-8 parser reports bad start and continuation bytes, but it accepts overlong
 * encodings (so {@code C0 AF} reads as '/'), code points above U+10FFFF, and surrogates in values
 * it skips. Lines are checked here first so that only well-formed UTF-8 (Unicode table 3-7) becomes
 * a record. The ASCII fast path keeps the cost to one cheap pass over the bytes.
 */
final class Utf8Validator {
  /** Continuation bytes still expected by the sequence in progress. */
  private int pending;

  /** Allowed range of the next continuation byte; narrower right after some lead bytes. */
  private int low = 0x80;

  private int high = 0xBF;

  /** Whether the whole range is well-formed UTF-8, with no sequence left open at its end. */
  static boolean isValid(byte[] bytes) {
    Utf8Validator validator = new Utf8Validator();
    return validator.check(bytes, 0, bytes.length) < 0 && !validator.inSequence();
  }

  /** Forgets any sequence in progress, to validate a new, independent range. */
  void reset() {
    pending = 0;
    low = 0x80;
    high = 0xBF;
  }

  /** Whether the bytes checked so far end inside a multi-byte sequence. */
  boolean inSequence() {
    return pending > 0;
  }

  /**
   * Continues validation over {@code bytes[offset, offset + length)}.
   *
   * @return the index of the first byte that cannot occur where it does, or -1
   */
  int check(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    while (i < end) {
      int b = bytes[i];
      if (pending == 0) {
        if (b >= 0) {
          i = ByteScan.nonAscii(bytes, i + 1, end);
          continue;
        }
        if (!startSequence(b & 0xFF)) {
          return i;
        }
      } else {
        b &= 0xFF;
        if (b < low || b > high) {
          return i;
        }
        pending--;
        low = 0x80;
        high = 0xBF;
      }
      i++;
    }
    return -1;
  }

  private boolean startSequence(int lead) {
    if (lead >= 0xC2 && lead <= 0xDF) {
      pending = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      pending = 2;
      if (lead == 0xE0) {
        low = 0xA0; // below is an overlong encoding
      } else if (lead == 0xED) {
        high = 0x9F; // above are the UTF-16 surrogates
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      pending = 3;
      if (lead == 0xF0) {
        low = 0x90; // below is an overlong encoding
      } else if (lead == 0xF4) {
        high = 0x8F; // above is past U+10FFFF
      }
    } else {
      return false; // a continuation byte, an overlong 2-byte lead, or past U+10FFFF
    }
    return true;
  }
}
