package io.github.loadbalancer4j.benchmarks.sim;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a scenario's latency distributions with XChart: one panel per variant, one curve per
 * strategy, latency on a logarithmic x axis and the share of calls slower than it on a logarithmic y
 * axis (so the tail, where strategies differ, is as readable as the median).
 */
public final class LatencyChart {

    private static final int PANEL_WIDTH = 820;
    private static final int PANEL_HEIGHT = 520;
    /** Latencies below this are drawn at it: the x axis is logarithmic. */
    private static final double LOWEST_MILLIS = 0.1;
    private static final Color[] COLORS = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
        new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};
    private static final int POINTS = 240;
    private static final double LOWEST_SHARE = 1e-4;

    private LatencyChart() {
    }

    /**
     * Writes the chart as a PNG.
     *
     * @param outcome one seed's results
     * @param file where to write it; its directory is created
     * @throws IOException if the file cannot be written
     */
    public static void write(Outcome outcome, Path file) throws IOException {
        Scenario s = outcome.scenario();
        List<BufferedImage> panels = new ArrayList<>();
        for (Variant v : s.variants()) {
            XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
                    .title(s.title() + ": " + v.label() + " (seed " + outcome.seed() + ")")
                    .xAxisTitle("latency (ms, log)").yAxisTitle("share of calls slower").build();
            Styler styler = chart.getStyler();
            styler.setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setXAxisLogarithmic(true);
            chart.getStyler().setPlotGridVerticalLinesVisible(false);
            chart.getStyler().setXAxisMin(LOWEST_MILLIS);
            styler.setChartBackgroundColor(Color.WHITE);
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setYAxisMin(LOWEST_SHARE);
            chart.getStyler().setYAxisMax(1.0);
            int index = 0;
            for (RunResult r : outcome.results()) {
                if (!r.variant().equals(v.label())) {
                    continue;
                }
                int color = index++;
                if (r.calls() == 0) {
                    continue;
                }
                double[][] xy = curve(r.sortedLatencies());
                XYSeries series = chart.addSeries(r.strategy(), xy[0], xy[1]);
                series.setMarker(SeriesMarkers.NONE);
                series.setLineColor(COLORS[color % COLORS.length]);
                // Equal-weight strategies often draw over their unweighted twin: dash every other one.
                series.setLineStyle(color % 2 == 1 ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
            }
            panels.add(BitmapEncoder.getBufferedImage(chart));
        }
        BufferedImage all = new BufferedImage(PANEL_WIDTH * panels.size(), PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        try {
            for (int i = 0; i < panels.size(); i++) {
                g.drawImage(panels.get(i), i * PANEL_WIDTH, 0, null);
            }
        } finally {
            g.dispose();
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        ImageIO.write(all, "png", file.toFile());
    }

    /** Points (latency, share slower) at quantiles spread evenly on a log scale of the tail share. */
    static double[][] curve(long[] sorted) {
        int n = sorted.length;
        double lowest = Math.max(LOWEST_SHARE, 1.0 / n);
        List<double[]> points = new ArrayList<>();
        for (int k = 0; k <= POINTS; k++) {
            double share = Math.pow(lowest, (double) k / POINTS); // from 1 down to the lowest share
            int index = (int) Math.min(n - 1, Math.max(0, Math.ceil((1.0 - share) * n)));
            points.add(new double[] {Math.max(LOWEST_MILLIS, sorted[index] / 1e6), share});
        }
        double[][] xy = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++) {
            xy[0][i] = points.get(i)[0];
            xy[1][i] = points.get(i)[1];
        }
        return xy;
    }
}
