package io.rollguard.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.cli.RollguardCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The bench's output contract (one labelled figure per line); it asserts no speed. */
class BenchCommandTest {

  @Test
  void printsEveryLabelledFigure() {
    StringWriter text = new StringWriter();
    CommandLine cli = RollguardCli.newCommandLine();
    cli.setOut(new PrintWriter(text));
    int code =
        cli.execute(
            "bench",
            "--entities",
            "4",
            "--metrics",
            "3",
            "--seconds",
            "1",
            "--grpc-windows",
            "20",
            "--history-days",
            "2");

    assertEquals(0, code, text.toString());
    String out = text.toString();
    for (String label :
        new String[] {
          "training (2 days x 3 metrics, model=pca): ",
          "heap per cached bundle: ",
          "in-process: ",
          "in-process latency per window: p50 ",
          "grpc: ",
          "grpc latency per window: p50 "
        }) {
      assertTrue(
          Pattern.compile("(?m)^" + Pattern.quote(label) + "[0-9]").matcher(out).find(),
          label + " missing in\n" + out);
    }
    assertTrue(
        SdkServerExit.haltRequired(), "the gRPC part started SDK servers, so main must halt");
  }

  @Test
  void rejectsImpossibleSettings() {
    StringWriter err = new StringWriter();
    CommandLine cli = RollguardCli.newCommandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(RollguardCli.EXIT_BAD_INPUT, cli.execute("bench", "--metrics", "9"));
    assertTrue(err.toString().contains("--metrics in [1, 8]"), err.toString());
  }
}
