package io.rollguard.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.cli.RollguardCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
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
            "--warmup-seconds",
            "1",
            "--grpc-seconds",
            "1",
            "--grpc-warmup-seconds",
            "1",
            "--in-flight",
            "1,50",
            "--history-days",
            "2");

    assertEquals(0, code, text.toString());
    String out = text.toString();
    for (String label :
        new String[] {
          "training (2 days x 3 metrics, model=pca): ",
          "in-process: ",
          "in-process latency per window: p50 ",
          "grpc preprocess, 1 in flight: ",
          "grpc preprocess, 50 in flight: ",
          "grpc inference, 1 in flight: ",
          "grpc inference, 50 in flight: ",
          "grpc postprocess, 1 in flight: ",
          "grpc postprocess, 50 in flight: "
        }) {
      assertTrue(
          Pattern.compile("(?m)^" + Pattern.quote(label) + "[0-9]").matcher(out).find(),
          label + " missing in\n" + out);
    }
    assertTrue(out.contains("\ngrpc setup: map.v1.Map/MapFn, one stream with handshake"), out);
    assertTrue(
        Pattern.compile("(?m)^grpc [a-z]+, [0-9]+ in flight: [0-9]+ msgs/s, p50 [0-9.]+ us, p99 ")
            .matcher(out)
            .find(),
        out);
    assertTrue(
        Pattern.compile(
                "(?m)^in-process warm-up: JIT (settled|NOT settled, figures below include"
                    + " compiling) after [0-9]+ s$")
            .matcher(out)
            .find(),
        out);
    // One warm-up round of a second; whether the JIT settled in it depends on the machine.
    assertTrue(
        Pattern.compile(
                "(?m)^grpc inference, warm-up at 50 in flight: JIT (settled|NOT settled, figures"
                    + " below include compiling) after [0-9]+ s; msgs/s per round: [0-9]+$")
            .matcher(out)
            .find(),
        out);
    // Measured on the object graph: an exact, positive size (a heap difference could go negative).
    Matcher heap =
        Pattern.compile("(?m)^heap per cached bundle: ([0-9]+\\.[0-9]) KiB \\(object graph of 4 ")
            .matcher(out);
    assertTrue(heap.find(), out);
    assertTrue(Double.parseDouble(heap.group(1)) > 0, out);
    // Every vertex server ran in a child JVM that the bench stopped again.
    assertEquals(0, ProcessHandle.current().children().count(), "vertex servers left running");
  }

  @Test
  void aWarmUpRoundIsSettledOnlyWhenMessagesFlowedAndTheCompilerTookUnderTwoPercent() {
    assertTrue(BenchCommand.settled(0, 5.0, 1000));
    assertTrue(BenchCommand.settled(99, 5.0, 1000));
    assertFalse(BenchCommand.settled(100, 5.0, 1000), "2 % of 5 s is not under 2 %");
    assertFalse(BenchCommand.settled(2_900, 5.0, 1000), "a compiling server");
    assertFalse(BenchCommand.settled(0, 5.0, 0), "no message: nothing was exercised");
    assertFalse(BenchCommand.settled(0, 0.0, 0), "an empty round");
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
