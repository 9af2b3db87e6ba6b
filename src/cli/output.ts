// What the CLI prints to stdout, and what happens when the reader goes away (`seq2seq bench | head -1`): a closed
// pipe never ends in a stack trace. A command whose work outlives its output (train, fit-copy) goes on and saves;
// one whose output is the whole point (bench, eval) ends quietly.
export type WhenClosed = { goOn: string } | 'exit';

/** A line writer for stdout; after the reader closes it, lines are dropped and `whenClosed` decides the rest. */
export function stdoutLines(whenClosed: WhenClosed): (line: string) => void {
  let closed = false;
  const onClosed = (): void => {
    if (closed) return;
    closed = true;
    if (whenClosed === 'exit') process.exit(0);
    process.stderr.write(`seq2seq: stdout was closed; ${whenClosed.goOn}\n`);
  };
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') onClosed();
    else process.stderr.write(`seq2seq: stdout: ${e.message}\n`);
  });
  return (line) => {
    if (closed) return;
    try {
      process.stdout.write(`${line}\n`);
    } catch {
      onClosed();
    }
  };
}
