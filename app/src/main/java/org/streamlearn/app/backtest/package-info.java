/**
 * Backtests: replay labeled events through models with progressive validation and write a summary, traces and
 * a report.
 *
 * <ul>
 *   <li>A file: {@link org.streamlearn.app.backtest.Backtest} runs every spec ({@link
 *       org.streamlearn.app.backtest.BacktestRun}) over every line, side by side.</li>
 *   <li>A topic: {@link org.streamlearn.app.backtest.TopicSource} merges the events topic and the commands topic
 *       by record timestamp over a {@link org.streamlearn.app.backtest.Range};
 *       {@link org.streamlearn.app.backtest.KeyedBacktest} parses each record once and feeds every
 *       {@link org.streamlearn.app.backtest.Configuration} (the {@code --spec} files, expanded by
 *       {@link org.streamlearn.app.backtest.Grid}, or each key's live spec) through {@code KeyedReplay}: the
 *       service's own {@code ModelLifecycle}, one model per key, keys sharded over threads;
 *       {@link org.streamlearn.app.backtest.WarmStart} starts keys from their live snapshots.</li>
 *   <li>Epochs and holdouts: {@link org.streamlearn.app.backtest.EpochBacktest} holds the events and trains in
 *       passes.</li>
 *   <li>Outputs of both keyed modes: {@code KeyedOutput} (summary.json, summary.csv) and {@code KeyedReport}
 *       (report.html's leaderboard and per-key plots).</li>
 * </ul>
 */
package org.streamlearn.app.backtest;
