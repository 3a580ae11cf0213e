/** The upload progress bar (cli-progress) on standard error; silent when that is not a terminal. */
import { Presets, SingleBar } from 'cli-progress';
import type { UploadProgress } from './upload';

export function progressBar(stream: NodeJS.WritableStream): UploadProgress {
  const bar = new SingleBar(
    {
      stream,
      format: 'uploading [{bar}] {value}/{total} files | {failed} failed | eta {eta_formatted}',
      hideCursor: true,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  let failures = 0;
  return {
    start: (total) => bar.start(total, 0, { failed: failures }),
    fileDone: (outcome) => {
      if (outcome.status === 'failed') failures += 1;
      bar.increment(1, { failed: failures });
    },
    stop: () => bar.stop(),
  };
}
