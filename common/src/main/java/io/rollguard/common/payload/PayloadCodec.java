package io.rollguard.common.payload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.rollguard.common.LogValues;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Objects;

/**
 * The one JSON codec for every payload on every pipeline edge. Thread-safe: one shared, fully
 * configured {@link ObjectMapper}.
 *
 * <p>Contract (see {@code docs/payloads.md}):
 *
 * <ul>
 *   <li>Field names are the record component names; time is epoch milliseconds.
 *   <li>Unknown fields are ignored, so a newer producer can add fields without breaking consumers.
 *   <li>{@code schemaVersion} must equal the target type's {@code SCHEMA_VERSION}; it is checked
 *       <em>before</em> any other field, so a payload of another version is reported as such rather
 *       than as whatever field happened to change.
 *   <li>Missing values: in {@code double[][]} matrices a JSON {@code null} is {@code NaN} in memory
 *       and {@code NaN} is written as {@code null}; in maps of boxed numbers {@code null} stays
 *       {@code null}. A non-finite number in the input ({@code NaN}, {@code Infinity}, {@code
 *       1e400}) is an {@link PayloadException.Reason#INVALID_FIELD}: nothing is silently replaced
 *       by zero.
 *   <li>No scalar coercion: {@code "12"} is not a number, {@code 1.5} is not a {@code long}.
 * </ul>
 */
public final class PayloadCodec {

  private static final PayloadCodec SHARED = new PayloadCodec();

  private final ObjectMapper mapper;

  private final ClassValue<PayloadType> payloadTypes =
      new ClassValue<>() {
        @Override
        protected PayloadType computeValue(Class<?> type) {
          return PayloadType.of(type, mapper);
        }
      };

  private PayloadCodec() {
    JsonFactory factory =
        JsonFactory.builder()
            // Read NaN/Infinity tokens as numbers so they are reported as an invalid field (with
            // its
            // path) instead of a generic syntax error.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // A field given twice is ambiguous; refuse rather than keep whichever came last.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Number text <-> double was a fifth of a map vertex's CPU with the JDK's
            // Double.parseDouble/toString (docs/vertices.md, "Performance"). Jackson's
            // FastDoubleParser reads the same correctly rounded double; its Schubfach writer
            // writes the shortest text that reads back as the same double.
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();
    this.mapper =
        JsonMapper.builder(factory)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // ALLOW_COERCION_OF_SCALARS does not cover strings: Jackson still reads 1, 1.5 and
            // true as "1", "1.5" and "true", and a number as an enum's index. Neither is a name.
            .withCoercionConfig(
                LogicalType.Textual,
                c ->
                    c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .addModule(PayloadJacksonModule.create())
            .build();
  }

  /** The process-wide codec. */
  public static PayloadCodec shared() {
    return SHARED;
  }

  /**
   * Encodes a payload as UTF-8 JSON.
   *
   * @throws IllegalArgumentException if the payload holds a value JSON cannot carry without losing
   *     meaning (an infinite number); this is a bug in the producer, not bad input
   */
  public byte[] encode(Object payload) {
    Objects.requireNonNull(payload, "payload");
    try {
      return mapper.writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot encode " + payload.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Decodes one payload of a versioned type (a type with a {@code public static final int
   * SCHEMA_VERSION}).
   *
   * @throws PayloadException with a reason and a message naming the field
   * @throws IllegalArgumentException if {@code type} is not a versioned payload type (a programming
   *     error, not bad input)
   */
  public <T> T decode(byte[] bytes, Class<T> type) throws PayloadException {
    Objects.requireNonNull(type, "type");
    PayloadType payloadType = payloadTypes.get(type);
    if (bytes == null || bytes.length == 0) {
      throw new PayloadException(
          PayloadException.Reason.MALFORMED_JSON, type.getSimpleName() + ": empty payload");
    }
    // One pass on the hot path: bind, then look at the bound schemaVersion. The envelope scan,
    // which reports a wrong version before any other problem, runs only when binding failed or
    // the version is not this build's; its verdict then wins, exactly as if it had run first.
    Object value;
    try {
      value = payloadType.reader().readValue(bytes);
    } catch (IOException e) {
      checkSchemaVersion(bytes, type, payloadType.schemaVersion());
      throw bindingFailure(type, e);
    }
    if (value == null || payloadType.schemaVersionOf(value) != payloadType.schemaVersion()) {
      checkSchemaVersion(bytes, type, payloadType.schemaVersion());
      throw new PayloadException(
          PayloadException.Reason.UNSUPPORTED_SCHEMA_VERSION,
          type.getSimpleName() + ".schemaVersion: not version " + payloadType.schemaVersion());
    }
    try {
      PayloadRules.check(value);
    } catch (IllegalArgumentException e) {
      throw new PayloadException(
          PayloadException.Reason.INVALID_FIELD,
          type.getSimpleName()
              + "."
              + LogValues.truncate(e.getMessage(), LogValues.MAX_DETAIL_CHARS),
          e);
    }
    return type.cast(value);
  }

  private static PayloadException bindingFailure(Class<?> type, IOException e) {
    if (e instanceof ValueInstantiationException vie) {
      // The record constructor refused the values (IllegalArgumentException /
      // NullPointerException).
      return new PayloadException(
          PayloadException.Reason.INVALID_FIELD,
          describe(type, vie.getPath(), constructorMessage(vie.getCause())),
          e);
    }
    if (e instanceof DatabindException || e instanceof InputCoercionException) {
      JsonProcessingException jpe = (JsonProcessingException) e;
      return new PayloadException(
          PayloadException.Reason.INVALID_FIELD,
          describe(type, pathOf(jpe), tidy(jpe.getOriginalMessage())),
          e);
    }
    // Syntax problems were reported by the envelope scan; this is the parser's last word.
    String detail =
        e instanceof StreamReadException sre ? sre.getOriginalMessage() : e.getMessage();
    return new PayloadException(
        PayloadException.Reason.MALFORMED_JSON,
        type.getSimpleName() + ": malformed JSON: " + detail,
        e);
  }

  /**
   * What decoding needs per payload type, looked up once: its {@code SCHEMA_VERSION}, a reader
   * bound to it, and its {@code schemaVersion()} accessor.
   */
  private record PayloadType(int schemaVersion, ObjectReader reader, MethodHandle versionAccessor) {

    static PayloadType of(Class<?> type, ObjectMapper mapper) {
      int version = schemaVersionConstant(type);
      MethodHandle accessor;
      try {
        accessor =
            MethodHandles.publicLookup()
                .findVirtual(type, "schemaVersion", MethodType.methodType(int.class))
                .asType(MethodType.methodType(int.class, Object.class));
      } catch (NoSuchMethodException | IllegalAccessException e) {
        throw new IllegalArgumentException(
            type.getName() + " is a versioned payload type without a public int schemaVersion()",
            e);
      }
      return new PayloadType(version, mapper.readerFor(type), accessor);
    }

    int schemaVersionOf(Object value) {
      try {
        return (int) versionAccessor.invokeExact(value);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }
  }

  /**
   * Scans the whole document once with the streaming parser: proves it is one syntactically valid
   * JSON object and finds the top-level {@code schemaVersion} without building a tree.
   */
  private void checkSchemaVersion(byte[] bytes, Class<?> type, int expected)
      throws PayloadException {
    String typeName = type.getSimpleName();
    VersionField found = VersionField.ABSENT;
    Object foundValue = null;
    try (JsonParser parser = mapper.getFactory().createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new PayloadException(
            PayloadException.Reason.MALFORMED_JSON, typeName + ": payload is not a JSON object");
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("schemaVersion".equals(field)) {
          if (value == JsonToken.VALUE_NUMBER_INT
              && parser.getNumberType() == JsonParser.NumberType.INT) {
            found = VersionField.INTEGER;
            foundValue = parser.getIntValue();
          } else {
            found = VersionField.NOT_AN_INTEGER;
            foundValue =
                LogValues.truncate(
                    value == JsonToken.VALUE_STRING
                        ? '"' + parser.getText() + '"'
                        : parser.getText());
          }
        }
        parser.skipChildren();
      }
      if (token != JsonToken.END_OBJECT) {
        throw new PayloadException(
            PayloadException.Reason.MALFORMED_JSON, typeName + ": truncated JSON object");
      }
      if (parser.nextToken() != null) {
        throw new PayloadException(
            PayloadException.Reason.MALFORMED_JSON,
            typeName + ": trailing content after the JSON object");
      }
    } catch (IOException e) {
      String detail =
          e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw new PayloadException(
          PayloadException.Reason.MALFORMED_JSON, typeName + ": malformed JSON: " + detail, e);
    }
    switch (found) {
      case ABSENT ->
          throw new PayloadException(
              PayloadException.Reason.UNSUPPORTED_SCHEMA_VERSION,
              typeName + ".schemaVersion: missing (this build reads version " + expected + ")");
      case NOT_AN_INTEGER ->
          throw new PayloadException(
              PayloadException.Reason.UNSUPPORTED_SCHEMA_VERSION,
              typeName + ".schemaVersion: must be an integer, got " + foundValue);
      case INTEGER -> {
        if ((Integer) foundValue != expected) {
          throw new PayloadException(
              PayloadException.Reason.UNSUPPORTED_SCHEMA_VERSION,
              typeName
                  + ".schemaVersion: unsupported version "
                  + foundValue
                  + " (this build reads version "
                  + expected
                  + ")");
        }
      }
    }
  }

  private enum VersionField {
    ABSENT,
    NOT_AN_INTEGER,
    INTEGER
  }

  private static int schemaVersionConstant(Class<?> type) {
    try {
      Field field = type.getField("SCHEMA_VERSION");
      int modifiers = field.getModifiers();
      if (field.getType() == int.class
          && Modifier.isStatic(modifiers)
          && Modifier.isFinal(modifiers)) {
        return field.getInt(null);
      }
    } catch (NoSuchFieldException | IllegalAccessException e) {
      // fall through: not a versioned payload type
    }
    throw new IllegalArgumentException(
        type.getName()
            + " is not a versioned payload type (no public static final int SCHEMA_VERSION)");
  }

  private static String constructorMessage(Throwable cause) {
    if (cause == null) {
      return "rejected by the constructor";
    }
    String message = cause.getMessage();
    if (cause instanceof NullPointerException) {
      return message == null ? "a required value is null" : "required value is null: " + message;
    }
    return message == null ? cause.getClass().getSimpleName() : message;
  }

  /**
   * Jackson's messages end with hints about its own settings; the operator needs the first part.
   */
  private static String tidy(String message) {
    if (message == null) {
      return "invalid value";
    }
    if (message.startsWith("Missing required creator property")) {
      return "missing required field";
    }
    for (String hint : new String[] {" (but ", " (set ", "\n at [Source"}) {
      int at = message.indexOf(hint);
      if (at > 0) {
        message = message.substring(0, at);
      }
    }
    return message;
  }

  private static List<JsonMappingException.Reference> pathOf(JsonProcessingException e) {
    return e instanceof JsonMappingException jme ? jme.getPath() : List.of();
  }

  /** {@code Window.values[3][1]: message}, {@code Sample.key: message}, {@code Window: message}. */
  static String describe(Class<?> type, List<JsonMappingException.Reference> path, String message) {
    StringBuilder out = new StringBuilder(type.getSimpleName());
    for (JsonMappingException.Reference ref : path) {
      if (ref.getFieldName() != null) {
        out.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    // The message may quote the offending value (a record constructor's "got '...'"): bounded.
    return out.append(": ")
        .append(LogValues.truncate(message, LogValues.MAX_DETAIL_CHARS))
        .toString();
  }
}
