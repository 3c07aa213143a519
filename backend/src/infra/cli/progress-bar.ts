/** A one-line progress bar on a terminal (stderr); one line per phase otherwise. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): (done: number, total: number, phase: string) => void {
  const tty = stream.isTTY;
  let lastPhase = '';
  return (done, total, phase) => {
    if (tty) {
      const width = 30;
      const filled = Math.round((done / Math.max(total, 1)) * width);
      stream.write(`\r  ${phase.padEnd(8)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}   `);
      if (phase === 'writing') stream.write('\n');
    } else if (phase !== lastPhase) {
      stream.write(`  ${phase}…\n`);
    }
    lastPhase = phase;
  };
}
