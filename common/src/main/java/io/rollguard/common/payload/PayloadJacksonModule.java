package io.rollguard.common.payload;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.rollguard.common.LogValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The number rules of the payload contract, in one place: JSON {@code null} is the only way to say
 * "missing"; in memory that is {@code NaN} inside {@code double[][]} matrices and {@code null} for
 * boxed values; non-finite numbers never cross the wire in either direction.
 *
 * <p>Jackson's defaults would write {@code NaN} as the string {@code "NaN"} and accept strings and
 * {@code Infinity} as doubles; both would let a broken value travel on silently.
 */
final class PayloadJacksonModule {

  private PayloadJacksonModule() {}

  static SimpleModule create() {
    SimpleModule module = new SimpleModule("rollguard-payload");
    module.addSerializer(double[][].class, new MatrixSerializer());
    module.addDeserializer(double[][].class, new MatrixDeserializer());
    module.addSerializer(double[].class, new VectorSerializer());
    module.addDeserializer(double[].class, new VectorDeserializer());
    NullableDoubleSerializer doubles = new NullableDoubleSerializer();
    module.addSerializer(Double.class, doubles);
    module.addSerializer(double.class, doubles);
    module.addDeserializer(Double.class, new FiniteDoubleDeserializer(Double.class, false));
    module.addDeserializer(double.class, new FiniteDoubleDeserializer(double.class, true));
    return module;
  }

  /** Reads a JSON number as a finite double; anything else is an invalid field. */
  static double readFinite(JsonParser p, Class<?> target) throws IOException {
    JsonToken token = p.currentToken();
    if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
      throw MismatchedInputException.from(
          p, target, "expected a number or null, got " + describe(token));
    }
    double value = p.getDoubleValue();
    if (!Double.isFinite(value)) {
      throw MismatchedInputException.from(
          p, target, "non-finite number " + p.getText() + " (write null for a missing value)");
    }
    return value;
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "end of input";
    }
    return switch (token) {
      case VALUE_STRING -> "a string";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      default -> token.asString() == null ? token.name() : token.asString();
    };
  }

  private static void requireEncodable(double value, JsonGenerator gen) throws IOException {
    if (Double.isInfinite(value)) {
      // Writing null would turn a bug into "missing"; writing a huge number would fake a value.
      throw JsonMappingException.from(
          gen, "cannot encode " + value + ": only finite numbers or NaN (missing) are allowed");
    }
  }

  static final class MatrixSerializer extends StdSerializer<double[][]> {
    private static final long serialVersionUID = 1L;

    MatrixSerializer() {
      super(double[][].class);
    }

    @Override
    public void serialize(double[][] matrix, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeStartArray(matrix, matrix.length);
      for (int i = 0; i < matrix.length; i++) {
        double[] row = matrix[i];
        if (row == null) {
          throw JsonMappingException.from(gen, "cannot encode matrix: row " + i + " is null");
        }
        writeVector(row, gen);
      }
      gen.writeEndArray();
    }
  }

  /** One row of numbers, {@code NaN} as {@code null}. */
  private static void writeVector(double[] vector, JsonGenerator gen) throws IOException {
    gen.writeStartArray(vector, vector.length);
    for (double cell : vector) {
      if (Double.isNaN(cell)) {
        gen.writeNull();
      } else {
        requireEncodable(cell, gen);
        gen.writeNumber(cell);
      }
    }
    gen.writeEndArray();
  }

  static final class VectorSerializer extends StdSerializer<double[]> {
    private static final long serialVersionUID = 1L;

    VectorSerializer() {
      super(double[].class);
    }

    @Override
    public void serialize(double[] vector, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      writeVector(vector, gen);
    }
  }

  static final class MatrixDeserializer extends StdDeserializer<double[][]> {
    private static final long serialVersionUID = 1L;

    MatrixDeserializer() {
      super(double[][].class);
    }

    @Override
    public double[][] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw MismatchedInputException.from(
            p, double[][].class, "expected an array of rows, got " + describe(p.currentToken()));
      }
      List<double[]> rows = new ArrayList<>();
      double[] buffer = new double[16];
      while (p.nextToken() != JsonToken.END_ARRAY) {
        int rowIndex = rows.size();
        if (p.currentToken() != JsonToken.START_ARRAY) {
          MismatchedInputException e =
              MismatchedInputException.from(
                  p,
                  double[][].class,
                  "expected a row (array of numbers or nulls), got " + describe(p.currentToken()));
          e.prependPath(new JsonMappingException.Reference(null, rowIndex));
          throw e;
        }
        double[] row;
        try {
          row = readVector(p, buffer);
        } catch (MismatchedInputException e) {
          e.prependPath(new JsonMappingException.Reference(null, rowIndex));
          throw e;
        }
        rows.add(row);
      }
      return rows.toArray(new double[0][]);
    }
  }

  /** Reads an array of numbers or nulls ({@code NaN}) starting at its START_ARRAY token. */
  static final class VectorDeserializer extends StdDeserializer<double[]> {
    private static final long serialVersionUID = 1L;

    VectorDeserializer() {
      super(double[].class);
    }

    @Override
    public double[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw MismatchedInputException.from(
            p,
            double[].class,
            "expected an array of numbers or nulls, got " + describe(p.currentToken()));
      }
      return readVector(p, new double[16]);
    }
  }

  /**
   * The numbers up to the END_ARRAY after the current START_ARRAY, {@code null} as {@code NaN};
   * {@code buffer} is scratch space (the result is a fresh array of the exact length).
   */
  private static double[] readVector(JsonParser p, double[] buffer) throws IOException {
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (n == buffer.length) {
        buffer = Arrays.copyOf(buffer, n * 2);
      }
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        buffer[n] = Double.NaN;
      } else {
        try {
          buffer[n] = readFinite(p, double.class);
        } catch (MismatchedInputException e) {
          e.prependPath(new JsonMappingException.Reference(null, n));
          throw e;
        }
      }
      n++;
    }
    return Arrays.copyOf(buffer, n);
  }

  /**
   * A metric name to number-or-null map that stops at {@link PayloadRules#MAX_METRICS} entries
   * while it reads: a 100 000-entry map costs one entry over the limit, not 100 000 map insertions
   * (and then a record check over all of them). Keeps the order of the input.
   */
  static final class MetricMapDeserializer extends StdDeserializer<Map<String, Double>> {
    private static final long serialVersionUID = 1L;

    MetricMapDeserializer() {
      super(Map.class);
    }

    @Override
    public Map<String, Double> deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw MismatchedInputException.from(
            p,
            Map.class,
            "expected an object of metric name to number, got " + describe(p.currentToken()));
      }
      Map<String, Double> out = new LinkedHashMap<>();
      String name;
      while ((name = p.nextFieldName()) != null) {
        if (out.size() == PayloadRules.MAX_METRICS) {
          throw MismatchedInputException.from(
              p, Map.class, "at most " + PayloadRules.MAX_METRICS + " metrics");
        }
        JsonToken value = p.nextToken();
        try {
          out.put(name, value == JsonToken.VALUE_NULL ? null : readFinite(p, Double.class));
        } catch (MismatchedInputException e) {
          e.prependPath(new JsonMappingException.Reference(out, LogValues.truncate(name)));
          throw e;
        }
      }
      return out;
    }
  }

  /** {@code NaN} (and a null {@code Double}) is written as JSON {@code null}. */
  static final class NullableDoubleSerializer extends StdSerializer<Double> {
    private static final long serialVersionUID = 1L;

    NullableDoubleSerializer() {
      super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      writeNullable(value, gen);
    }
  }

  private static void writeNullable(Double value, JsonGenerator gen) throws IOException {
    if (value == null || value.isNaN()) {
      gen.writeNull();
    } else {
      requireEncodable(value, gen);
      gen.writeNumber(value);
    }
  }

  /**
   * A finite number; JSON {@code null} is {@code null} for a {@code Double} and an error for a
   * {@code double} (a required number is never defaulted to 0).
   */
  static final class FiniteDoubleDeserializer extends StdDeserializer<Double> {
    private static final long serialVersionUID = 1L;
    private final boolean primitive;

    FiniteDoubleDeserializer(Class<?> target, boolean primitive) {
      super(target);
      this.primitive = primitive;
    }

    @Override
    public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return readFinite(p, handledType());
    }

    @Override
    public Double getNullValue(DeserializationContext ctxt) throws JsonMappingException {
      if (primitive) {
        throw MismatchedInputException.from(
            ctxt.getParser(), double.class, "null is not allowed here (a number is required)");
      }
      return null;
    }
  }
}
