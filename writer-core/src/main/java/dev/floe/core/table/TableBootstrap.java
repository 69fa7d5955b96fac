package dev.floe.core.table;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the target table, creating namespace and table when missing, and checks that floe can write it. */
public final class TableBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(TableBootstrap.class);

  private TableBootstrap() {}

  public static Table loadOrCreate(Catalog catalog, TableIdentifier id, TableDefinition definition) {
    Table table;
    try {
      table = catalog.loadTable(id);
    } catch (NoSuchTableException e) {
      table = create(catalog, id, definition);
    }
    List<String> problems = incompatibilities(table.schema(), definition);
    if (!problems.isEmpty()) {
      throw new IncompatibleTableException(
          "Cannot write table " + id + ": it is not compatible with floe's schema: " + String.join("; ", problems));
    }
    return table;
  }

  /**
   * For a dry run, which must create nothing: the table if it exists (checked as {@link
   * #loadOrCreate} does), else the table floe would create, held in an in-memory catalog of the
   * same name.
   */
  public static Table loadOrPreview(Catalog catalog, TableIdentifier id, TableDefinition definition) {
    if (catalog.tableExists(id)) {
      return loadOrCreate(catalog, id, definition);
    }
    InMemoryCatalog preview = new InMemoryCatalog();
    preview.initialize(catalog.name(), Map.of());
    return loadOrCreate(preview, id, definition);
  }

  private static Table create(Catalog catalog, TableIdentifier id, TableDefinition definition) {
    if (catalog instanceof SupportsNamespaces namespaces && !id.namespace().isEmpty()) {
      createNamespaceIfMissing(namespaces, id.namespace());
    }
    try {
      Table table =
          catalog
              .buildTable(id, definition.schema())
              .withPartitionSpec(definition.spec())
              .withSortOrder(definition.sortOrder())
              .withProperties(definition.properties())
              .create();
      LOG.info("Created table {} with partition spec {}", id, definition.spec().fields());
      return table;
    } catch (AlreadyExistsException e) {
      // Another run created it between our load and create.
      return catalog.loadTable(id);
    }
  }

  private static void createNamespaceIfMissing(SupportsNamespaces catalog, Namespace namespace) {
    for (int depth = 1; depth <= namespace.length(); depth++) {
      Namespace level = Namespace.of(java.util.Arrays.copyOf(namespace.levels(), depth));
      if (!catalog.namespaceExists(level)) {
        try {
          // A mutable map: Iceberg 1.12's REST request builder NPEs on an immutable empty map.
          catalog.createNamespace(level, new HashMap<>());
        } catch (AlreadyExistsException e) {
          // Created concurrently: fine.
        }
      }
    }
  }

  /** Why floe cannot write a table with {@code actual} schema; empty when it can. */
  static List<String> incompatibilities(Schema actual, TableDefinition definition) {
    List<String> problems = new ArrayList<>();
    for (Types.NestedField column : actual.columns()) {
      if (!decodable(column.type())) {
        problems.add("column '" + column.name() + "' has type " + column.type() + ", which floe cannot write");
      }
    }
    if (definition.schemaExplicit()) {
      Schema expected = definition.schema();
      for (Types.NestedField want : expected.columns()) {
        Types.NestedField have = actual.findField(want.name());
        if (have == null) {
          problems.add("column '" + want.name() + "' is missing from the table");
        } else if (!sameShape(have.type(), want.type())) {
          problems.add("column '" + want.name() + "' is " + have.type() + " in the table but " + want.type() + " in the schema");
        }
      }
      for (Types.NestedField have : actual.columns()) {
        if (have.isRequired() && expected.findField(have.name()) == null) {
          problems.add("required column '" + have.name() + "' of the table is not in the schema");
        }
      }
    }
    return problems;
  }

  /** Structs and lists of decodable types are decodable; maps are not. */
  private static boolean decodable(Type type) {
    if (type.isPrimitiveType()) {
      return DECODABLE.contains(type.typeId());
    }
    return (type.isStructType() || type.isListType())
        && type.asNestedType().fields().stream().allMatch(field -> decodable(field.type()));
  }

  /**
   * Equal types, field ids aside: a catalog gives a new table fresh ids, so the definition's own
   * ids say nothing.
   */
  static boolean sameShape(Type have, Type want) {
    if (have.isPrimitiveType() || want.isPrimitiveType()) {
      return have.equals(want);
    }
    if (have.typeId() != want.typeId()) {
      return false;
    }
    List<Types.NestedField> haveFields = have.asNestedType().fields();
    List<Types.NestedField> wantFields = want.asNestedType().fields();
    if (haveFields.size() != wantFields.size()) {
      return false;
    }
    for (int i = 0; i < haveFields.size(); i++) {
      Types.NestedField h = haveFields.get(i);
      Types.NestedField w = wantFields.get(i);
      if (!h.name().equals(w.name()) || h.isOptional() != w.isOptional() || !sameShape(h.type(), w.type())) {
        return false;
      }
    }
    return true;
  }

  private static final java.util.Set<Type.TypeID> DECODABLE =
      java.util.EnumSet.of(
          Type.TypeID.STRING,
          Type.TypeID.INTEGER,
          Type.TypeID.LONG,
          Type.TypeID.FLOAT,
          Type.TypeID.DOUBLE,
          Type.TypeID.BOOLEAN,
          Type.TypeID.BINARY,
          Type.TypeID.DECIMAL,
          Type.TypeID.TIMESTAMP,
          Type.TypeID.DATE);
}
