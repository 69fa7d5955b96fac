package dev.floe.core.table;

import dev.floe.core.config.InvalidConfigException;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;

/**
 * What floe creates when the table is missing, and checks an existing table against.
 *
 * @param schemaExplicit whether the schema was given by the user (an existing table must then
 *     match it) rather than being the built-in default (an existing table only needs to be
 *     writable: floe follows whatever schema it has)
 */
public record TableDefinition(
    Schema schema,
    boolean schemaExplicit,
    PartitionSpec spec,
    List<String> sortColumns,
    Map<String, String> properties) {

  public TableDefinition {
    properties = Map.copyOf(properties);
    sortColumns = List.copyOf(sortColumns);
    for (String column : sortColumns) {
      if (schema.findField(column) == null) {
        throw new InvalidConfigException(
            "Invalid sort order: unknown column '" + column + "' (columns: " + schema.columns() + ")");
      }
    }
  }

  public SortOrder sortOrder() {
    if (sortColumns.isEmpty()) {
      return SortOrder.unsorted();
    }
    SortOrder.Builder builder = SortOrder.builderFor(schema);
    sortColumns.forEach(builder::asc);
    return builder.build();
  }
}
