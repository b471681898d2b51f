/**
 * Backtests: replay a stream of labeled events through one or more specs side by side, with progressive
 * validation, and write a summary, a rolling-loss trace per spec and the final models.
 */
package org.streamlearn.app.backtest;
