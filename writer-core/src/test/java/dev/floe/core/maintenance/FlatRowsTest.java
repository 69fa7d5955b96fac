package dev.floe.core.maintenance;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.SortOrderComparators;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flat compaction path against Iceberg's generic one: same values read, same order, runs kept whole. */
class FlatRowsTest {
  private static final Schema SCHEMA =
      new Schema(
          optional(1, "s", Types.StringType.get()),
          optional(2, "i", Types.IntegerType.get()),
          required(3, "l", Types.LongType.get()),
          optional(4, "b", Types.BooleanType.get()),
          optional(5, "d", Types.DateType.get()),
          optional(6, "tz", Types.TimestampType.withZone()),
          optional(7, "ts", Types.TimestampType.withoutZone()),
          optional(8, "v", Types.StringType.get()));
  /** Strings whose UTF-16 order differs from code point order (U+FFFD against a surrogate pair), ties, the empty string. */
  private static final String[] STRINGS = {"", "a", "ab", "b", "é", "\uFFFD", "\uD83D\uDE00", "\uD83D\uDE00x", "z"};

  @TempDir Path dir;

  @Test
  void readsTheValuesIcebergsGenericReaderReadsAcrossRowGroups() throws IOException {
    List<Record> written = records(new Random(1), 5000);
    Path file = write(written);

    List<Record> generic = readGeneric(file, SCHEMA);
    List<FlatRow> flat = readFlat(file, SCHEMA);

    assertThat(rowGroups(file)).isGreaterThan(3);
    assertThat(flat).hasSize(generic.size());
    for (int row = 0; row < generic.size(); row++) {
      for (int column = 0; column < SCHEMA.columns().size(); column++) {
        assertThat(flat.get(row).get(column)).as("row %d column %d", row, column).isEqualTo(generic.get(row).get(column));
      }
    }
  }

  @Test
  void chunkBuffersAreReusedFromRowGroupToRowGroupAndFileToFileWithoutChangingAValue() throws IOException {
    Path first = write(records(new Random(10), 5000));
    Path second = write(records(new Random(11), 5000));
    List<FlatRow> expected = new ArrayList<>(readFlat(first, SCHEMA));
    expected.addAll(readFlat(second, SCHEMA));
    FlatParquetReader reader = new FlatParquetReader(FlatLayout.of(SCHEMA, SortOrder.unsorted()));

    List<FlatRow> read = new ArrayList<>();
    for (Path file : List.of(first, second)) {
      try (CloseableIterable<FlatRow> rows = reader.read(org.apache.iceberg.Files.localInput(file.toFile()))) {
        rows.forEach(read::add);
      }
      assertThat(reader.buffers().outstanding()).as("every row group's buffers are released").isZero();
    }
    long afterBoth = reader.buffers().allocatedBytes();
    try (CloseableIterable<FlatRow> rows = reader.read(org.apache.iceberg.Files.localInput(first.toFile()))) {
      rows.forEach(read::add);
    }

    assertThat(read).hasSize(expected.size() + 5000);
    for (int i = 0; i < read.size(); i++) {
      assertThat(read.get(i).toString()).as("row %d", i).isEqualTo(expected.get(i % expected.size()).toString());
    }
    long chunkBytes = chunkBytes(first) + chunkBytes(second);
    assertThat(rowGroups(first)).isGreaterThan(3);
    assertThat(afterBoth).as("a few row groups' worth of arrays for %d bytes of chunks", chunkBytes).isLessThan(chunkBytes / 2);
    assertThat(reader.buffers().allocatedBytes()).as("a file read again takes no new array").isEqualTo(afterBoth);
  }

  @Test
  void aColumnTheFileLacksReadsAsNullAndAColumnTheTableDroppedIsNotRead() throws IOException {
    Path file = write(records(new Random(2), 300));
    // Columns 2 and 8 dropped, column 20 added since the file was written.
    List<Types.NestedField> columns = new ArrayList<>();
    SCHEMA.columns().stream().filter(column -> column.fieldId() != 2 && column.fieldId() != 8).forEach(columns::add);
    columns.add(optional(20, "added", Types.StringType.get()));
    Schema evolved = new Schema(columns);

    List<Record> generic = readGeneric(file, evolved);
    List<FlatRow> flat = readFlat(file, evolved);

    assertThat(flat).hasSize(300);
    for (int row = 0; row < 300; row++) {
      assertThat(flat.get(row).size()).isEqualTo(evolved.columns().size());
      for (int column = 0; column < evolved.columns().size(); column++) {
        assertThat(flat.get(row).get(column)).isEqualTo(generic.get(row).get(column));
      }
      assertThat(flat.get(row).getField("added")).isNull();
    }
  }

  @Test
  void filesWithoutFieldIdsOrWithOtherPhysicalTypesAreLeftToTheGenericReader() {
    FlatParquetReader reader = new FlatParquetReader(FlatLayout.of(SCHEMA, SortOrder.unsorted()));
    MessageType iceberg = org.apache.iceberg.parquet.ParquetSchemaUtil.convert(SCHEMA, "table");
    assertThat(reader.columns(iceberg)).isNotNull();

    // A column without an id: the file's other names are unknown here, and nothing may read as null.
    MessageType withoutIds =
        org.apache.parquet.schema.Types.buildMessage()
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("s")
            .required(PrimitiveTypeName.INT64).id(3).named("l")
            .named("table");
    assertThat(reader.columns(withoutIds)).isNull();

    // A long column written as int (a promoted type) and a timestamp in milliseconds convert in the generic reader only.
    MessageType promoted = replace(iceberg, 3, org.apache.parquet.schema.Types.required(PrimitiveTypeName.INT32).id(3).named("l"));
    MessageType millis =
        replace(iceberg, 6, org.apache.parquet.schema.Types.optional(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS)).id(6).named("tz"));
    MessageType missingRequired =
        new MessageType("table", iceberg.getFields().stream().filter(field -> field.getId().intValue() != 3).toList());
    assertThat(reader.columns(promoted)).isNull();
    assertThat(reader.columns(millis)).isNull();
    assertThat(reader.columns(missingRequired)).isNull();
  }

  private static MessageType replace(MessageType schema, int id, org.apache.parquet.schema.Type column) {
    return new MessageType(
        schema.getName(), schema.getFields().stream().map(field -> field.getId().intValue() == id ? column : field).toList());
  }

  @Test
  void sortsAsIcebergsComparatorInEveryDirectionAndNullOrder() throws IOException {
    Path file = write(records(new Random(3), 2000));
    List<Record> generic = readGeneric(file, SCHEMA);
    List<FlatRow> flat = readFlat(file, SCHEMA);
    List<SortOrder> orders =
        List.of(
            SortOrder.builderFor(SCHEMA).asc("s", NullOrder.NULLS_FIRST).asc("l").build(),
            SortOrder.builderFor(SCHEMA).asc("s", NullOrder.NULLS_LAST).desc("i", NullOrder.NULLS_FIRST).build(),
            SortOrder.builderFor(SCHEMA).desc("s", NullOrder.NULLS_FIRST).desc("b", NullOrder.NULLS_LAST).asc("d").build(),
            SortOrder.builderFor(SCHEMA).desc("tz", NullOrder.NULLS_LAST).asc("ts", NullOrder.NULLS_FIRST).desc("v").build());
    Random random = new Random(4);
    for (SortOrder order : orders) {
      Comparator<FlatRow> flatOrder = FlatLayout.of(SCHEMA, order).comparator(SCHEMA, order);
      Comparator<StructLike> icebergOrder = SortOrderComparators.forSchema(SCHEMA, order);
      InternalRecordWrapper left = new InternalRecordWrapper(SCHEMA.asStruct());
      InternalRecordWrapper right = new InternalRecordWrapper(SCHEMA.asStruct());
      for (int n = 0; n < 20_000; n++) {
        int a = random.nextInt(flat.size());
        int b = random.nextInt(flat.size());
        int expected = Integer.signum(icebergOrder.compare(left.wrap(generic.get(a)), right.wrap(generic.get(b))));
        assertThat(Integer.signum(flatOrder.compare(flat.get(a), flat.get(b))))
            .as("%s: %s against %s", order, generic.get(a), generic.get(b))
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void theKeySortOrdersTheBufferAsTheComparatorAndAsStably() throws IOException {
    // Narrow keys, whose ranges pack into one long a row, and longs of any value, which do not.
    theKeySortOrdersAsTheComparator(readFlat(write(records(new Random(7), 3000, false)), SCHEMA));
    theKeySortOrdersAsTheComparator(readFlat(write(records(new Random(17), 3000, true)), SCHEMA));
  }

  private static void theKeySortOrdersAsTheComparator(List<FlatRow> flat) {
    List<SortOrder> orders =
        List.of(
            SortOrder.builderFor(SCHEMA).asc("s", NullOrder.NULLS_FIRST).asc("l").build(),
            SortOrder.builderFor(SCHEMA).asc("s", NullOrder.NULLS_LAST).desc("i", NullOrder.NULLS_FIRST).build(),
            SortOrder.builderFor(SCHEMA).desc("s", NullOrder.NULLS_FIRST).desc("b", NullOrder.NULLS_LAST).asc("d").build(),
            SortOrder.builderFor(SCHEMA).desc("tz", NullOrder.NULLS_LAST).asc("ts", NullOrder.NULLS_FIRST).desc("v").build(),
            SortOrder.builderFor(SCHEMA).desc("l").asc("v", NullOrder.NULLS_LAST).build(),
            SortOrder.builderFor(SCHEMA).asc("v").build());
    Random random = new Random(8);
    for (SortOrder order : orders) {
      FlatLayout layout = FlatLayout.of(SCHEMA, order);
      FlatKeySort keys = new FlatKeySort(layout, order);
      // Sizes around the insertion-sorted runs of the merge sort, and the whole file (many ties:
      // rows equal in every sort field must keep their order, as List.sort keeps it).
      for (int size : new int[] {0, 1, 2, 23, 24, 25, 49, 700, flat.size()}) {
        List<FlatRow> rows = new ArrayList<>(flat);
        java.util.Collections.shuffle(rows, random);
        rows = new ArrayList<>(rows.subList(0, size));
        List<FlatRow> expected = new ArrayList<>(rows);
        expected.sort(layout.comparator(SCHEMA, order));

        keys.sort(rows);

        for (int i = 0; i < size; i++) {
          assertThat(rows.get(i)).as("%s, %d rows: row %d", order, size, i).isSameAs(expected.get(i));
        }
      }
    }
  }

  @Test
  void rowsReadIntoAnArenaHoldTheirValuesAndItsSlabsAreRefilledAfterClear() throws IOException {
    Path file = write(records(new Random(9), 2000));
    List<FlatRow> own = readFlat(file, SCHEMA);
    FlatParquetReader reader = new FlatParquetReader(FlatLayout.of(SCHEMA, SortOrder.unsorted()));
    RowArena arena = new RowArena();

    for (int pass = 0; pass < 2; pass++) {
      List<FlatRow> packed = new ArrayList<>();
      try (CloseableIterable<FlatRow> rows = reader.read(org.apache.iceberg.Files.localInput(file.toFile()), arena)) {
        rows.forEach(packed::add);
      }
      assertThat(packed).hasSize(own.size());
      long bytes = 0;
      for (int i = 0; i < own.size(); i++) {
        assertThat(packed.get(i).toString()).isEqualTo(own.get(i).toString());
        assertThat(packed.get(i).hash()).isEqualTo(own.get(i).hash());
        bytes += own.get(i).recordLength();
      }
      assertThat(packed.get(0).data()).as("rows share a slab").isSameAs(packed.get(1).data());
      assertThat(arena.bytes()).isEqualTo(bytes);
      assertThat(arena.slabs()).as("the second pass refills the first pass's slab").isEqualTo(1);
      arena.clear();
    }

    // A row larger than a slab gets an array of its own.
    FlatLayout layout = FlatLayout.of(SCHEMA, SortOrder.unsorted());
    int[] ends = new int[SCHEMA.columns().size()];
    Arrays.fill(ends, RowArena.SLAB + 1);
    FlatRow large = row(layout, new byte[RowArena.SLAB + 1], ends, 0);
    FlatRow row = arena.row(layout, large.data(), large.recordLength());
    assertThat(row.data()).isNotSameAs(large.data()).isEqualTo(large.data());
    assertThat(arena.slabs()).isEqualTo(1);
  }

  @Test
  void aTableWithOtherColumnTypesOrATransformInItsSortOrderHasNoFlatLayout() {
    Schema withDouble = new Schema(required(1, "s", Types.StringType.get()), optional(2, "x", Types.DoubleType.get()));
    Schema withStruct =
        new Schema(required(1, "s", Types.StringType.get()), optional(2, "p", Types.StructType.of(optional(3, "q", Types.LongType.get()))));
    Schema withTimestamp = new Schema(required(1, "s", Types.StringType.get()), required(2, "t", Types.TimestampType.withZone()));

    assertThat(FlatLayout.of(withDouble, SortOrder.unsorted())).isNull();
    assertThat(FlatLayout.of(withStruct, SortOrder.unsorted())).isNull();
    assertThat(FlatLayout.of(withTimestamp, SortOrder.builderFor(withTimestamp).asc("s").build())).isNotNull();
    assertThat(FlatLayout.of(withTimestamp, SortOrder.builderFor(withTimestamp).asc(org.apache.iceberg.expressions.Expressions.day("t")).build()))
        .isNull();
  }

  @Test
  void spilledRunsReadBackTheSameRowsAndATruncatedRunFails() throws IOException {
    FlatLayout layout = FlatLayout.of(SCHEMA, SortOrder.unsorted());
    FlatRuns runs = new FlatRuns(layout);
    List<FlatRow> rows = readFlat(write(records(new Random(5), 3000)), SCHEMA);
    Path run = dir.resolve("run");
    runs.write(rows.iterator(), run);

    List<FlatRow> back = new ArrayList<>();
    try (CloseableIterator<FlatRow> iterator = runs.read(run)) {
      iterator.forEachRemaining(back::add);
    }
    assertThat(back).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(back.get(i).hash()).isEqualTo(rows.get(i).hash());
      assertThat(back.get(i).toString()).isEqualTo(rows.get(i).toString());
    }

    // Whole rows, but the end marker is gone: the run must not read as complete.
    byte[] plain;
    try (InputStream in = new ZstdInputStream(Files.newInputStream(run))) {
      plain = in.readAllBytes();
    }
    Path cut = dir.resolve("cut");
    try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(cut))) {
      out.write(Arrays.copyOf(plain, plain.length - 4));
    }
    assertThatThrownBy(() -> drain(runs, cut))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Cannot read sort spill file " + cut)
        .hasMessageContaining("ends before its end marker");
    // Cut in the middle of the compressed stream.
    Path half = dir.resolve("half");
    Files.write(half, Arrays.copyOf(Files.readAllBytes(run), (int) Files.size(run) / 2));
    assertThatThrownBy(() -> drain(runs, half)).hasMessageContaining("Cannot read sort spill file " + half);
    // A row whose column ends say its values run past its record.
    Path overrun = dir.resolve("overrun");
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(new ZstdOutputStream(Files.newOutputStream(overrun)))) {
      int[] ends = new int[layout.size()];
      Arrays.fill(ends, 10);
      byte[] record = new byte[layout.headerBytes() + 4];
      FlatRow.writeHeader(record, 0, ends, 0);
      out.writeInt(record.length);
      out.write(record);
      out.writeInt(-1);
    }
    assertThatThrownBy(() -> drain(runs, overrun))
        .hasMessageContaining("Cannot read sort spill file " + overrun)
        .hasMessageContaining("a row of " + (layout.headerBytes() + 4) + " bytes says its values take 10");
  }

  @Test
  void theRowHashSeesEveryValueBoundaryAndNull() throws IOException {
    FlatLayout layout = FlatLayout.of(SCHEMA, SortOrder.unsorted());
    FlatRow row = readFlat(write(records(new Random(6), 1)), SCHEMA).get(0);
    byte[] values = Arrays.copyOfRange(row.data(), row.base() + layout.headerBytes(), row.base() + row.recordLength());
    int[] ends = new int[SCHEMA.columns().size()];
    for (int i = 0; i < ends.length; i++) {
      ends[i] = row.end(i);
    }
    FlatRow same = row(layout, values, ends, row.nulls());
    byte[] changed = values.clone();
    changed[changed.length - 1] ^= 1;
    int[] moved = ends.clone();
    moved[0] = moved[0] == 0 ? 1 : moved[0] - 1; // one byte moves between the first two columns

    assertThat(same.toString()).isEqualTo(row.toString());
    assertThat(same.hash()).isEqualTo(row.hash());
    assertThat(row(layout, changed, ends, row.nulls()).hash()).isNotEqualTo(row.hash());
    assertThat(row(layout, values, moved, row.nulls()).hash()).isNotEqualTo(row.hash());
    assertThat(row(layout, values, ends, row.nulls() ^ (1L << 7)).hash()).isNotEqualTo(row.hash());
  }

  /** A row of its own array holding these values, where column {@code i} ends at {@code ends[i]}. */
  private static FlatRow row(FlatLayout layout, byte[] values, int[] ends, long nulls) {
    byte[] record = new byte[layout.headerBytes() + values.length];
    FlatRow.writeHeader(record, 0, ends, nulls);
    System.arraycopy(values, 0, record, layout.headerBytes(), values.length);
    return new FlatRow(layout, record, 0);
  }

  private static void drain(FlatRuns runs, Path file) throws IOException {
    try (CloseableIterator<FlatRow> iterator = runs.read(file)) {
      iterator.forEachRemaining(row -> {});
    }
  }

  private static List<Record> records(Random random, int count) {
    return records(random, count, false);
  }

  /** Random records with many ties; {@code wideLongs}: column l takes any long, else one of 7. */
  private static List<Record> records(Random random, int count, boolean wideLongs) {
    List<Record> records = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      Record record = GenericRecord.create(SCHEMA);
      record.setField("s", random.nextInt(10) == 0 ? null : STRINGS[random.nextInt(STRINGS.length)]);
      record.setField("i", random.nextInt(8) == 0 ? null : random.nextInt(5) - 2);
      record.setField("l", wideLongs ? random.nextLong() : random.nextLong() % 4);
      record.setField("b", random.nextInt(8) == 0 ? null : random.nextBoolean());
      record.setField("d", random.nextInt(8) == 0 ? null : LocalDate.of(1969 + random.nextInt(3), 12, 31));
      long micros = (random.nextInt(5) - 2) * 1_000_001L;
      record.setField("tz", random.nextInt(8) == 0 ? null : OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).plusNanos(micros * 1000));
      record.setField("ts", random.nextInt(8) == 0 ? null : LocalDateTime.of(1970, 1, 1, 0, 0).plusNanos(micros * 1000));
      record.setField("v", random.nextInt(4) == 0 ? null : "{\"n\":" + random.nextInt() + "}".repeat(random.nextInt(40)));
      records.add(record);
    }
    return records;
  }

  private Path write(List<Record> records) throws IOException {
    Path file = Files.createTempFile(dir, "data-", ".parquet");
    Files.delete(file);
    try (FileAppender<Record> appender =
        Parquet.write(org.apache.iceberg.Files.localOutput(file.toFile()))
            .schema(SCHEMA)
            .createWriterFunc(GenericParquetWriter::create)
            .setAll(Map.of("write.parquet.row-group-size-bytes", "16384", "write.parquet.page-size-bytes", "2048"))
            .build()) {
      appender.addAll(records);
    }
    return file;
  }

  private static List<Record> readGeneric(Path file, Schema schema) throws IOException {
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> read =
        Parquet.read(org.apache.iceberg.Files.localInput(file.toFile()))
            .project(schema)
            .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
            .build()) {
      read.forEach(record -> records.add(record.copy()));
    }
    return records;
  }

  private static List<FlatRow> readFlat(Path file, Schema schema) throws IOException {
    FlatParquetReader reader = new FlatParquetReader(FlatLayout.of(schema, SortOrder.unsorted()));
    assertThat(reader.canRead(org.apache.iceberg.Files.localInput(file.toFile()))).isTrue();
    List<FlatRow> rows = new ArrayList<>();
    try (CloseableIterable<FlatRow> read = reader.read(org.apache.iceberg.Files.localInput(file.toFile()))) {
      read.forEach(rows::add);
    }
    return rows;
  }

  private static long chunkBytes(Path file) throws IOException {
    try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(file))) {
      return reader.getFooter().getBlocks().stream().mapToLong(block -> block.getCompressedSize()).sum();
    }
  }

  private static int rowGroups(Path file) throws IOException {
    try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(file))) {
      return reader.getFooter().getBlocks().size();
    }
  }
}
