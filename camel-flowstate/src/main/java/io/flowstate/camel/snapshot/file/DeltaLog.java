package io.flowstate.camel.snapshot.file;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotCodec.StoredDelta;
import io.flowstate.camel.snapshot.FlowSnapshotFormatException;

/**
 * The line format of a run's delta log: {@code <crc32c as 8 hex digits> <delta JSON>\n}, one line per delta, in the
 * order they were saved. Jackson's compact JSON has no raw newline, so a newline ends a line.
 * <p>
 * A last line without its newline is a write cut short by a crash: it was never acknowledged, so it is ignored (and cut
 * off before the next append). A complete line whose checksum does not match is corruption and fails the load.
 */
final class DeltaLog {

    /** The deltas of a log and the length of its complete lines. */
    record Content(List<StoredDelta> deltas, long validLength) {
    }

    private DeltaLog() {
    }

    static byte[] line(byte[] json) {
        CRC32C crc = new CRC32C();
        crc.update(json);
        byte[] prefix = String.format("%08x ", crc.getValue()).getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[prefix.length + json.length + 1];
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        System.arraycopy(json, 0, line, prefix.length, json.length);
        line[line.length - 1] = '\n';
        return line;
    }

    static Content parse(byte[] data, String executionId, String file, FlowSnapshotCodec codec) {
        List<StoredDelta> deltas = new ArrayList<>();
        int start = 0;
        int lineNumber = 0;
        while (start < data.length) {
            int end = indexOf(data, (byte) '\n', start);
            if (end < 0) {
                break; // torn last line: never acknowledged
            }
            lineNumber++;
            int jsonStart = start + 9;
            if (end < jsonStart || data[start + 8] != ' ') {
                throw corrupt(executionId, file, lineNumber, "it does not start with a checksum");
            }
            long expected;
            try {
                expected = Long.parseLong(new String(data, start, 8, StandardCharsets.US_ASCII), 16);
            } catch (NumberFormatException e) {
                throw corrupt(executionId, file, lineNumber, "its checksum is not hexadecimal");
            }
            CRC32C crc = new CRC32C();
            crc.update(data, jsonStart, end - jsonStart);
            if (crc.getValue() != expected) {
                throw corrupt(executionId, file, lineNumber, "its checksum does not match its content");
            }
            deltas.add(codec.decodeDelta(data, jsonStart, end - jsonStart, executionId, file + " line " + lineNumber));
            start = end + 1;
        }
        return new Content(deltas, start);
    }

    private static FlowSnapshotFormatException corrupt(String executionId, String file, int line, String why) {
        return new FlowSnapshotFormatException("The delta log of run " + executionId + " in " + file + " is corrupt at line "
                                               + line + ": " + why + ". Other runs are not affected; restore the file from"
                                               + " a backup or delete the run's files");
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
