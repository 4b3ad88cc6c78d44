package io.framewise.app.cli;

import java.io.IOException;
import java.net.BindException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.framewise.app.config.FramewiseConfig;
import io.framewise.app.tools.view.CameraBoard;
import io.framewise.app.tools.view.ViewFeed;
import io.framewise.app.tools.view.ViewServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "view", mixinStandardHelpOptions = true, header = "Watch the cameras live in a browser.",
        description = {"Serve a web page on localhost that shows every camera publishing to the frames topic: its latest "
                + "frame with the labels and scores its event carries, the status (classified, skipped and why, "
                + "dead-lettered and why), capture-to-event latency against the budget, and its rates; click a "
                + "camera for a large picture and its last events. The page updates live (server-sent events).",
                "Reads committed records of the frames, events and dead-letter topics without joining any consumer "
                + "group. Memory is bounded: at most --max-cameras cameras (the one heard from least recently "
                + "leaves), each holding at most --frames-per-camera frames and --camera-mb MiB of them."})
final class ViewCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to serve the page on (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "8090", description = "Port of the page (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--max-cameras", defaultValue = "64", description = "Cameras shown at most (default: ${DEFAULT-VALUE}).")
    int maxCameras;

    @Option(names = "--frames-per-camera", defaultValue = "64",
            description = "Frames held per camera, for the events that trail them (default: ${DEFAULT-VALUE}; "
                    + "H.264/H.265 hold whole groups of pictures within --camera-mb).")
    int framesPerCamera;

    @Option(names = "--camera-mb", defaultValue = "4", description = "MiB of frames held per camera (default: ${DEFAULT-VALUE}).")
    int cameraMb;

    @Option(names = "--history", defaultValue = "12", description = "Events shown in a camera's history strip (default: ${DEFAULT-VALUE}).")
    int history;

    @Option(names = "--backfill", defaultValue = "100",
            description = "Records read before each partition's end at start, to show the current state at once "
                    + "(default: ${DEFAULT-VALUE}).")
    int backfill;

    @Override
    public Integer call() throws Exception {
        check(maxCameras >= 1 && maxCameras <= 10_000, "--max-cameras must be 1..10000");
        check(framesPerCamera >= 1 && framesPerCamera <= 10_000, "--frames-per-camera must be 1..10000");
        check(cameraMb >= 1 && cameraMb <= 1024, "--camera-mb must be 1..1024");
        check(history >= 1 && history <= 100, "--history must be 1..100");
        check(backfill >= 0, "--backfill must be 0 or more");
        check(port >= 0 && port <= 65535, "--port must be 0..65535");
        Map<String, Object> settings = kafka.settings();
        FramewiseConfig config = new FramewiseConfig(FramewiseConfig.ownSettings(settings));
        KafkaOptions.requireReachable(settings, config);
        CountDownLatch stop = Signals.terminationLatch();
        try (CameraBoard board = new CameraBoard(maxCameras, framesPerCamera, cameraMb * 1024L * 1024L, history,
                config.maxPixels(), System::currentTimeMillis);
             ViewFeed feed = new ViewFeed(FramewiseConfig.clientSettings(settings), config.inputTopic(),
                     config.outputTopic(), config.deadLetterTopic(), backfill, board);
             ViewServer server = serve(board)) {
            Thread reader = new Thread(feed, "framewise-view-feed");
            reader.setDaemon(true);
            reader.start();
            output.out().printf("framewise view: open http://%s:%d/ (frames %s, events %s, dead letters %s); "
                            + "at most %d cameras x %d MiB of frames; Ctrl-C stops%n",
                    host.contains(":") ? "[" + host + "]" : host, server.port(), config.inputTopic(),
                    config.outputTopic(), config.deadLetterTopic(), maxCameras, cameraMb);
            output.out().flush();
            while (!stop.await(1, TimeUnit.SECONDS)) {
                if (!reader.isAlive()) {
                    throw new CliException("the view stopped reading the topics (see the log above)",
                            "check the cluster and the client settings, then start the view again");
                }
            }
            feed.close();
            reader.join(10_000);
        }
        output.err().println("framewise view: stopped");
        return 0;
    }

    private ViewServer serve(CameraBoard board) throws IOException {
        try {
            return ViewServer.start(host, port, board);
        } catch (BindException e) {
            throw new CliException("cannot serve the view on " + host + ":" + port + ": " + e.getMessage(),
                    "pick another --port (0 takes a free one)");
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new CliException(message, "see framewise view --help");
        }
    }
}
