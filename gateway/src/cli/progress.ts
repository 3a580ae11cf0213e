/**
 * The upload progress bar (cli-progress) on standard error, in bytes with a time left measured from the bytes
 * actually sent (redrawn as time passes, so a stall shows); silent when standard error is not a terminal.
 */
import { Format, Presets, SingleBar } from 'cli-progress';
import { formatBytes, formatTimeLeft, ThroughputMeter } from './throughput';
import type { UploadProgress } from './upload';

export function progressBar(stream: NodeJS.WritableStream, now: () => number = Date.now): UploadProgress {
  const sentByFile = new Map<string, number>();
  let meter = new ThroughputMeter(now());
  let totalBytes = 0;
  let files = 0;
  let filesDone = 0;
  let failures = 0;
  const sent = (): number => [...sentByFile.values()].reduce((sum, bytes) => sum + bytes, 0);
  const bar = new SingleBar(
    {
      stream,
      hideCursor: true,
      format: (options, params) => {
        const at = now();
        const done = sent();
        const rate = meter.rate(at);
        return [
          `uploading [${Format.BarFormat(params.progress, options)}]`,
          `${formatBytes(done)} / ${formatBytes(totalBytes)}`,
          `${filesDone}/${files} files${failures > 0 ? `, ${failures} failed` : ''}`,
          rate === undefined ? '-- /s' : `${formatBytes(rate)}/s`,
          `eta ${formatTimeLeft(meter.timeLeft(totalBytes - done, at))}`,
        ].join(' | ');
      },
    },
    Presets.shades_classic,
  );
  const update = (): void => {
    const done = sent();
    meter.record(done, now());
    bar.update(done);
  };
  return {
    start: (count, bytes) => {
      files = count;
      totalBytes = bytes;
      meter = new ThroughputMeter(now());
      // A run of empty files still shows a whole bar.
      bar.start(Math.max(1, bytes), 0);
    },
    sent: (file, bytes) => {
      sentByFile.set(file, bytes);
      update();
    },
    fileDone: (outcome, size) => {
      if (outcome.status === 'failed') failures += 1;
      filesDone += 1;
      // Finished either way: what a failed file did not send is no longer to come.
      sentByFile.set(outcome.file, size);
      update();
    },
    stop: () => bar.stop(),
  };
}
