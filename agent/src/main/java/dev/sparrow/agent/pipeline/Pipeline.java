package dev.sparrow.agent.pipeline;

import dev.sparrow.agent.telemetry.AgentControl;
import dev.sparrow.devices.frames.Frame;
import dev.sparrow.devices.frames.FrameSource;
import dev.sparrow.snn.PlaceRecognizer;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Frame source → recogniser → result sinks, on two threads joined by a small bounded queue. The source thread
 * takes frames at the configured rate: a replayed source (an image folder) is paced by a deadline schedule, a
 * live one (a camera pipe) has frames that come early skipped. When the queue is full, or the sinks cannot
 * take more results (the outbox is full of place events), the <em>frame</em> is dropped and counted — a
 * result, once made, always reaches every sink.
 */
public final class Pipeline implements AgentControl, AutoCloseable {
    /** Frames waiting for the recogniser: enough to absorb jitter, small enough to keep latency low. */
    static final int QUEUE = 2;

    /** Loads the recogniser (again, on {@code reload}). */
    public interface RecognizerLoader {
        PlaceRecognizer load() throws Exception;
    }

    /** Loads the frame model (again, on {@code reload}). */
    public interface ModelLoader {
        FrameModel load() throws Exception;
    }

    private final FrameSource source;
    private final boolean live;
    private final RecognizerLoader recognizerLoader;
    private final ModelLoader modelLoader;
    /** Held while a frame is processed and while {@code reload} swaps the stages, so a model is never closed in use. */
    private final Object stages = new Object();
    private final List<ResultSink> sinks;
    private final BooleanSupplier sinksHaveRoom;
    private final Consumer<String> log;
    private final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(QUEUE);
    private final PipelineMetrics metrics = new PipelineMetrics();
    private final Object pause = new Object();
    private final Thread sourceThread;
    private final Thread worker;
    private PlaceRecognizer recognizer;
    private FrameModel model;
    private volatile double rate;
    private volatile boolean paused;
    private volatile boolean stopping;
    private volatile boolean sourceEnded;
    private volatile Throwable failure;

    /**
     * @param live          frames arrive by themselves (skip early ones) rather than on demand (pace them)
     * @param sinksHaveRoom false while a sink cannot take more results; frames are dropped meanwhile
     * @param log           one line per event worth a human's attention (a sink that failed, a reload)
     */
    public Pipeline(FrameSource source, boolean live, double rate, RecognizerLoader recognizerLoader,
                    ModelLoader modelLoader, List<ResultSink> sinks, BooleanSupplier sinksHaveRoom,
                    Consumer<String> log) throws Exception {
        this.source = source;
        this.live = live;
        this.rate = rate;
        this.recognizerLoader = recognizerLoader;
        this.modelLoader = modelLoader;
        this.recognizer = recognizerLoader == null ? null : recognizerLoader.load();
        try {
            this.model = modelLoader == null ? null : modelLoader.load();
        } catch (Exception | Error e) {
            this.recognizer = null;
            throw e;
        }
        this.sinks = List.copyOf(sinks);
        this.sinksHaveRoom = sinksHaveRoom;
        this.log = log;
        this.sourceThread = Thread.ofPlatform().name("sparrow-frames").unstarted(this::takeFrames);
        this.worker = Thread.ofPlatform().name("sparrow-recognise").unstarted(this::recogniseFrames);
    }

    public void start() {
        worker.start();
        sourceThread.start();
    }

    public PipelineMetrics metrics() {
        return metrics;
    }

    /** Frames the source could not deliver (unreadable images, truncated raw frames). */
    public long malformedFrames() {
        return source.counts().skipped();
    }

    public boolean paused() {
        return paused;
    }

    public double rate() {
        return rate;
    }

    /** False once the source has ended and every frame taken is processed (or the pipeline failed or closed). */
    public boolean running() {
        return worker.isAlive();
    }

    /** Waits until the source has ended and every frame taken is processed (or {@link #close} was called). */
    public void awaitEnd() throws InterruptedException {
        worker.join();
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
    }

    @Override
    public void pause() {
        paused = true;
        log.accept("paused");
    }

    @Override
    public void resume() {
        synchronized (pause) {
            paused = false;
            pause.notifyAll();
        }
        log.accept("resumed");
    }

    @Override
    public void reload() throws Exception {
        PlaceRecognizer freshRecognizer = recognizerLoader == null ? null : recognizerLoader.load();
        FrameModel freshModel = modelLoader == null ? null : modelLoader.load();
        FrameModel old;
        synchronized (stages) {
            recognizer = freshRecognizer;
            old = model;
            model = freshModel;
        }
        if (old != null) {
            old.close();
        }
        if (freshRecognizer != null) {
            log.accept("recogniser reloaded (" + freshRecognizer.places() + " places, L = "
                    + freshRecognizer.sequenceLength() + ")");
        }
        if (freshModel != null) {
            log.accept("model reloaded (" + freshModel.file() + ")");
        }
    }

    @Override
    public void setRate(double framesPerSecond) {
        rate = framesPerSecond;
        log.accept(String.format("rate set to %.2f frames/s", framesPerSecond));
    }

    /** Stops taking frames, lets the worker finish the ones taken, and closes the source. */
    @Override
    public void close() throws Exception {
        stopping = true;
        sourceThread.interrupt();
        synchronized (pause) {
            pause.notifyAll();
        }
        sourceThread.join(5000);
        worker.join(30_000);
        source.close();
        synchronized (stages) {
            if (model != null) {
                model.close();
            }
        }
    }

    private void takeFrames() {
        long deadline = System.nanoTime();
        try {
            while (!stopping) {
                synchronized (pause) {
                    while (paused && !stopping) {
                        pause.wait();
                    }
                }
                Optional<Frame> next = source.next();
                if (next.isEmpty()) {
                    break;
                }
                Frame frame = next.get();
                long period = (long) (1e9 / rate);
                long now = System.nanoTime();
                if (live) {
                    if (now < deadline) {
                        continue;
                    }
                } else if (now < deadline) {
                    TimeUnit.NANOSECONDS.sleep(deadline - now);
                }
                // a late frame starts the schedule again instead of bursting to catch up
                deadline = Math.max(deadline + period, System.nanoTime() - period);
                if (!sinksHaveRoom.getAsBoolean() || !queue.offer(frame)) {
                    metrics.dropped();
                }
            }
        } catch (InterruptedException e) {
            // stopping
        } catch (Exception | Error e) {
            // An Error here would otherwise end the thread with a stack trace and the pipeline as if done.
            failure = e;
            log.accept("frame source failed: " + e.getMessage());
        } finally {
            sourceEnded = true;
        }
    }

    private void recogniseFrames() {
        try {
            while (true) {
                Frame frame = queue.poll(50, TimeUnit.MILLISECONDS);
                if (frame == null) {
                    if (sourceEnded) {
                        return;
                    }
                    continue;
                }
                PlaceRecognizer.Recognition r;
                FrameModel.Inference inference;
                synchronized (stages) {
                    r = recognizer == null ? null : recognizer.recognise(grey(frame));
                    inference = model == null ? null : model.infer(frame);
                }
                long latency = System.nanoTime() - frame.captureNanos();
                FrameResult result = new FrameResult(frame.sequence(), r, inference, latency);
                for (ResultSink sink : sinks) {
                    try {
                        sink.accept(result);
                    } catch (Exception e) {
                        log.accept("result of frame " + frame.sequence() + " not delivered to a sink: " + e.getMessage());
                    }
                }
                metrics.processed(latency);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
            log.accept("recogniser failed: " + e.getMessage());
        }
    }

    /** The frame's grey pixels as an image the recogniser preprocesses (resize, patch normalisation). */
    static BufferedImage grey(Frame frame) {
        BufferedImage image = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, frame.width(), frame.height(), frame.pixels());
        return image;
    }
}
