package io.rollguard.pipelines;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** YAML reading for the tests: duplicate keys are an error (the API server would keep one). */
final class Yaml {

  static final YAMLMapper MAPPER =
      YAMLMapper.builder(
              YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .build();

  private Yaml() {}

  /** Every document of a (multi-document) YAML file; empty documents are skipped. */
  static List<JsonNode> documents(Path file) {
    try {
      return nonEmpty(MAPPER.readerFor(JsonNode.class).readValues(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every document of YAML text (e.g. {@code kubectl kustomize} output); empty documents are
   * skipped.
   */
  static List<JsonNode> documents(String text, String source) {
    try {
      return nonEmpty(MAPPER.readerFor(JsonNode.class).readValues(text));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + source + ": " + e.getMessage(), e);
    }
  }

  private static List<JsonNode> nonEmpty(MappingIterator<JsonNode> it) throws IOException {
    try (it) {
      List<JsonNode> documents = new ArrayList<>();
      while (it.hasNextValue()) {
        JsonNode document = it.nextValue();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
      return documents;
    }
  }

  /** The single document of a file. */
  static JsonNode single(Path file) {
    List<JsonNode> documents = documents(file);
    if (documents.size() != 1) {
      throw new IllegalStateException(
          file + " holds " + documents.size() + " documents, expected 1");
    }
    return documents.get(0);
  }

  static JsonNode resource(String name) {
    try (InputStream in = Yaml.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + name + " is missing");
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse test resource " + name, e);
    }
  }
}
