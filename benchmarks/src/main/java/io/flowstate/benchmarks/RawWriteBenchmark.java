package io.flowstate.benchmarks;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under {@link DurableFlowBenchmark}: one raw durable write of a checkpoint's size (300 bytes) on the same
 * stores, without flowstate. {@code file}: append to an open file and fsync (fdatasync); {@code h2} and
 * {@code postgres}: one autocommitted versioned single-row UPDATE
 * ({@code ... SET doc = ?, version = version + 1 WHERE id = 1 AND version = ?}). Run it in the same JMH run as the
 * flow benchmark, so both see the same disk and the same neighbours.
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar 'DurableFlowBenchmark|RawWriteBenchmark'}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = { "-Xms1g", "-Xmx1g" })
public class RawWriteBenchmark {

    private static final byte[] LINE = ("{\"v\":1,\"d\":\"" + "x".repeat(280) + "\"}\n").getBytes(StandardCharsets.UTF_8);

    @Param({ "file", "h2", "postgres" })
    public String store;

    private BenchStores stores;
    private Path dir;
    private FileChannel channel;
    private Connection connection;
    private PreparedStatement update;
    private long version;

    @Setup
    public void start() throws Exception {
        if (store.equals("file")) {
            dir = Files.createTempDirectory("flowstate-raw");
            channel = FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            return;
        }
        stores = BenchStores.open(store, 2);
        connection = stores.dataSource().getConnection();
        connection.setAutoCommit(true);
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE raw_run (id INT PRIMARY KEY, version BIGINT NOT NULL, doc VARCHAR(4000))");
            s.execute("INSERT INTO raw_run VALUES (1, 0, '')");
        }
        update = connection.prepareStatement("UPDATE raw_run SET doc = ?, version = version + 1 WHERE id = 1 AND version = ?");
    }

    @TearDown
    public void stop() throws Exception {
        if (channel != null) {
            channel.close();
            BenchStores.deleteTree(dir);
        } else {
            update.close();
            connection.close();
            stores.close();
        }
    }

    @Benchmark
    public long write() throws Exception {
        if (channel != null) {
            ByteBuffer bytes = ByteBuffer.wrap(LINE);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
            return channel.position();
        }
        update.setString(1, new String(LINE, StandardCharsets.UTF_8));
        update.setLong(2, version);
        if (update.executeUpdate() != 1) {
            throw new IllegalStateException("lost the row at version " + version);
        }
        return ++version;
    }
}
