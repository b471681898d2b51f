package org.streamlearn.app.backtest;

/**
 * One record a backtest replays: a training event or a model command, with its key, timestamp and where it
 * came from ({@code events.jsonl:17} or {@code topic-2@1234}, for error messages).
 *
 * @param key       the record key (the model id); null for a file's lines, which all feed one model per spec
 * @param timestamp the record timestamp (epoch ms); a file's line number
 * @param command   a {@code model-commands} record rather than a training event
 * @param value     the record value (JSON bytes; null for a tombstone)
 * @param where     where it came from
 */
public record SourceRecord(String key, long timestamp, boolean command, byte[] value, String where) {
}
