package io.framewise.app.tools.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ViewServerTest {

    @Test
    void servesThePageWithAStrictPolicyAndAnswersOnlyLoopbackNames() throws Exception {
        try (CameraBoard board = new CameraBoard(4, 4, 1 << 20, 5, 1 << 24, System::currentTimeMillis);
             ViewServer server = ViewServer.start("127.0.0.1", 0, board)) {
            String page = request(server, "GET", "/", "localhost:" + server.port());
            assertThat(page).startsWith("HTTP/1.1 200").contains("Framewise live view")
                    .containsIgnoringCase("content-security-policy: default-src 'none'; script-src 'self'")
                    .containsIgnoringCase("x-content-type-options: nosniff");
            assertThat(request(server, "GET", "/view.js", "127.0.0.1")).startsWith("HTTP/1.1 200").contains("textContent");
            // a name that resolves here by DNS rebinding is not one of ours
            assertThat(request(server, "GET", "/", "cameras.attacker.example")).startsWith("HTTP/1.1 421");
            assertThat(request(server, "POST", "/", "localhost")).startsWith("HTTP/1.1 405");
            assertThat(request(server, "GET", "/frame?camera=a", "localhost")).startsWith("HTTP/1.1 400");
            assertThat(request(server, "GET", "/frame?camera=a&seq=1", "localhost")).startsWith("HTTP/1.1 404")
                    .contains("no such camera");
            assertThat(request(server, "GET", "/nothing", "localhost")).startsWith("HTTP/1.1 404");
        }
    }

    @Test
    void hostNameDropsThePort() {
        assertThat(ViewServer.hostName("LocalHost:8090")).isEqualTo("localhost");
        assertThat(ViewServer.hostName("[::1]:8090")).isEqualTo("[::1]");
        assertThat(ViewServer.hostName(null)).isEmpty();
    }

    private static String request(ViewServer server, String method, String path, String host) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
