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
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

/**
 * One object of the batch ledger: batch digests, each with the second its commit was made, sorted
 * by digest. An 8-byte magic, then 16 bytes an entry (the digest's 12 bytes, the second as an
 * unsigned 32-bit number): 2M batches take 32 MB, read as one stream.
 *
 * <p>Entries of several files merge as sorted streams, so neither writing nor merging holds more
 * than one entry per file in memory.
 */
final class LedgerFile {
  static final int DIGEST_BYTES = 12;
  static final int ENTRY_BYTES = DIGEST_BYTES + 4;
  private static final byte[] MAGIC = "FLOELDG1".getBytes(StandardCharsets.US_ASCII);

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
      for (String location : merged) {
        cursors.add(new Cursor(read(io, location)));
      }
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
          out.write(entry.digest());
          out.writeInt((int) latest);
          count++;
          oldest = Math.min(oldest, latest);
          newest = Math.max(newest, latest);
        }
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
   * {@code fresh} accepts.
   */
  static void find(FileIO io, String location, Set<String> wanted, LongPredicate fresh, Set<String> found) {
    try (EntryStream entries = read(io, location)) {
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

  static EntryStream read(FileIO io, String location) {
    try {
      InputStream raw = io.newInputFile(location).newStream();
      DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        in.close();
        throw new IllegalStateException("Invalid batch ledger file " + location + ": it does not start with FLOELDG1");
      }
      return new EntryStream(location, in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read batch ledger file " + location + ": " + e.getMessage(), e);
    }
  }

  /** The entries of one file, in order. */
  static final class EntryStream implements java.util.Iterator<Entry>, AutoCloseable {
    private final String location;
    private final DataInputStream in;
    private Entry next;
    private boolean done;

    private EntryStream(String location, DataInputStream in) {
      this.location = location;
      this.in = in;
    }

    @Override
    public boolean hasNext() {
      if (next == null && !done) {
        byte[] digest = new byte[DIGEST_BYTES];
        try {
          int first = in.read();
          if (first < 0) {
            done = true;
            return false;
          }
          digest[0] = (byte) first;
          in.readFully(digest, 1, DIGEST_BYTES - 1);
          next = new Entry(digest, Integer.toUnsignedLong(in.readInt()));
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
