package io.flowstate.examples.changes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.flowstate.examples.launcher.ExampleProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the example as a user does (its own JVM, its main class, a fresh working directory) twice, and checks what it
 * prints: each poll gives only the customers not seen before, and the watermark and the counter outlive a restart.
 */
class ChangeWatchApplicationTest {

    @Test
    void twoPollsGiveOnlyTheNewCustomersAndARestartKeepsTheWatermark(@TempDir Path workDir) throws Exception {
        List<String> first = run(workDir);

        assertThat(first).filteredOn(l -> l.contains("the source lists"))
                .satisfiesExactly(l -> assertThat(l).contains("poll 1: the source lists 2 customers"),
                        l -> assertThat(l).contains("poll 2: the source lists 4 customers"));
        List<String> news = first.stream().filter(l -> l.contains("new customers")).toList();
        assertThat(news).as(String.join("\n", first)).hasSize(2);
        assertThat(news.get(0)).contains("poll 1:", "c1", "c2").doesNotContain("c3", "c4");
        assertThat(news.get(1)).contains("poll 2:", "c3", "c4").doesNotContain("c1", "c2");
        assertThat(first).filteredOn(l -> l.contains("onboarded ")).hasSize(4)
                .anyMatch(l -> l.contains("onboarded Dee, customer number 4 ever"));

        // the watermark is kept in ./flowstate-data: after a restart the first poll (c1, c2) finds nothing new; the
        // watermark then mirrors that poll, so c3 and c4 count as new again on the second; the persistent counter
        // goes on from 4
        List<String> second = run(workDir);
        assertThat(second).filteredOn(l -> l.contains("the source lists")).hasSize(2);
        assertThat(second).filteredOn(l -> l.contains("new customers")).as(String.join("\n", second))
                .singleElement().satisfies(l -> assertThat(l).contains("poll 2:", "c3", "c4"));
        assertThat(second).filteredOn(l -> l.contains("onboarded ")).hasSize(2)
                .anyMatch(l -> l.contains("onboarded Dee, customer number 6 ever"));
    }

    private static List<String> run(Path workDir) throws Exception {
        ExampleProcess app = ExampleProcess.run(workDir, Duration.ofMinutes(2), ChangeWatchApplication.class.getName());
        List<String> lines = app.lines();
        assertThat(app.exitValue()).as(String.join("\n", lines)).isZero();
        return lines;
    }
}
