package io.framewise.app.tools.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.FramewiseProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code framewise view} as a user starts it, in its own JVM: it says where to look, serves the page, stops on SIGTERM. */
class ViewCommandIT {
    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();

    @TempDir
    Path temp;

    @Test
    void theViewSaysWhereItServesThePageAndStopsCleanlyOnSigterm() throws Exception {
        try (FramewiseProcess view = FramewiseProcess.start(temp.resolve("view.log"), "view", "--bootstrap-servers",
                fixture.bootstrapServers(), "--port", "0")) {
            assertThat(view.awaitLog("framewise view: open http://", Duration.ofSeconds(60))).as(view.log()).isTrue();
            Matcher url = Pattern.compile("open (http://127\\.0\\.0\\.1:\\d+/)").matcher(view.log());
            assertThat(url.find()).isTrue();
            assertThat(view.log()).contains("at most 64 cameras x 4 MiB of frames");
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url.group(1))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Framewise live view");
            assertThat(view.terminate(Duration.ofSeconds(30))).as(view.log()).isZero();
            assertThat(view.log()).contains("framewise view: stopped").doesNotContain("Exception");
        }
    }

    @Test
    void aTakenPortIsOneLineWithTheFix() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             FramewiseProcess view = FramewiseProcess.start(temp.resolve("taken.log"), "view", "--bootstrap-servers",
                     fixture.bootstrapServers(), "--port", String.valueOf(taken.getLocalPort()))) {
            assertThat(view.awaitExit(Duration.ofSeconds(60))).as("exit status: could not start").isEqualTo(2);
            assertThat(view.log()).contains("cannot serve the view on 127.0.0.1:" + taken.getLocalPort())
                    .contains("pick another --port").doesNotContain("\tat ");
        }
    }
}
