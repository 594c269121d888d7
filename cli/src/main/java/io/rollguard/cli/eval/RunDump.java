package io.rollguard.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rollguard.cli.run.ScenarioRunner;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PayloadException;
import io.rollguard.common.payload.ScoringKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One replay of the canary benchmark on disk, as JSON lines: a header with the verdict times, then
 * every stored record (the payload codec's JSON). Lets {@code evaluate canary --rejudge} try
 * another verdict rule on the same records without replaying the pipeline.
 */
final class RunDump {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RunDump() {}

  static void write(Path file, ScenarioRunner.Outcome outcome) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    StringBuilder sb = new StringBuilder();
    ObjectNode header = JSON.createObjectNode();
    ArrayNode times = header.putArray("steps");
    outcome.steps().forEach(s -> times.add(s.atMillis()));
    header.put("trainings", outcome.trainings());
    header.put("modelUsed", outcome.modelUsed());
    sb.append(JSON.writeValueAsString(header)).append('\n');
    List<AnomalyRecord> all = new ArrayList<>(outcome.canaryRecords());
    all.addAll(outcome.stableRecords());
    for (AnomalyRecord r : all) {
      sb.append(new String(PayloadCodec.shared().encode(r), StandardCharsets.UTF_8)).append('\n');
    }
    Files.writeString(file, sb);
  }

  static ScenarioRunner.Outcome read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    JsonNode header = JSON.readTree(lines.get(0));
    List<ScenarioRunner.Step> steps = new ArrayList<>();
    header
        .get("steps")
        .forEach(t -> steps.add(new ScenarioRunner.Step(t.asLong(), "inconclusive", null, "")));
    List<AnomalyRecord> canary = new ArrayList<>();
    List<AnomalyRecord> stable = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      AnomalyRecord r;
      try {
        r =
            PayloadCodec.shared()
                .decode(line.getBytes(StandardCharsets.UTF_8), AnomalyRecord.class);
      } catch (PayloadException e) {
        throw new IOException(file + ": " + e.getMessage(), e);
      }
      (ScoringKey.ROLE_CANARY.equals(r.key().role()) ? canary : stable).add(r);
    }
    return new ScenarioRunner.Outcome(
        steps,
        header.get("trainings").asInt(),
        header.get("modelUsed").asBoolean(),
        canary,
        stable);
  }
}
