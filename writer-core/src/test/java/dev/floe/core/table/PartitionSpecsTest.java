package dev.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.schema.EventSchemas;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.junit.jupiter.api.Test;

class PartitionSpecsTest {
  private final Schema schema = EventSchemas.defaultSchema();

  @Test
  void parsesTransformsAndIdentityColumns() {
    assertThat(PartitionSpecs.parse("day(timestamp)", schema))
        .isEqualTo(PartitionSpec.builderFor(schema).day("timestamp").build());
    assertThat(PartitionSpecs.parse("hour(timestamp), bucket(16, do_id), ns", schema))
        .isEqualTo(PartitionSpec.builderFor(schema).hour("timestamp").bucket("do_id", 16).identity("ns").build());
    assertThat(PartitionSpecs.parse("none", schema).isUnpartitioned()).isTrue();
    assertThat(PartitionSpecs.parse("", schema).isUnpartitioned()).isTrue();
  }

  @Test
  void explainsWhatIsWrong() {
    assertThatThrownBy(() -> PartitionSpecs.parse("day(ts)", schema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid partition spec 'day(ts)': unknown column 'ts'");
    assertThatThrownBy(() -> PartitionSpecs.parse("bucket(do_id)", schema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid partition spec 'bucket(do_id)': bucket needs a width, e.g. bucket(16, do_id)");
    assertThatThrownBy(() -> PartitionSpecs.parse("week(timestamp)", schema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid partition spec 'week(timestamp)': unknown transform 'week'");
    assertThatThrownBy(() -> PartitionSpecs.parse("day(timestamp", schema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid partition spec 'day(timestamp': cannot read 'day(timestamp'");
  }
}
