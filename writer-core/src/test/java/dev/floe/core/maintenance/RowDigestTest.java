package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class RowDigestTest {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "do_id", Types.StringType.get()),
          Types.NestedField.required(2, "seq", Types.LongType.get()),
          Types.NestedField.optional(3, "value", Types.StringType.get()));

  @Test
  void theSameRowsInAnyOrderHaveTheSameDigest() {
    List<Record> rows = rows(1000);
    List<Record> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(3));

    assertThat(digest(shuffled).sameRowsAs(digest(rows))).isTrue();
    assertThat(digest(rows).count()).isEqualTo(1000);
  }

  @Test
  void aRowLostDoubledChangedOrMovedBetweenColumnsChangesTheDigest() {
    List<Record> rows = rows(1000);
    RowDigest original = digest(rows);

    List<Record> doubled = new ArrayList<>(rows);
    doubled.set(10, rows.get(11)); // one row lost, another doubled: the count stays
    List<Record> changed = new ArrayList<>(rows);
    changed.set(500, row("do-500", 500, "{\"n\":501}"));
    List<Record> nulled = new ArrayList<>(rows);
    nulled.set(7, row("do-7", 7, null));
    List<Record> swapped = new ArrayList<>(rows);
    swapped.set(0, row("do-1", 0, rows.get(0).getField("value").toString())); // rows 0 and 1 swap do_ids
    swapped.set(1, row("do-0", 1, rows.get(1).getField("value").toString()));

    assertThat(digest(doubled).sameRowsAs(original)).isFalse();
    assertThat(digest(changed).sameRowsAs(original)).isFalse();
    assertThat(digest(nulled).sameRowsAs(original)).isFalse();
    assertThat(digest(swapped).sameRowsAs(original)).isFalse();
    assertThat(digest(rows.subList(0, 999)).sameRowsAs(original)).isFalse();
  }

  private static RowDigest digest(List<Record> rows) {
    RowDigest digest = new RowDigest();
    rows.forEach(digest::add);
    return digest;
  }

  private static List<Record> rows(int count) {
    List<Record> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(row("do-" + i, i, "{\"n\":" + i + "}"));
    }
    return rows;
  }

  private static Record row(String doId, long seq, String value) {
    Record row = GenericRecord.create(SCHEMA);
    row.setField("do_id", doId);
    row.setField("seq", seq);
    row.setField("value", value);
    return row;
  }
}
