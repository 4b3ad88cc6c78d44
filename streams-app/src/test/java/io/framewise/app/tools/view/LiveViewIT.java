package io.framewise.app.tools.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.framewise.app.FramewiseApplication;
import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.pipeline.ModelLoader;
import io.framewise.app.testing.BrokerFixture;
import io.framewise.app.testing.FramewiseProcess;
import io.framewise.app.testing.TestFrames;
import io.framewise.app.tools.client.FrameLedger;
import io.framewise.app.tools.client.FramePublisher;
import io.framewise.app.tools.client.OutcomeCollector;
import io.framewise.decoder.video.VideoEncoder;
import io.framewise.inference.serving.ServedModels;
import io.framewise.schema.Classification;
import io.framewise.schema.Codec;
import io.framewise.schema.serde.FramewiseSerdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The live view in a real browser: Debian's chromium, headless, driven through Debian's chromedriver. Cameras publish
 * to the embedded broker, the application classifies them, and the page must show each camera's picture (its own
 * pixels, for JPEG and for H.264 decoded from the keyframe) with the label its event carries, a skipped and a
 * dead-lettered frame with their reasons, a hostile camera id as text, and a new event within a second.
 */
class LiveViewIT {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;

    @RegisterExtension
    static final BrokerFixture fixture = new BrokerFixture();

    private WebDriver browser;

    @BeforeEach
    void openBrowser() {
        for (String tool : List.of(CHROMIUM, CHROMEDRIVER)) {
            assertThat(new File(tool)).as(tool + " (Debian's chromium and chromium-driver; build/system-packages "
                    + "installs them as root)").isFile().satisfies(f -> assertThat(f.canExecute()).isTrue());
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--window-size=1400,1500");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void thePageShowsEveryCamerasPictureAndLabelsSkipsAndDeadLettersLive() throws Exception {
        Map<String, Object> settings = fixture.settings("view");
        settings.put(FramewiseConfig.LATENCY_BUDGET_MS_CONFIG, "5000");
        FramewiseConfig config = new FramewiseConfig(settings);
        Map<String, Object> client = fixture.client();
        String hostile = "<img src=x onerror=alert(1)>\u202e";
        FrameLedger ledger = new FrameLedger();
        Map<String, Classification> lastEvent = new ConcurrentHashMap<>();
        Map<String, Long> readableAt = new ConcurrentHashMap<>();
        try (ServedModels models = ModelLoader.load(config, fixture.model());
             FramewiseApplication app = FramewiseApplication.start(config, models, Clock.systemUTC(), Duration.ofSeconds(60));
             FramePublisher publisher = new FramePublisher(client, config.inputTopic(), Clock.systemUTC()).withLedger(ledger);
             CameraBoard board = new CameraBoard(64, 64, 4L << 20, 12, config.maxPixels(), System::currentTimeMillis);
             ViewFeed feed = new ViewFeed(client, config.inputTopic(), config.outputTopic(), config.deadLetterTopic(),
                     100, board);
             ViewServer server = ViewServer.start("127.0.0.1", 0, board);
             // the test's own reader of the outcomes: which event is each camera's latest, and when it became readable
             OutcomeCollector outcomes = new OutcomeCollector(client, config.outputTopic(), config.deadLetterTopic(),
                     true, ledger, o -> {
                         if (o.isEvent()) {
                             readableAt.putIfAbsent(o.key() + "/" + o.event().getSequence(), System.nanoTime());
                             lastEvent.merge(o.key(), o.event(), (a, b) -> a.getSequence() > b.getSequence() ? a : b);
                         }
                     })) {
            Thread reader = new Thread(feed, "view-feed");
            reader.setDaemon(true); // closing the feed stops it; it closes its consumer on its way out
            reader.start();
            // cam-dark and cam-light: JPEG of two grey levels; cam-h264: H.264 with a keyframe every 10
            int[] levels = {40, 215};
            for (int i = 0; i < 6; i++) {
                publisher.sendFrame("cam-dark", i, Codec.JPEG, TestFrames.solidJpeg(WIDTH, HEIGHT, levels[0]), WIDTH,
                        HEIGHT, Map.of());
                publisher.sendFrame("cam-light", i, Codec.JPEG, TestFrames.solidJpeg(WIDTH, HEIGHT, levels[1]), WIDTH,
                        HEIGHT, Map.of());
            }
            List<VideoEncoder.Encoded> video = TestFrames.h264(WIDTH, HEIGHT, 2, 14, 10);
            for (int i = 0; i < video.size(); i++) {
                publisher.sendFrame("cam-h264", i, Codec.H264, video.get(i).annexB(), WIDTH, HEIGHT,
                        video.get(i).keyframe(), publisher.now(), Map.of());
            }
            publisher.sendFrame(hostile, 0, Codec.JPEG, TestFrames.solidJpeg(WIDTH, HEIGHT, 128), WIDTH, HEIGHT, Map.of());
            // cam-dark's next frame is cut short: dead-lettered; cam-light's was captured an hour ago: skipped, late
            byte[] truncated = Arrays.copyOf(TestFrames.solidJpeg(WIDTH, HEIGHT, levels[0]), 300);
            publisher.send("cam-dark", 6, FramewiseSerdes.frame().encode(
                    TestFrames.frame("cam-dark", 6, publisher.now(), truncated, Codec.JPEG)));
            publisher.sendFrame("cam-light", 6, Codec.JPEG, TestFrames.solidJpeg(WIDTH, HEIGHT, levels[1]), WIDTH,
                    HEIGHT, true, publisher.now().minusSeconds(3600), Map.of());
            publisher.flush();

            awaitAccounted(outcomes, ledger);

            browser.get("http://localhost:" + server.port() + "/");
            FramewiseProcess.await(Duration.ofSeconds(20), () -> tileSequence("cam-dark").equals("6")
                    && tileSequence("cam-light").equals("6") && tileSequence("cam-h264").equals("13")
                    && !tileSequence(hostile).isEmpty(), "the page to show every camera's latest outcome");

            // cam-light: its latest outcome was skipped as late, with the reason; its picture is its own grey
            assertThat(tileText("cam-light", ".status")).isEqualTo("SKIPPED LATE");
            assertThat(tileText("cam-light", ".reason")).contains("skipped: budget spent before processing");
            awaitPicture("cam-light", 6);
            assertThat(meanGrey("cam-light")).isCloseTo(levels[1], offset(6.0));

            // cam-dark: dead-lettered with the decoder's reason; the tile still shows its last classified frame
            assertThat(tileText("cam-dark", ".status")).isEqualTo("DEAD LETTER");
            assertThat(tileText("cam-dark", ".reason")).contains("TRUNCATED");
            awaitPicture("cam-dark", 5);
            assertThat(meanGrey("cam-dark")).isCloseTo(levels[0], offset(6.0));

            // cam-h264: decoded from its keyframe (10) to its last access unit (13), labelled as its event says
            awaitPicture("cam-h264", 13);
            // (published in a burst, some access units may be skipped by the budget: the page says what the event says)
            Classification h264 = lastEvent.get("cam-h264");
            assertThat(tileText("cam-h264", ".status")).isEqualTo(h264.getStatus().name().replace('_', ' '));
            if (!h264.getLabels().isEmpty()) {
                assertThat(tileText("cam-h264", ".labels li")).startsWith(h264.getLabels().get(0).getLabel());
            }

            // a hostile id is text: no element of its making, shown escaped (the override character as \u202e)
            assertThat(((Number) js("return document.querySelectorAll('img[src=\"x\"]').length")).intValue()).isZero();
            assertThat(tileText(hostile, ".camera")).isEqualTo("<img src=x onerror=alert(1)>\\u202e");

            // live: one more frame of cam-light appears within a second of its event becoming readable
            publisher.sendFrame("cam-light", 7, Codec.JPEG, TestFrames.solidJpeg(WIDTH, HEIGHT, levels[1]), WIDTH,
                    HEIGHT, Map.of());
            publisher.flush();
            awaitAccounted(outcomes, ledger);
            long readable = readableAt.get("cam-light/7");
            FramewiseProcess.await(Duration.ofSeconds(10), () -> tileSequence("cam-light").equals("7"),
                    "cam-light's event 7 on the page");
            double delaySeconds = (System.nanoTime() - readable) / 1e9;
            assertThat(delaySeconds).as("seconds from the event being readable to the page showing it").isLessThan(1.0);
            assertThat(tileText("cam-light", ".status")).isEqualTo("OK");
            assertThat(tileText("cam-light", ".labels li"))
                    .startsWith(lastEvent.get("cam-light").getLabels().get(0).getLabel());

            // a click shows the camera large, with its history strip
            tile("cam-h264").click();
            FramewiseProcess.await(Duration.ofSeconds(10), () -> browser.findElements(By.cssSelector("#history li")).size()
                    >= 12, "cam-h264's history strip");
            assertThat(browser.findElement(By.id("detail-id")).getText()).isEqualTo("cam-h264");
            FramewiseProcess.await(Duration.ofSeconds(10), () -> "13".equals(
                    browser.findElement(By.id("detail-img")).getAttribute("data-seq")), "the large picture");

            Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Path kept = Path.of("target", "live-view.png");
            Files.copy(shot, kept, StandardCopyOption.REPLACE_EXISTING);
            System.out.printf("live view: page updated %.0f ms after the event was readable; board holds %d cameras, "
                    + "%d bytes of frames; screenshot %s%n", delaySeconds * 1000, board.cameras(), board.heldBytes(),
                    kept.toAbsolutePath());
            assertThat(app.isAlive()).as("the application went on through the bad frames").isTrue();
        }
    }

    private static void awaitAccounted(OutcomeCollector outcomes, FrameLedger ledger) throws InterruptedException {
        outcomes.awaitAccounted(Duration.ofSeconds(120), Duration.ZERO, () -> false);
        assertThat(ledger.verdict()).isEqualTo("every frame accounted for");
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private WebElement tile(String camera) {
        return (WebElement) js("return [...document.querySelectorAll('.tile')].find(t => t.dataset.camera === arguments[0])",
                camera);
    }

    private String tileSequence(String camera) {
        Object s = js("const t = [...document.querySelectorAll('.tile')].find(t => t.dataset.camera === arguments[0]);"
                + " return t ? t.dataset.sequence : '';", camera);
        return s == null ? "" : s.toString();
    }

    private String tileText(String camera, String selector) {
        return tile(camera).findElement(By.cssSelector(selector)).getText();
    }

    private void awaitPicture(String camera, long sequence) {
        FramewiseProcess.await(Duration.ofSeconds(10), () -> {
            WebElement img = tile(camera).findElement(By.cssSelector("img"));
            return String.valueOf(sequence).equals(img.getAttribute("data-seq"))
                    && ((Number) js("return arguments[0].naturalWidth", img)).intValue() == WIDTH;
        }, camera + "'s picture of frame " + sequence);
    }

    /** The mean of the tile's picture's pixels, as the browser decoded them (drawn on a canvas and read back). */
    private double meanGrey(String camera) {
        WebElement img = tile(camera).findElement(By.cssSelector("img"));
        return ((Number) js("const img = arguments[0]; const c = document.createElement('canvas');"
                + " c.width = img.naturalWidth; c.height = img.naturalHeight; const g = c.getContext('2d');"
                + " g.drawImage(img, 0, 0); const d = g.getImageData(0, 0, c.width, c.height).data; let s = 0;"
                + " for (let i = 0; i < d.length; i += 4) s += (d[i] + d[i + 1] + d[i + 2]) / 3;"
                + " return s / (d.length / 4);", img)).doubleValue();
    }
}
