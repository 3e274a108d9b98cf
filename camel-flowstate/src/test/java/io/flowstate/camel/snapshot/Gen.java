package io.flowstate.camel.snapshot;
import java.nio.file.*;
public class Gen {
  public static void main(String[] a) throws Exception {
    FlowSnapshotCodec c = new FlowSnapshotCodec();
    Path d = Path.of(a[0]);
    Files.write(d.resolve("run-full.json"), c.encode(FlowSnapshotStoredFormatTest.fullRun(), 3));
    Files.write(d.resolve("run-minimal.json"), c.encode(FlowSnapshotStoredFormatTest.minimalRun(), 1));
    Files.write(d.resolve("delta-full.json"), c.encodeDelta("run-1", FlowSnapshotStoredFormatTest.fullDelta(), 4));
    Files.write(d.resolve("delta-clearing.json"), c.encodeDelta("run-1", FlowSnapshotStoredFormatTest.clearingDelta(), 4));
  }
}
