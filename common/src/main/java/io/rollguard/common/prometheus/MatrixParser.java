package io.rollguard.common.prometheus;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.rollguard.common.LogValues;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code query_range} answer ({@code {"status":"success","data":{"resultType":"matrix",
 * "result":[{"metric":{...},"values":[[t,"v"],...]}]}}}) token by token from the stream, so that
 * memory grows with the points kept (16 bytes each), never with a copy of the body or a JSON tree
 * of it (a 300 MB answer read as one string and a tree ran the trainer out of a 1 GB heap). Fields
 * may come in any order; native-histogram samples ({@code "histograms"}) and unknown fields are
 * skipped.
 */
final class MatrixParser {

  private static final JsonFactory JSON = new JsonFactory();

  /** Why an answer is not a matrix; the caller turns it into {@code BAD_RESPONSE}. */
  static final class NotAMatrix extends Exception {
    private static final long serialVersionUID = 1L;

    NotAMatrix(String message) {
      super(message);
    }
  }

  private MatrixParser() {}

  static List<RangeSeries> parse(InputStream body) throws IOException, NotAMatrix {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new NotAMatrix("body is not a JSON object");
      }
      String status = null;
      String resultType = null;
      List<RangeSeries> series = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("status".equals(field) && value == JsonToken.VALUE_STRING) {
          status = p.getText();
        } else if ("data".equals(field) && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String dataField = p.currentName();
            JsonToken dataValue = p.nextToken();
            if ("resultType".equals(dataField) && dataValue == JsonToken.VALUE_STRING) {
              resultType = p.getText();
            } else if ("result".equals(dataField) && dataValue == JsonToken.START_ARRAY) {
              series = result(p);
            } else {
              p.skipChildren();
            }
          }
          expect(p, JsonToken.END_OBJECT, "data");
        } else {
          p.skipChildren();
        }
      }
      expect(p, JsonToken.END_OBJECT, "the answer");
      if (!"success".equals(status)) {
        throw new NotAMatrix("status is not success (" + LogValues.truncate(status) + ")");
      }
      if (!"matrix".equals(resultType)) {
        throw new NotAMatrix(
            "expected resultType matrix, got '" + LogValues.truncate(resultType) + "'");
      }
      return series == null ? List.of() : series;
    }
  }

  private static List<RangeSeries> result(JsonParser p) throws IOException, NotAMatrix {
    List<RangeSeries> series = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      Map<String, String> labels = new HashMap<>();
      Points points = new Points();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("metric".equals(field) && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            labels.put(name, p.getValueAsString());
            p.skipChildren();
          }
          expect(p, JsonToken.END_OBJECT, "metric labels");
        } else if ("values".equals(field) && value == JsonToken.START_ARRAY) {
          while (p.nextToken() != JsonToken.END_ARRAY) {
            points.add(p, labels);
          }
        } else {
          p.skipChildren(); // "histograms" and anything new: only float series are scored
        }
      }
      expect(p, JsonToken.END_OBJECT, "a series");
      series.add(new RangeSeries(labels, points.timestamps(), points.values()));
    }
    expect(p, JsonToken.END_ARRAY, "data.result (an array of series)");
    return series;
  }

  private static void expect(JsonParser p, JsonToken token, String where) throws NotAMatrix {
    if (p.currentToken() != token) {
      throw new NotAMatrix("malformed " + where + ": unexpected " + p.currentToken());
    }
  }

  /** Growing arrays of one series' points. */
  private static final class Points {
    private long[] timestamps = new long[16];
    private double[] values = new double[16];
    private int size;

    void add(JsonParser p, Map<String, String> labels) throws IOException, NotAMatrix {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw malformed(labels);
      }
      JsonToken time = p.nextToken();
      if (time == null || !time.isNumeric()) {
        throw malformed(labels);
      }
      long timestamp = Math.round(p.getDoubleValue() * 1000.0);
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw malformed(labels);
      }
      double value;
      try {
        value = PrometheusValues.parse(p.getText());
      } catch (NumberFormatException e) {
        throw new NotAMatrix(
            "malformed value '"
                + LogValues.truncate(p.getText())
                + "' in series "
                + LogValues.truncate(labels));
      }
      if (p.nextToken() != JsonToken.END_ARRAY) {
        throw malformed(labels);
      }
      if (size == timestamps.length) {
        timestamps = Arrays.copyOf(timestamps, size + (size >> 1));
        values = Arrays.copyOf(values, timestamps.length);
      }
      timestamps[size] = timestamp;
      values[size++] = value;
    }

    long[] timestamps() {
      return Arrays.copyOf(timestamps, size);
    }

    double[] values() {
      return Arrays.copyOf(values, size);
    }

    private static NotAMatrix malformed(Map<String, String> labels) {
      return new NotAMatrix(
          "malformed sample (expected [time, \"value\"]) in series " + LogValues.truncate(labels));
    }
  }
}
