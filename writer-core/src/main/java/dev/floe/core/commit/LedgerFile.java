package dev.floe.core.commit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.LongPredicate;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

/**
 * One object of the batch ledger: batch digests, each with the second its commit was made, sorted
 * by digest, laid out so that a dedupe check of a few batches reads a small part of it.
 *
 * <p>Format 2 ({@code FLOELDG2}): an 8-byte magic; then 12 bytes an entry (the digest's last 8
 * bytes and the second as an unsigned 32-bit number), in digest order; then the entries' first 4
 * digest bytes, Rice-coded ({@link RiceCode}: about 13 bits an entry at 2M entries); then a
 * 32-byte footer (entries, length of the codes, the Rice parameter, 4 reserved bytes, the magic
 * again). A check reads the footer and the codes (one ranged read: 1.6 MB for 1M entries, where
 * the entries are 12 MB) and then only the entries whose 4-byte prefix matches a wanted digest: for
 * a batch not in the ledger, one time in ~2^32/entries. Merging reads it whole, as one stream.
 *
 * <p>Format 1 ({@code FLOELDG1}, written before: the magic, then 16 bytes an entry) is read, whole,
 * until merges replace its files.
 *
 * <p>Entries of several files merge as sorted streams, so neither writing nor merging holds more
 * than one entry per file in memory, beside the codes (about 1.6 bytes an entry).
 */
final class LedgerFile {
  static final int DIGEST_BYTES = 12;
  static final int V1_ENTRY_BYTES = DIGEST_BYTES + 4;
  static final int PREFIX_BYTES = 4;
  static final int ENTRY_BYTES = DIGEST_BYTES - PREFIX_BYTES + 4;
  static final int FOOTER_BYTES = 32;
  private static final byte[] MAGIC_V1 = "FLOELDG1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAGIC = "FLOELDG2".getBytes(StandardCharsets.US_ASCII);
  /** Below this size a check reads a file whole, in one request. */
  private static final int WHOLE_BELOW = 64 << 10;
  /** Entries to confirm closer than this are read in one request. */
  private static final int GAP = 4 << 10;

  private LedgerFile() {}

  /** One batch: its digest and its commit's second (epoch seconds). */
  record Entry(byte[] digest, long seconds) implements Comparable<Entry> {
    static Entry of(String digest, long seconds) {
      byte[] bytes = Base64.getUrlDecoder().decode(digest);
      if (bytes.length != DIGEST_BYTES) {
        throw new IllegalArgumentException("Invalid batch digest: '" + digest + "'");
      }
      return new Entry(bytes, seconds);
    }

    String text() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    @Override
    public int compareTo(Entry other) {
      return Arrays.compareUnsigned(digest, other.digest);
    }
  }

  /** What was written: entries and the range of their seconds. */
  record Written(long entries, long oldestSeconds, long newestSeconds) {}

  /**
   * Writes the union of {@code digests} (committed at {@code seconds}) and the entries of {@code
   * merged} to {@code file}, dropping entries older than {@code oldestKept}; a digest found twice
   * keeps its newest second.
   */
  static Written write(
      FileIO io, OutputFile file, Collection<String> digests, long seconds, List<String> merged, long oldestKept) {
    List<Entry> own = new ArrayList<>(digests.size());
    digests.forEach(digest -> own.add(Entry.of(digest, seconds)));
    own.sort(null);
    List<Cursor> cursors = new ArrayList<>();
    try {
      cursors.add(new Cursor(own.iterator()));
      long bound = own.size();
      for (String location : merged) {
        EntryStream stream = read(io, location, new ObjectReads());
        cursors.add(new Cursor(stream));
        bound += stream.entries();
      }
      RiceCode.Writer prefixes = new RiceCode.Writer(RiceCode.parameter(bound));
      long count = 0;
      long oldest = Long.MAX_VALUE;
      long newest = Long.MIN_VALUE;
      try (PositionOutputStream raw = file.createOrOverwrite();
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
        out.write(MAGIC);
        PriorityQueue<Cursor> queue = new PriorityQueue<>((a, b) -> a.head.compareTo(b.head));
        cursors.stream().filter(Cursor::advance).forEach(queue::add);
        while (!queue.isEmpty()) {
          Cursor first = queue.poll();
          Entry entry = first.head;
          long latest = entry.seconds();
          if (first.advance()) {
            queue.add(first);
          }
          while (!queue.isEmpty() && queue.peek().head.compareTo(entry) == 0) {
            Cursor same = queue.poll();
            latest = Math.max(latest, same.head.seconds());
            if (same.advance()) {
              queue.add(same);
            }
          }
          if (latest < oldestKept) {
            continue;
          }
          out.write(entry.digest(), PREFIX_BYTES, DIGEST_BYTES - PREFIX_BYTES);
          out.writeInt((int) latest);
          prefixes.add(prefix(entry.digest()));
          count++;
          oldest = Math.min(oldest, latest);
          newest = Math.max(newest, latest);
        }
        byte[] codes = prefixes.bytes();
        out.write(codes);
        out.writeLong(count);
        out.writeLong(codes.length);
        out.writeInt(RiceCode.parameter(bound));
        out.writeInt(0);
        out.write(MAGIC);
      }
      return new Written(count, count == 0 ? seconds : oldest, count == 0 ? seconds : newest);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write batch ledger file " + file.location() + ": " + e.getMessage(), e);
    } finally {
      cursors.forEach(Cursor::close);
    }
  }

  /**
   * Adds to {@code found} the digests of {@code wanted} that {@code location} records at a second
   * {@code fresh} accepts, reading as little of it as its format allows; {@code entriesHint} is how
   * many entries the file holds, or -1 when not known.
   */
  static void find(
      FileIO io, String location, long entriesHint, Set<String> wanted, LongPredicate fresh, Set<String> found,
      ObjectReads reads) {
    if (wanted.isEmpty()) {
      return;
    }
    InputFile file = io.newInputFile(location);
    int guess = entriesHint < 0 ? WHOLE_BELOW : (int) Math.min(Integer.MAX_VALUE - 64,
        Math.max(WHOLE_BELOW, FOOTER_BYTES + 1024 + entriesHint * (RiceCode.parameter(entriesHint) + 4) / 8));
    byte[] tail = reads.tail(file, guess);
    Footer footer = Footer.of(tail, location);
    if (footer == null) {
      findScanning(io, location, wanted, fresh, found, reads);
      return;
    }
    long length = MAGIC.length + footer.entries() * ENTRY_BYTES + footer.codeBytes() + FOOTER_BYTES;
    long tailStart = length - tail.length;
    if (tailStart < 0 || (tail.length < guess && tailStart != 0)) {
      throw new IllegalStateException("Invalid batch ledger file " + location + ": its footer does not match its size");
    }
    long codeStart = length - FOOTER_BYTES - footer.codeBytes();
    byte[] codes;
    int codeOffset;
    if (tailStart <= codeStart) {
      codes = tail;
      codeOffset = (int) (codeStart - tailStart);
    } else {
      codes = reads.range(file, codeStart, Math.toIntExact(footer.codeBytes()));
      codeOffset = 0;
    }
    // The wanted digests in digest order, matched against the prefixes as two sorted sequences.
    List<byte[]> sorted = new ArrayList<>(wanted.size());
    // What is not a digest (an id recorded inline by an older floe) cannot be in a ledger file.
    wanted.forEach(text -> digestBytes(text).ifPresent(sorted::add));
    sorted.sort(Arrays::compareUnsigned);
    RiceCode.Reader prefixes = new RiceCode.Reader(codes, codeOffset, Math.toIntExact(footer.codeBytes()), footer.k());
    List<long[]> candidates = new ArrayList<>();
    int next = 0;
    for (long index = 0; index < footer.entries() && next < sorted.size(); index++) {
      long prefix = prefixes.next();
      while (next < sorted.size() && prefix(sorted.get(next)) < prefix) {
        next++;
      }
      for (int w = next; w < sorted.size() && prefix(sorted.get(w)) == prefix; w++) {
        candidates.add(new long[] {index, w});
      }
    }
    confirm(file, tail, tailStart, candidates, sorted, fresh, found, reads);
  }

  /** Reads the entries of {@code candidates} (index, wanted) and adds the wanted digests they hold. */
  private static void confirm(
      InputFile file, byte[] tail, long tailStart, List<long[]> candidates, List<byte[]> sorted, LongPredicate fresh,
      Set<String> found, ObjectReads reads) {
    int i = 0;
    while (i < candidates.size()) {
      // One read for the run of candidates close to each other.
      long from = MAGIC.length + candidates.get(i)[0] * ENTRY_BYTES;
      int j = i + 1;
      while (j < candidates.size() && MAGIC.length + candidates.get(j)[0] * ENTRY_BYTES - from < GAP) {
        j++;
      }
      long to = MAGIC.length + (candidates.get(j - 1)[0] + 1) * ENTRY_BYTES;
      byte[] block;
      long blockStart;
      if (from >= tailStart) {
        block = tail;
        blockStart = tailStart;
      } else {
        block = reads.range(file, from, Math.toIntExact(to - from));
        blockStart = from;
      }
      for (int c = i; c < j; c++) {
        int at = Math.toIntExact(MAGIC.length + candidates.get(c)[0] * ENTRY_BYTES - blockStart);
        byte[] digest = sorted.get((int) candidates.get(c)[1]);
        if (Arrays.equals(block, at, at + DIGEST_BYTES - PREFIX_BYTES, digest, PREFIX_BYTES, DIGEST_BYTES)) {
          long seconds = Integer.toUnsignedLong(
              ((block[at + 8] & 0xFF) << 24) | ((block[at + 9] & 0xFF) << 16) | ((block[at + 10] & 0xFF) << 8)
                  | (block[at + 11] & 0xFF));
          if (fresh.test(seconds)) {
            found.add(new Entry(digest, seconds).text());
          }
        }
      }
      i = j;
    }
  }

  /** A file of format 1: read whole. */
  private static void findScanning(
      FileIO io, String location, Set<String> wanted, LongPredicate fresh, Set<String> found, ObjectReads reads) {
    try (EntryStream entries = read(io, location, reads)) {
      while (entries.hasNext()) {
        Entry entry = entries.next();
        if (fresh.test(entry.seconds())) {
          String text = entry.text();
          if (wanted.contains(text)) {
            found.add(text);
          }
        }
      }
    }
  }

  private static java.util.Optional<byte[]> digestBytes(String text) {
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(text);
      return bytes.length == DIGEST_BYTES ? java.util.Optional.of(bytes) : java.util.Optional.empty();
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  private static long prefix(byte[] digest) {
    return ((digest[0] & 0xFFL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8) | (digest[3] & 0xFFL);
  }

  /** The footer of a format-2 file. */
  private record Footer(long entries, long codeBytes, int k) {
    /** The footer at the end of {@code tail}, or null when the file is not of format 2. */
    static Footer of(byte[] tail, String location) {
      if (tail.length < FOOTER_BYTES
          || !Arrays.equals(tail, tail.length - MAGIC.length, tail.length, MAGIC, 0, MAGIC.length)) {
        return null;
      }
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(tail, tail.length - FOOTER_BYTES, FOOTER_BYTES);
      long entries = buffer.getLong();
      long codeBytes = buffer.getLong();
      int k = buffer.getInt();
      if (entries < 0 || codeBytes < 0 || codeBytes > Integer.MAX_VALUE || k < 0 || k > 31) {
        throw new IllegalStateException("Invalid batch ledger file " + location + ": its footer is damaged");
      }
      return new Footer(entries, codeBytes, k);
    }
  }

  /** The entries of the file at {@code location}, in order, whichever its format. */
  static EntryStream read(FileIO io, String location, ObjectReads reads) {
    InputFile file = io.newInputFile(location);
    byte[] tail = reads.tail(file, FOOTER_BYTES);
    Footer footer = Footer.of(tail, location);
    try {
      if (footer == null) {
        InputStream raw = file.newStream();
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        byte[] magic = new byte[MAGIC_V1.length];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC_V1)) {
          in.close();
          throw new IllegalStateException("Invalid batch ledger file " + location + ": it does not start with FLOELDG1"
              + " or end with FLOELDG2");
        }
        long size = file.getLength();
        if ((size - MAGIC_V1.length) % V1_ENTRY_BYTES != 0) {
          in.close();
          throw new IllegalStateException("Invalid batch ledger file " + location + ": it ends inside an entry");
        }
        reads.count(size);
        return new EntryStream(location, in, (size - MAGIC_V1.length) / V1_ENTRY_BYTES, null);
      }
      long codeStart = MAGIC.length + footer.entries() * ENTRY_BYTES;
      byte[] codes = reads.range(file, codeStart, Math.toIntExact(footer.codeBytes()));
      InputStream raw = file.newStream();
      DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        in.close();
        throw new IllegalStateException("Invalid batch ledger file " + location + ": it does not start with FLOELDG2");
      }
      reads.count(codeStart);
      return new EntryStream(location, in, footer.entries(),
          new RiceCode.Reader(codes, 0, codes.length, footer.k()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read batch ledger file " + location + ": " + e.getMessage(), e);
    }
  }

  /** The entries of one file, in order. */
  static final class EntryStream implements java.util.Iterator<Entry>, AutoCloseable {
    private final String location;
    private final DataInputStream in;
    private final long entries;
    /** The digests' first bytes of a format-2 file; null for format 1, which stores them inline. */
    private final RiceCode.Reader prefixes;
    private long taken;
    private Entry next;

    private EntryStream(String location, DataInputStream in, long entries, RiceCode.Reader prefixes) {
      this.location = location;
      this.in = in;
      this.entries = entries;
      this.prefixes = prefixes;
    }

    /** How many entries the file holds. */
    long entries() {
      return entries;
    }

    @Override
    public boolean hasNext() {
      if (next == null && taken < entries) {
        byte[] digest = new byte[DIGEST_BYTES];
        try {
          int from = 0;
          if (prefixes != null) {
            long prefix = prefixes.next();
            digest[0] = (byte) (prefix >>> 24);
            digest[1] = (byte) (prefix >>> 16);
            digest[2] = (byte) (prefix >>> 8);
            digest[3] = (byte) prefix;
            from = PREFIX_BYTES;
          }
          in.readFully(digest, from, DIGEST_BYTES - from);
          next = new Entry(digest, Integer.toUnsignedLong(in.readInt()));
          taken++;
        } catch (EOFException e) {
          throw new IllegalStateException("Invalid batch ledger file " + location + ": it ends inside an entry", e);
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read batch ledger file " + location + ": " + e.getMessage(), e);
        }
      }
      return next != null;
    }

    @Override
    public Entry next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      Entry entry = next;
      next = null;
      return entry;
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        // Everything needed was read.
      }
    }
  }

  /** A sorted source of entries with its current head. */
  private static final class Cursor {
    private final java.util.Iterator<Entry> entries;
    private Entry head;

    Cursor(java.util.Iterator<Entry> entries) {
      this.entries = entries;
    }

    boolean advance() {
      head = entries.hasNext() ? entries.next() : null;
      return head != null;
    }

    void close() {
      if (entries instanceof EntryStream stream) {
        stream.close();
      }
    }
  }
}
