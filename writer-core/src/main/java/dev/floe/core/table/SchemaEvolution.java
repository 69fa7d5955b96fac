package dev.floe.core.table;

import dev.floe.core.schema.EventSchemas;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.iceberg.Schema;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * What a table's schema must gain so that floe can write a stream definition into it: a pure plan,
 * made from the table's schemas alone and applied by {@link TableBootstrap}.
 *
 * <p>A definition may add optional fields (at the top or in a struct), widen a type ({@code int}
 * to {@code long}, {@code float} to {@code double}, a decimal's precision) and make a required
 * field optional, and mark a plain string column as json. Anything else is refused, naming the field: a required field added, a type
 * narrowed or changed, an optional field made required, a json column made a plain string, a
 * required column of the table left out.
 * A column the definition leaves out stays in the table: floe never drops or renames one.
 *
 * <p>A definition may also be behind the table: a writer still on an older definition finds the
 * table's type wider, or a field optional, that it once had narrower or required. That is no
 * narrowing: the writer writes with the table's schema. So a type or requirement the table had in
 * any of its schemas (a plain string where the column is now json, too) is accepted as it is, and
 * only one it never had is refused.
 *
 * @param changes what to apply, in order; empty when the table can take the definition as it is
 * @param refusals why the table cannot take the definition, each naming its field; when not
 *     empty, nothing may be applied
 */
public record SchemaEvolution(List<Change> changes, List<String> refusals) {
  public SchemaEvolution {
    changes = List.copyOf(changes);
    refusals = List.copyOf(refusals);
  }

  /** One change Iceberg's {@link UpdateSchema} can make without rewriting a data file. */
  public sealed interface Change {
    /** Applies the change to a pending schema update. */
    void applyTo(UpdateSchema update);

    /** For logs and the status: {@code added order.note string}. */
    String describe();
  }

  /**
   * An optional column; {@code parent} is the Iceberg name of the struct it goes into (null at the
   * top), {@code display} its path as floe's messages write it ({@code order.lines[].sku}).
   */
  public record AddColumn(String parent, String name, Type type, String doc, String display) implements Change {
    @Override
    public void applyTo(UpdateSchema update) {
      if (parent == null) {
        update.addColumn(name, type, doc);
      } else {
        update.addColumn(parent, name, type, doc);
      }
    }

    @Override
    public String describe() {
      return "added " + display + " " + type;
    }
  }

  public record Widen(String column, Type.PrimitiveType from, Type.PrimitiveType to, String display) implements Change {
    @Override
    public void applyTo(UpdateSchema update) {
      update.updateColumn(column, to);
    }

    @Override
    public String describe() {
      return "widened " + display + " from " + from + " to " + to;
    }
  }

  public record MakeOptional(String column, String display) implements Change {
    @Override
    public void applyTo(UpdateSchema update) {
      update.makeColumnOptional(column);
    }

    @Override
    public String describe() {
      return "made " + display + " optional";
    }
  }

  /**
   * Marks a string column as holding JSON text, Pipelines' {@code json}; on a list of strings the
   * mark speaks for its elements. The rows already written hold strings, which a json column
   * stores the same way, so nothing is rewritten.
   *
   * @param replacedDoc the column's doc before, which the mark replaces; null when it had none
   */
  public record MarkJson(String column, String display, String replacedDoc) implements Change {
    @Override
    public void applyTo(UpdateSchema update) {
      update.updateColumnDoc(column, EventSchemas.JSON_DOC);
    }

    @Override
    public String describe() {
      return "marked " + display + " as json" + (replacedDoc == null ? "" : " (its doc '" + replacedDoc + "' replaced)");
    }
  }

  /**
   * Plans the changes that let a table whose current schema is {@code current} (and whose earlier
   * schemas are in {@code history}) take {@code wanted}. Fields are matched by name, since the
   * definition's ids are its own.
   */
  public static SchemaEvolution plan(Schema current, Collection<Schema> history, Schema wanted) {
    Planner planner = new Planner(history);
    planner.struct(null, "", current.asStruct(), wanted.asStruct());
    return new SchemaEvolution(planner.changes, planner.refusals);
  }

  public boolean isEmpty() {
    return changes.isEmpty() && refusals.isEmpty();
  }

  /** Applies every change to {@code update}; call only when there are no refusals. */
  public void applyTo(UpdateSchema update) {
    if (!refusals.isEmpty()) {
      throw new IllegalStateException("Cannot apply a refused schema evolution: " + refusals);
    }
    changes.forEach(change -> change.applyTo(update));
  }

  public List<String> describe() {
    return changes.stream().map(Change::describe).toList();
  }

  /**
   * How many lists deep a field's strings are (0 for a string, 1 for a list of strings, ...), or
   * -1 when it holds no strings: the json mark is the doc of the field at the top of those lists,
   * since Iceberg keeps no doc on a list's element.
   */
  static int stringDepth(Type type) {
    int depth = 0;
    while (type.isListType()) {
      type = type.asListType().elementType();
      depth++;
    }
    return type.typeId() == Type.TypeID.STRING ? depth : -1;
  }

  /** True when the field holds JSON text: strings, or lists of them, whose field doc is json. */
  static boolean isJson(Types.NestedField field) {
    return EventSchemas.JSON_DOC.equals(field.doc()) && stringDepth(field.type()) >= 0;
  }

  private static final class Planner {
    private final Collection<Schema> history;
    private final List<Change> changes = new ArrayList<>();
    private final List<String> refusals = new ArrayList<>();

    Planner(Collection<Schema> history) {
      this.history = history;
    }

    /**
     * {@code name} is the Iceberg name of the struct (null at the top), {@code display} its path in
     * messages ("" at the top).
     */
    void struct(String name, String display, Types.StructType have, Types.StructType want) {
      for (Types.NestedField wantField : want.fields()) {
        Types.NestedField haveField = have.field(wantField.name());
        String fieldName = name == null ? wantField.name() : name + "." + wantField.name();
        String fieldDisplay = display.isEmpty() ? wantField.name() : display + "." + wantField.name();
        if (haveField == null) {
          if (wantField.isRequired()) {
            refusals.add("field '" + fieldDisplay + "' is required in the definition and not in the table:"
                + " Iceberg cannot add a required column, since the rows already written have no value for it"
                + " (add it as optional)");
          } else {
            changes.add(new AddColumn(name, wantField.name(), wantField.type(), wantField.doc(), fieldDisplay));
          }
        } else {
          field(fieldName, fieldDisplay, haveField, wantField);
        }
      }
      for (Types.NestedField haveField : have.fields()) {
        if (haveField.isRequired() && want.field(haveField.name()) == null) {
          String fieldDisplay = display.isEmpty() ? haveField.name() : display + "." + haveField.name();
          refusals.add("required column '" + fieldDisplay + "' of the table is not in the definition:"
              + " floe would write null into it, and it never drops or renames a column");
        }
      }
    }

    private void field(String name, String display, Types.NestedField have, Types.NestedField want) {
      if (have.isRequired() && want.isOptional()) {
        changes.add(new MakeOptional(name, display));
      } else if (have.isOptional() && want.isRequired() && !onceRequired(have.fieldId())) {
        refusals.add("field '" + display + "' is optional in the table and required in the definition:"
            + " Iceberg cannot make a column required, since the rows already written may hold null");
      }
      json(name, display, have, want);
      type(name, display, have.fieldId(), have.type(), want.type());
    }

    /**
     * A json definition marks a plain string column; a string definition never unmarks a json
     * one, since readers may rely on the mark, unless the table once had it as a string: that
     * definition is an older one, and the writer keeps to the table.
     */
    private void json(String name, String display, Types.NestedField have, Types.NestedField want) {
      int depth = stringDepth(have.type());
      if (depth < 0 || depth != stringDepth(want.type())) {
        return; // no strings, or a type change, which is refused on its own
      }
      String shown = display + "[]".repeat(depth);
      if (isJson(want) && !isJson(have)) {
        changes.add(new MarkJson(name, shown, have.doc()));
      } else if (isJson(have) && !isJson(want) && !onceString(have.fieldId())) {
        refusals.add("field '" + shown + "' is json in the table and string in the definition:"
            + " floe does not unmark a json column (readers may rely on it); change the definition to json");
      }
    }

    private void type(String name, String display, int id, Type have, Type want) {
      if (have.isPrimitiveType() && want.isPrimitiveType()) {
        primitive(name, display, id, have.asPrimitiveType(), want.asPrimitiveType());
      } else if (have.isStructType() && want.isStructType()) {
        struct(name, display, have.asStructType(), want.asStructType());
      } else if (have.isListType() && want.isListType()) {
        Types.NestedField haveElement = have.asListType().fields().get(0);
        Types.NestedField wantElement = want.asListType().fields().get(0);
        field(name + ".element", display + "[]", haveElement, wantElement);
      } else {
        refusals.add(changed(display, have, want));
      }
    }

    private void primitive(String name, String display, int id, Type.PrimitiveType have, Type.PrimitiveType want) {
      if (have.equals(want)) {
        return;
      }
      if (widens(have, want)) {
        changes.add(new Widen(name, have, want, display));
      } else if (widens(want, have)) {
        if (!onceHad(id, want)) {
          refusals.add("field '" + display + "' is " + have + " in the table and " + want + " in the definition:"
              + " a type is never narrowed, since the rows already written may not fit");
        }
      } else {
        refusals.add(changed(display, have, want));
      }
    }

    private static String changed(String display, Type have, Type want) {
      return "field '" + display + "' is " + have + " in the table and " + want + " in the definition:"
          + " Iceberg can only widen int to long, float to double or a decimal's precision";
    }

    /** The promotions Iceberg makes in place: old files are read with the wider type. */
    private static boolean widens(Type.PrimitiveType from, Type.PrimitiveType to) {
      if (from.typeId() == Type.TypeID.INTEGER && to.typeId() == Type.TypeID.LONG) {
        return true;
      }
      if (from.typeId() == Type.TypeID.FLOAT && to.typeId() == Type.TypeID.DOUBLE) {
        return true;
      }
      if (from instanceof Types.DecimalType a && to instanceof Types.DecimalType b) {
        return a.scale() == b.scale() && a.precision() < b.precision();
      }
      return false;
    }

    /** The definition is behind the table: it matches what the table was, before it was widened. */
    private boolean onceHad(int id, Type.PrimitiveType type) {
      return history.stream()
          .map(schema -> schema.findField(id))
          .filter(Objects::nonNull)
          .anyMatch(field -> field.type().equals(type));
    }

    private boolean onceString(int id) {
      return history.stream()
          .map(schema -> schema.findField(id))
          .filter(Objects::nonNull)
          .anyMatch(field -> stringDepth(field.type()) >= 0 && !isJson(field));
    }

    private boolean onceRequired(int id) {
      return history.stream()
          .map(schema -> schema.findField(id))
          .filter(Objects::nonNull)
          .anyMatch(Types.NestedField::isRequired);
    }
  }
}
