package dev.floe.core.maintenance;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.iceberg.io.CloseableIterator;

/**
 * Sorted runs of {@link FlatRow}s as local files: each row's record (null flags, column ends and
 * values) as it is, after its length, ZSTD-compressed at level 1 (fast, and spilled runs of JSON values shrink about as much
 * as in Parquet), ended by a marker so a truncated run fails rather than reads short.
 */
final class FlatRuns implements ExternalSorter.RunFormat<FlatRow> {
  private static final int BUFFER = 64 * 1024;
  private static final int LEVEL = 1;
  private static final int END = -1;

  private final FlatLayout layout;

  FlatRuns(FlatLayout layout) {
    this.layout = layout;
  }

  @Override
  public void write(Iterator<FlatRow> rows, Path file) throws IOException {
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(new ZstdOutputStream(Files.newOutputStream(file), LEVEL), BUFFER))) {
      while (rows.hasNext()) {
        FlatRow row = rows.next();
        int length = row.recordLength();
        out.writeInt(length);
        out.write(row.data(), row.base(), length);
      }
      out.writeInt(END);
    }
  }

  @Override
  public CloseableIterator<FlatRow> read(Path file) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(new ZstdInputStream(Files.newInputStream(file)), BUFFER));
    return new CloseableIterator<>() {
      private FlatRow next;
      private boolean ended;

      @Override
      public boolean hasNext() {
        if (next == null && !ended) {
          next = readRow();
        }
        return next != null;
      }

      @Override
      public FlatRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        FlatRow row = next;
        next = null;
        return row;
      }

      private FlatRow readRow() {
        try {
          int length = in.readInt();
          if (length == END) {
            ended = true;
            return null;
          }
          if (length < layout.headerBytes()) {
            throw new IllegalStateException("Cannot read sort spill file " + file + ": a row of " + length + " bytes is shorter than its header");
          }
          byte[] data = new byte[length];
          in.readFully(data);
          FlatRow row = new FlatRow(layout, data, 0);
          if (row.recordLength() != length) {
            throw new IllegalStateException(
                "Cannot read sort spill file " + file + ": a row of " + length + " bytes says its values take " + row.valuesLength());
          }
          return row;
        } catch (EOFException e) {
          throw new IllegalStateException("Cannot read sort spill file " + file + ": it ends before its end marker", e);
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read sort spill file " + file + ": " + e.getMessage(), e);
        }
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  @Override
  public long hash(FlatRow row) {
    return row.hash();
  }
}
